from django.apps import AppConfig


class WorkdaysConfig(AppConfig):
    name = "yiwang.workdays"
    label = "workdays"
    verbose_name = "工作日历"

    def ready(self):
        from yiwang.core.workbench import WorkbenchLink, register
        from yiwang.orgs.constants import Role

        register(WorkbenchLink(frozenset({Role.ADMINISTRATOR}), "workdays:admin_calendar", "工作日历",
                               "录入新一年的节假日与调休，导入文件。", order=90))
