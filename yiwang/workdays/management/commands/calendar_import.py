"""Import one year of holidays from a text file (format: docs/calendar.md).

    manage.py calendar_import 2027.txt
    manage.py calendar_import 2026-fix.txt --correction --reason "国办发明电〔2026〕9号 补充通知"
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from yiwang.core.errors import DomainError, ValidationFailed
from yiwang.workdays.services import calendar_year_import


class Command(BaseCommand):
    help = "从文本文件导入一个年度的节假日与调休上班日（格式见 docs/calendar.md）。"

    def add_arguments(self, parser):
        parser.add_argument("path", help="UTF-8 文本文件")
        parser.add_argument("--correction", action="store_true", help="更正已正式发布的年度（须同时给出 --reason）")
        parser.add_argument("--reason", default="", help="更正理由")

    def handle(self, *args, path, correction, reason, **options):
        try:
            text = Path(path).read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"无法读取 {path}：{exc}") from exc
        try:
            calendar_year = calendar_year_import(actor="calendar_import command", text=text, correction=correction,
                                                 reason=reason)
        except ValidationFailed as exc:
            raise CommandError("\n".join(e.message for e in exc.errors)) from exc
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(self.style.SUCCESS(f"{calendar_year.year} 年已导入（{calendar_year.get_source_display()}）。"))
