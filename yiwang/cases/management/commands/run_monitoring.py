import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from yiwang.cases.services.monitoring import run_monitoring


class Command(BaseCommand):
    help = "Run the periodic case monitoring (deemed acceptance, warnings, deadlines) for a day; idempotent."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="YYYY-MM-DD (default: today)")
        parser.add_argument("--until", help="YYYY-MM-DD: run every day from --date to this day (catch up after an outage)")

    def handle(self, *args, date=None, until=None, **options):
        try:
            start = dt.date.fromisoformat(date) if date else timezone.localdate()
            end = dt.date.fromisoformat(until) if until else start
        except ValueError as exc:
            raise CommandError("日期格式应为 YYYY-MM-DD") from exc
        if end < start:
            raise CommandError("--until 不能早于 --date")
        day = start
        while day <= end:
            report = run_monitoring(today=day)
            self.stdout.write(
                f"{day}: deemed accepted {len(report.deemed_accepted)}, deferrals lapsed {len(report.deferrals_lapsed)}, "
                f"colours changed {report.colours_changed}, warnings raised {len(report.warnings_raised)}")
            day += dt.timedelta(days=1)
