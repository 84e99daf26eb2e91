"""Run the provisional-date recomputers for a year again (e.g. after the broker was down when the
year was entered). They are idempotent, so running twice is harmless."""

from django.core.management.base import BaseCommand

from yiwang.workdays.provisional import run_provisional_recomputers


class Command(BaseCommand):
    help = "重新计算依赖某年度的暂定到期日（调用各应用登记的重算函数）。"

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)

    def handle(self, *args, year, **options):
        results = run_provisional_recomputers(year=year)
        for name, result in results.items():
            self.stdout.write(f"{name}: {result}")
        self.stdout.write(self.style.SUCCESS(f"{year} 年：已调用 {len(results)} 个重算函数。"))
