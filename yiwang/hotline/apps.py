from django.apps import AppConfig


class HotlineConfig(AppConfig):
    name = "yiwang.hotline"
    label = "hotline"
    verbose_name = "12345 热线与大走访"

    def ready(self):
        from yiwang.core.workbench import WorkbenchLink, register
        from yiwang.orgs.constants import Role

        register(
            WorkbenchLink(frozenset({Role.HOTLINE_OPERATOR}), "hotline:console", "12345 话务受理",
                          "来电受理、重复工单提示、派单、审核答复、回访。", order=40),
            WorkbenchLink(frozenset({Role.HOTLINE_HANDLER}), "hotline:worklist", "12345 承办工单",
                          "签收、退单、办理、答复、申请延期，时限倒计时。", order=41),
            WorkbenchLink(frozenset({Role.SUPERVISOR, Role.LEADER, Role.HOTLINE_OPERATOR}), "hotline:supervision",
                          "12345 督办与指标", "超期与督办清单、指标图表、热点分析。", order=42),
            WorkbenchLink(frozenset({Role.VISIT_LEADER, Role.SUPERVISOR, Role.LEADER}), "hotline:visits",
                          "大走访", "包抓项目企业、走访签到、企业诉求与月度分析。", order=43),
        )
