from django.apps import AppConfig


class WorkdaysConfig(AppConfig):
    name = "yiwang.workdays"
    label = "workdays"
    verbose_name = "工作日历"
    # The calendar's workbench link and its permission are registered by orgs (it owns the roles,
    # and sits above the calendar): see OrgsConfig.ready.
