from django.core.management.base import BaseCommand, CommandError

from yiwang.cases.services.lockers import lockers_return_uncollected, return_days


class Command(BaseCommand):
    help = "Return results left in a locker longer than the configured days to the hall; idempotent."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, help="days a result may wait in a locker (default: YIWANG_LOCKER_RETURN_DAYS)")

    def handle(self, *args, days=None, **options):
        if days is not None and days < 1:
            raise CommandError("--days 至少为 1")
        returned = lockers_return_uncollected(days=days)
        self.stdout.write(f"returned {len(returned)} uncollected locker result(s) after {days or return_days()} days")
