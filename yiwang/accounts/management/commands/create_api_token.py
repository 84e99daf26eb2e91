from django.core.management.base import BaseCommand, CommandError

from yiwang.accounts.models import User
from yiwang.accounts.services import api_token_create
from yiwang.core.errors import DomainError


class Command(BaseCommand):
    help = "为账户创建接口令牌（Authorization: Bearer <令牌>）。令牌只显示这一次，数据库只保存其 SM3 摘要。"

    def add_arguments(self, parser):
        parser.add_argument("username", help="令牌代表的账户的用户名")
        parser.add_argument("name", help="令牌名称（用途），例如“12345 热线对接”")

    def handle(self, *args, username, name, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"没有用户名为“{username}”的账户。")
        try:
            record, token = api_token_create(actor=None, user=user, name=name)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stderr.write(f"已为 {user.username} 创建接口令牌“{record.name}”（前缀 {record.prefix}）。"
                          "令牌只显示这一次，请立即妥善保存：")
        self.stdout.write(token)
