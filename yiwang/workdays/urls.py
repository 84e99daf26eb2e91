from django.urls import path

from yiwang.workdays import views

app_name = "workdays"
urlpatterns = [
    path("admin/", views.admin_calendar, name="admin_calendar"),
    path("admin/enter/", views.admin_calendar_enter, name="admin_calendar_enter"),
    path("admin/import/", views.admin_calendar_import, name="admin_calendar_import"),
    path("admin/<int:year>/", views.admin_calendar_year, name="admin_calendar_year"),
]
