from django.apps import AppConfig


class BundlesConfig(AppConfig):
    name = "yiwang.bundles"
    label = "bundles"
    verbose_name = "一件事一次办"

    def ready(self):
        from yiwang.bundles import catalog_hooks
        from yiwang.bundles.applications import on_case_event
        from yiwang.cases.constants import CaseHook
        from yiwang.core import hooks
        from yiwang.core.workbench import WorkbenchLink, register
        from yiwang.orgs.constants import Role

        for name in (CaseHook.REFUSED, CaseHook.DECIDED, CaseHook.CONCLUDED, CaseHook.WITHDRAWN, CaseHook.TERMINATED,
                     CaseHook.REVOKED):
            hooks.register(name, on_case_event)
        hooks.register("catalog.xian_seed_loaded", catalog_hooks.load_xian_bundles)
        hooks.register("catalog.life_event_links", catalog_hooks.life_event_links)
        register(WorkbenchLink(frozenset({Role.WINDOW_CLERK}), "bundles:window", "一件事窗口受理",
                               "为到窗口的申请人一次申请“一件事”：核验身份、回答情形、填一张表、收一套材料，随即综合受理。",
                               order=12),
                 WorkbenchLink(frozenset({Role.WINDOW_CLERK, Role.DEPT_REVIEWER}), "bundles:console", "一件事办件",
                               "待综合受理的一件事、办理中的成员事项、超期催办。", order=13))
        register(WorkbenchLink(frozenset({Role.CATALOG_EDITOR, Role.CATALOG_REVIEWER}), "bundles:editor_list", "一件事管理",
                               "定义“一件事”的成员、依赖和情形问题，提交审核、发布。", order=45))
