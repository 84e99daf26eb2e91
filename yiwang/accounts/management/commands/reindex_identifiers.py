from django.core.management.base import BaseCommand

from yiwang.accounts.services import identifiers_reindex


class Command(BaseCommand):
    help = "按当前 YIWANG_BLIND_INDEX_KEY 重算所有账户的身份证号、手机号盲索引（轮换盲索引密钥后运行）。"

    def handle(self, *args, **options):
        count = identifiers_reindex()
        self.stdout.write(f"已重算 {count} 个账户的盲索引。")
