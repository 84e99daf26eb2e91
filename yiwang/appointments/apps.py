from django.apps import AppConfig


class AppointmentsConfig(AppConfig):
    name = "yiwang.appointments"
    label = "appointments"
    verbose_name = "预约、取号与帮办代办"

    def ready(self):
        from yiwang.appointments import actions, selectors
        from yiwang.core import hooks
        from yiwang.core.workbench import WorkbenchLink, register
        from yiwang.orgs.constants import Role

        # The service map (a lower app) asks each outlet's queue figures.
        hooks.register("servicemap.outlet_status", selectors.outlet_status)
        # A booking carries into the case the clerk files for the person who booked.
        hooks.register("case.accepted", actions.on_case_filed)
        hooks.register("case.refused", actions.on_case_filed)
        # Our own answer to "what can this person print here": the case documents.
        hooks.register("appointments.printables", selectors.case_document_printables)
        # The guide page (catalog) links to booking where the item supports appointments.
        hooks.register("catalog.guide_actions", actions.guide_actions)
        register(
            WorkbenchLink(frozenset({Role.WINDOW_CLERK}), "appointments:calling", "叫号",
                          "窗口叫号：叫下一位、重呼、过号、开始办理、办结；今日预约签到。", order=15),
            WorkbenchLink(frozenset({Role.HALL_MANAGER}), "appointments:halls", "大厅管理",
                          "窗口分组、号源排班、预约与排队，等候时长（1 小时时限）。", order=40),
            WorkbenchLink(frozenset({Role.SERVICE_ASSISTANT}), "appointments:assistance_work", "帮办代办",
                          "帮办代办、上门服务、楼小二的申请：指派、办理、完成。", order=41),
            WorkbenchLink(frozenset({Role.SERVICE_ASSISTANT}), "appointments:projects", "重点项目代办",
                          "重点项目的审前辅导、审中协调、审后跟踪，代办专员。", order=42),
        )
