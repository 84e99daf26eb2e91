from django.apps import AppConfig

from yiwang.accounts.constants import DEMO_STAFF_NEEDED
from yiwang.core import hooks
from yiwang.core.workbench import WorkbenchLink, register
from yiwang.orgs.constants import Role
from yiwang.workdays.provisional import register_provisional_recomputer


class CasesConfig(AppConfig):
    name = "yiwang.cases"
    label = "cases"
    verbose_name = "申请与办件"

    def ready(self):
        # Imported here, not at the top: apps.py is imported while the app registry is being
        # populated, before any models module may be, and the services import cases' models.
        # When an administrator enters a new year's holidays, provisional due dates are recomputed.
        from yiwang.cases.back_office import staff_needed_for_published_items
        from yiwang.cases.services.clock import recompute_provisional_due_dates

        register_provisional_recomputer(recompute_provisional_due_dates)
        # load_demo_accounts (accounts, below cases) asks who each demo journey needs.
        hooks.register(DEMO_STAFF_NEEDED, lambda: [(n.organisation, n.role) for n in staff_needed_for_published_items()])

        register(
            WorkbenchLink(frozenset({Role.WINDOW_CLERK}), "cases:clerk_workbench", "综合窗口受理",
                          "核验身份、代为申请、受理决定、打印文书、出件。", order=10),
            WorkbenchLink(frozenset({Role.WINDOW_CLERK}), "cases:locker_drop_offs", "信包箱交件",
                          "申请人投入信包箱的纸质材料：登记取出、大厅签收。", order=11),
            WorkbenchLink(frozenset({Role.COURIER}), "cases:courier_round", "信包箱取件",
                          "到信包箱取出申请人投入的纸质材料，送达大厅。", order=12),
            WorkbenchLink(frozenset({Role.DEPT_REVIEWER, Role.DEPT_APPROVER}), "cases:worklist", "部门办件",
                          "待办任务、倒计时、审查与决定。", order=20),
            WorkbenchLink(frozenset({Role.SUPERVISOR, Role.ADMINISTRATOR}), "cases:warnings", "电子监察",
                          "黄牌、红牌预警与超期办件。", order=30),
        )
