"""The cases app's HTML pages, one module per audience:

- progress.py    anyone: public progress by case number + verification code (or the QR code)
- apply.py       citizens and enterprises: the application wizard with drafts
- applicant.py   the applicant: my cases, a case's page, withdrawal
- files.py       documents (PDF) and material files, each behind an access check
- window.py      the general window: the workbench (check the applicant, find an item, queues), filing
- window_case.py the general window's case page: acceptance decisions, corrections, hand-over
- department.py  the department: the worklist and the case page with its tasks
- monitoring.py  supervisors: monitoring warnings
- shared.py, materials.py  what several of them use (guards, error placement, material inputs)

Pages only translate: they obtain cases through yiwang.cases.access, ask access.case_actions_for
what the actor may do, change them through yiwang.cases.services, read through
yiwang.cases.selectors, and render. Every change is a POST answered by a redirect
(POST-redirect-GET); a page is re-rendered only to show errors, with everything typed in place.
"""
