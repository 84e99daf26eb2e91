"""Re-seed the years 2004–2026 from the chinesecalendar package where they are missing (e.g.
after `manage.py flush`). Migration 0002 already does this for every fresh database."""

from django.core.management.base import BaseCommand

from yiwang.workdays.services import calendar_seed_from_package


class Command(BaseCommand):
    help = "从 chinesecalendar 程序包补齐 2004–2026 年的正式日历（只补缺失的年度）。"

    def handle(self, *args, **options):
        added = calendar_seed_from_package(actor="calendar_seed command")
        self.stdout.write(self.style.SUCCESS(f"已补齐 {len(added)} 个年度：{added}" if added else "无需补齐：所有年度都已存在。"))
