from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "yiwang.catalog"
    label = "catalog"
    verbose_name = "服务事项目录"

    def ready(self):
        from yiwang.core.workbench import WorkbenchLink, register
        from yiwang.orgs.constants import Role

        register(WorkbenchLink(frozenset({Role.CATALOG_EDITOR, Role.CATALOG_REVIEWER}), "catalog:editor_list", "事项管理",
                               "编辑草稿、提交审核、发布、版本对比。", order=40))
