from django.urls import path

from yiwang.cases import views

app_name = "cases"
urlpatterns = [
    # Public progress: case number + verification code, or the QR code on every document.
    path("progress/", views.progress, name="progress"),
    path("p/<str:number>/<str:code>/", views.progress_qr, name="progress_qr"),
    # Applying (citizens and enterprises): step 1, then the draft's steps, then the confirmation.
    path("apply/<int:implementation_id>/", views.apply, name="apply"),
    path("apply/drafts/<int:application_id>/<slug:step>/", views.draft_step, name="draft_step"),
    path("apply/drafts/<int:application_id>/discard", views.draft_discard, name="draft_discard"),
    path("apply/done/<int:application_id>/", views.application_done, name="application_done"),
    # The applicant's cases.
    path("mine/", views.my_cases, name="my_cases"),
    path("mine/<int:case_id>/", views.case_detail, name="case_detail"),
    path("mine/<int:case_id>/withdraw/", views.case_withdraw, name="case_withdraw"),
    path("mine/files/<int:file_id>/", views.my_file, name="my_file"),
    # Files behind an access check (applicant or staff in scope).
    path("documents/<int:document_id>/", views.document, name="document"),
    path("files/<int:case_id>/<int:file_id>/", views.case_file, name="case_file"),
    # The general window.
    path("window/", views.clerk_workbench, name="clerk_workbench"),
    path("window/apply/<int:implementation_id>/", views.clerk_apply, name="clerk_apply"),
    path("window/cases/<int:case_id>/", views.clerk_case, name="clerk_case"),
    # The department.
    path("work/", views.worklist, name="worklist"),
    path("work/cases/<int:case_id>/", views.staff_case, name="staff_case"),
    # Monitoring.
    path("monitoring/", views.warnings, name="warnings"),
]
