from django.urls import path

from yiwang.core.placeholder import placeholder

app_name = "workdays"
urlpatterns = [path("admin/", placeholder("工作日历管理"), name="admin_calendar")]
