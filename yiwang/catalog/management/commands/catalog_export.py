"""Export the published catalog (or one agency's part of it) as an .xlsx workbook."""

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from yiwang.catalog.selectors import published_versions
from yiwang.catalog.workbook import export_workbook
from yiwang.orgs.selectors import organisations_where


class Command(BaseCommand):
    help = "导出已发布的事项目录为 Excel（工作表：事项、材料、说明）。"

    def add_arguments(self, parser):
        parser.add_argument("path", help="输出文件，如 catalog.xlsx")
        parser.add_argument("--agency", help="只导出该实施主体（统一社会信用代码或名称）及其下级机构的事项")

    def handle(self, *args, path: str, agency: str | None = None, **options):
        versions = published_versions().prefetch_related("materials", "fee_items").order_by(
            "implementation__implementation_code")
        if agency:
            org = organisations_where(Q(uscc=agency.upper())).first() or organisations_where(Q(name=agency)).first()
            if org is None:
                raise CommandError(f"找不到实施主体「{agency}」。")
            versions = versions.filter(implementation__agency__path__startswith=org.path)
        versions = list(versions)
        with open(path, "wb") as stream:
            export_workbook(versions, stream)
        self.stdout.write(self.style.SUCCESS(f"已导出 {len(versions)} 个事项到 {path}"))
