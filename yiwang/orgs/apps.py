from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "yiwang.orgs"
    label = "orgs"
    verbose_name = "组织机构"

    def ready(self):
        from yiwang.core import hooks
        from yiwang.core.workbench import WorkbenchLink, register
        from yiwang.orgs.access import may_manage_calendar
        from yiwang.orgs.constants import Role

        register(WorkbenchLink(frozenset({Role.ADMINISTRATOR}), "admin:index", "系统管理", "组织机构、人员与角色授权。", order=99))
        # The calendar (workdays) sits below orgs and knows no roles: orgs answers for it.
        hooks.register("workdays.may_manage_calendar", may_manage_calendar)
        register(WorkbenchLink(frozenset({Role.ADMINISTRATOR}), "workdays:admin_calendar", "工作日历",
                               "录入新一年的节假日与调休，导入文件。", order=90))
