from django.urls import path

from yiwang.bundles.pages import apply, cases, editor, public, window

app_name = "bundles"
urlpatterns = [
    path("", public.overview, name="overview"),
    path("<int:bundle_id>/", public.guide, name="guide"),
    path("<int:bundle_id>/apply/", apply.apply_start, name="apply"),
    path("<int:bundle_id>/apply/<slug:step>/", apply.apply_step, name="apply_step"),
    path("cases/<int:bundle_case_id>/", cases.bundle_case_page, name="case"),
    path("console/", cases.console, name="console"),
    path("window/", window.window_home, name="window"),
    path("window/<int:bundle_id>/", window.window_intake, name="window_intake"),
    path("console/<int:bundle_case_id>/accept/", cases.accept, name="accept"),
    path("console/<int:bundle_case_id>/members/<int:member_id>/chase/", cases.chase, name="chase"),
    path("editor/", editor.editor_list, name="editor_list"),
    path("editor/new/", editor.editor_new, name="editor_new"),
    path("editor/versions/<int:version_id>/", editor.editor_version, name="editor_version"),
    path("editor/versions/<int:version_id>/edit/", editor.editor_edit, name="editor_edit"),
    path("editor/versions/<int:version_id>/submit/", editor.editor_submit, name="editor_submit"),
    path("editor/versions/<int:version_id>/review/", editor.editor_review, name="editor_review"),
    path("editor/versions/<int:version_id>/publish/", editor.editor_publish, name="editor_publish"),
    path("editor/<int:bundle_id>/drafts/", editor.editor_start_draft, name="editor_start_draft"),
]
