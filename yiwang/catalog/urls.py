from django.urls import path

from yiwang.catalog.pages import editor, public, review

app_name = "catalog"
urlpatterns = [
    # The public (pages/public.py): anyone, logged in or not.
    path("", public.home, name="home"),
    path("search/", public.search, name="search"),
    path("browse/<str:subject>/", public.browse_tree, name="browse_tree"),
    path("events/<int:event_id>/", public.life_event, name="life_event"),
    path("agencies/", public.browse_agencies, name="browse_agencies"),
    path("agencies/<int:org_id>/", public.agency, name="agency"),
    path("items/<int:implementation_id>/", public.guide, name="guide"),
    path("items/<int:implementation_id>/guide.pdf", public.guide_pdf, name="guide_pdf"),
    # Catalog editors (pages/editor.py) and reviewers (pages/review.py).
    path("editor/", editor.editor_list, name="editor_list"),
    path("editor/new/", editor.editor_new, name="editor_new"),
    path("editor/import/", editor.editor_import, name="editor_import"),
    path("editor/export.xlsx", editor.editor_export, name="editor_export"),
    path("editor/implementations/<int:implementation_id>/", editor.editor_history, name="editor_history"),
    path("editor/implementations/<int:implementation_id>/drafts/", editor.editor_start_draft, name="editor_start_draft"),
    path("editor/versions/<int:version_id>/", editor.editor_version, name="editor_version"),
    path("editor/versions/<int:version_id>/edit/", editor.editor_edit, name="editor_edit"),
    path("editor/versions/<int:version_id>/submit/", editor.editor_submit, name="editor_submit"),
    path("editor/versions/<int:version_id>/review/", review.editor_review, name="editor_review"),
    path("editor/versions/<int:version_id>/publish/", review.editor_publish, name="editor_publish"),
    path("editor/versions/<int:version_id>/diff/", review.editor_diff, name="editor_diff"),
]
