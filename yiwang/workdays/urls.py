from django.urls import path

from yiwang.workdays.pages import calendar_admin

app_name = "workdays"
urlpatterns = [
    path("admin/", calendar_admin.admin_calendar, name="admin_calendar"),
    path("admin/enter/", calendar_admin.admin_calendar_enter, name="admin_calendar_enter"),
    path("admin/import/", calendar_admin.admin_calendar_import, name="admin_calendar_import"),
    path("admin/<int:year>/", calendar_admin.admin_calendar_year, name="admin_calendar_year"),
]
