from django.urls import path

from yiwang.catalog import views
from yiwang.catalog.editor_urls import urlpatterns as editor_urlpatterns

app_name = "catalog"
urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("browse/<str:subject>/", views.browse_tree, name="browse_tree"),
    path("events/<int:event_id>/", views.life_event, name="life_event"),
    path("agencies/", views.browse_agencies, name="browse_agencies"),
    path("agencies/<int:org_id>/", views.agency, name="agency"),
    path("items/<int:implementation_id>/", views.guide, name="guide"),
    path("items/<int:implementation_id>/guide.pdf", views.guide_pdf, name="guide_pdf"),
]
urlpatterns += editor_urlpatterns
