"""Import an .xlsx workbook of implementations and materials as drafts (all or nothing)."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from yiwang.catalog.workbook import WorkbookImportFailed, import_workbook


class Command(BaseCommand):
    help = "从 Excel 导入事项和材料：新事项建草稿 v1，已有事项建新草稿；有任何错误则全部不导入。"

    def add_arguments(self, parser):
        parser.add_argument("path", help="Excel 文件（.xlsx），格式同 catalog_export 的输出")
        parser.add_argument("--actor", required=True, help="以该用户名（须有事项编辑角色）导入")

    def handle(self, *args, path: str, actor: str, **options):
        user = get_user_model().objects.filter(username=actor).first()
        if user is None:
            raise CommandError(f"用户「{actor}」不存在。")
        try:
            with open(path, "rb") as stream:
                result = import_workbook(actor=user, stream=stream)
        except FileNotFoundError:
            raise CommandError(f"文件 {path} 不存在。") from None
        except WorkbookImportFailed as exc:
            for problem in exc.problems:
                where = f"{problem.sheet} 第 {problem.row} 行" + (f"「{problem.column}」列" if problem.column else "")
                self.stderr.write(f"{where}：{problem.message}")
            raise CommandError(exc.message) from None
        self.stdout.write(self.style.SUCCESS(
            f"导入完成：新建 {len(result.created)} 个事项，{len(result.updated)} 个事项生成了新草稿。"))
