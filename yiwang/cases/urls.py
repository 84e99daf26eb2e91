from django.urls import path

from yiwang.cases.pages import (
    applicant,
    apply,
    courier,
    department,
    files,
    monitoring,
    progress,
    window,
    window_case,
    window_lockers,
)

app_name = "cases"
urlpatterns = [
    # Public progress: case number + verification code, or the QR code on every document.
    path("progress/", progress.progress, name="progress"),
    path("p/<str:number>/<str:code>/", progress.progress_qr, name="progress_qr"),
    # Applying (citizens and enterprises): step 1, then the draft's steps, then the confirmation.
    path("apply/<int:implementation_id>/", apply.apply, name="apply"),
    path("apply/drafts/<int:application_id>/<slug:step>/", apply.draft_step, name="draft_step"),
    path("apply/drafts/<int:application_id>/discard", apply.draft_discard, name="draft_discard"),
    path("apply/done/<int:application_id>/", apply.application_done, name="application_done"),
    # The applicant's cases.
    path("mine/", applicant.my_cases, name="my_cases"),
    path("mine/<int:case_id>/", applicant.case_detail, name="case_detail"),
    path("mine/<int:case_id>/withdraw/", applicant.case_withdraw, name="case_withdraw"),
    path("mine/files/<int:file_id>/", files.my_file, name="my_file"),
    # Files behind an access check (applicant or staff in scope).
    path("documents/<int:document_id>/", files.document, name="document"),
    path("files/<int:case_id>/<int:file_id>/", files.case_file, name="case_file"),
    # The general window.
    path("window/", window.clerk_workbench, name="clerk_workbench"),
    path("window/apply/<int:implementation_id>/", window.clerk_apply, name="clerk_apply"),
    path("window/cases/<int:case_id>/", window_case.clerk_case, name="clerk_case"),
    path("window/lockers/", window_lockers.locker_drop_offs, name="locker_drop_offs"),
    # The courier's round of the lockers (交通员).
    path("courier/", courier.courier_round, name="courier_round"),
    path("courier/lockers/<int:locker_id>/", courier.courier_locker, name="courier_locker"),
    # The department.
    path("work/", department.worklist, name="worklist"),
    path("work/cases/<int:case_id>/", department.staff_case, name="staff_case"),
    # Monitoring.
    path("monitoring/", monitoring.warnings, name="warnings"),
]
