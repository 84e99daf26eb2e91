from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "yiwang.orgs"
    label = "orgs"
    verbose_name = "组织机构"

    def ready(self):
        from yiwang.core.workbench import WorkbenchLink, register
        from yiwang.orgs.constants import Role

        register(WorkbenchLink(frozenset({Role.ADMINISTRATOR}), "admin:index", "系统管理", "组织机构、人员与角色授权。", order=99))
