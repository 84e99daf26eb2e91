from django.apps import AppConfig


class GuidanceConfig(AppConfig):
    name = "yiwang.guidance"
    label = "guidance"
    verbose_name = "智能导办"

    def ready(self):
        from yiwang.core import hooks
        from yiwang.core.workbench import WorkbenchLink, register
        from yiwang.guidance import prereview
        from yiwang.orgs.constants import Role

        hooks.register("cases.prereview", prereview.prereview_warnings)
        register(WorkbenchLink(frozenset({Role.CATALOG_EDITOR, Role.CATALOG_REVIEWER}), "guidance:staff_home", "智能导办与知识库",
                               "维护口语同义词、知识库条目，查看无结果搜索和点击学习。", order=46))
