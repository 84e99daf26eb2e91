from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "yiwang.cases"
    label = "cases"
    verbose_name = "申请与办件"

    def ready(self):
        # When an administrator enters a new year's holidays, provisional due dates are recomputed.
        from yiwang.cases.services.clock import recompute_provisional_due_dates
        from yiwang.workdays.provisional import register_provisional_recomputer

        register_provisional_recomputer(recompute_provisional_due_dates)
