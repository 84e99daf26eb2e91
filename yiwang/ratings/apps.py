from django.apps import AppConfig


class RatingsConfig(AppConfig):
    name = "yiwang.ratings"
    label = "ratings"
    verbose_name = "好差评"

    def ready(self):
        from yiwang.core import hooks
        from yiwang.core.workbench import WorkbenchLink, register
        from yiwang.orgs.constants import Role
        from yiwang.ratings import actions
        from yiwang.ratings.pages.panels import case_page_panel

        # Invitations go out when a case is delivered; the case page shows the 评价 panel.
        hooks.register("case.delivered", actions.on_case_delivered)
        hooks.register("cases.case_page_panels", case_page_panel)
        register(
            WorkbenchLink(frozenset({Role.RATING_OFFICER, Role.LEADER}), "ratings:worklist", "差评整改",
                          "核实、整改或解释、领导审核、回访；申诉。", order=40),
            WorkbenchLink(frozenset({Role.SUPERVISOR, Role.ADMINISTRATOR, Role.LEADER, Role.RATING_OFFICER}),
                          "ratings:supervision", "好差评督办", "超期整改预警、待复核申诉。", order=41),
            WorkbenchLink(frozenset({Role.SUPERVISOR, Role.ADMINISTRATOR, Role.LEADER, Role.RATING_OFFICER}),
                          "ratings:indicators", "好差评指标", "按区划、部门、窗口、事项、人员统计，附图表。", order=42),
        )
