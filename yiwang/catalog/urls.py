from django.urls import path

from yiwang.core.placeholder import placeholder

app_name = "catalog"
urlpatterns = [
    path("", placeholder("首页"), name="home"),
    path("browse/<str:subject>/", placeholder("按生命周期浏览"), name="browse_tree"),
    path("agencies/", placeholder("按部门浏览"), name="browse_agencies"),
    path("editor/", placeholder("事项管理"), name="editor_list"),
]
