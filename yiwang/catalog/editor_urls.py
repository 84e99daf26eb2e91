"""URLs of the catalog staff pages; appended to catalog/urls.py (namespace "catalog")."""

from django.urls import path

from yiwang.catalog import editor_views

urlpatterns = [
    path("editor/", editor_views.editor_list, name="editor_list"),
    path("editor/new/", editor_views.editor_new, name="editor_new"),
    path("editor/import/", editor_views.editor_import, name="editor_import"),
    path("editor/export.xlsx", editor_views.editor_export, name="editor_export"),
    path("editor/implementations/<int:implementation_id>/", editor_views.editor_history, name="editor_history"),
    path("editor/implementations/<int:implementation_id>/drafts/", editor_views.editor_start_draft,
         name="editor_start_draft"),
    path("editor/versions/<int:version_id>/", editor_views.editor_version, name="editor_version"),
    path("editor/versions/<int:version_id>/edit/", editor_views.editor_edit, name="editor_edit"),
    path("editor/versions/<int:version_id>/submit/", editor_views.editor_submit, name="editor_submit"),
    path("editor/versions/<int:version_id>/review/", editor_views.editor_review, name="editor_review"),
    path("editor/versions/<int:version_id>/publish/", editor_views.editor_publish, name="editor_publish"),
    path("editor/versions/<int:version_id>/diff/", editor_views.editor_diff, name="editor_diff"),
]
