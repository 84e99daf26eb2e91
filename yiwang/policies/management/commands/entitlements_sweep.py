"""manage.py entitlements_sweep: close the 免申即享 offers nobody confirmed in time and file the
cases of open offers that have none (idempotent; the beat task runs the same daily)."""

from django.core.management.base import BaseCommand

from yiwang.policies.services import entitlements_sweep


class Command(BaseCommand):
    help = "关闭逾期未确认的免申即享办件，并为尚无办件的待确认待遇生成办件。"

    def handle(self, *args, **options):
        figures = entitlements_sweep()
        self.stdout.write(f"lapsed {figures['lapsed']}, filed {figures['filed']}")
