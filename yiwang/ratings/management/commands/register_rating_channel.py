"""Register a system that posts ratings for applicants it identified; prints its token once."""

from django.core.management.base import BaseCommand, CommandError

from yiwang.core.errors import DomainError
from yiwang.ratings.services import channel_system_register


class Command(BaseCommand):
    help = "登记评价渠道系统（自助终端 terminal、大厅平板 tablet、电话系统 phone、短信平台 sms），输出其接口令牌（只显示一次）。"

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True, help="名称，如“雁塔区政务服务中心自助终端 01”")
        parser.add_argument("--channel", required=True, choices=["terminal", "tablet", "phone", "sms"])
        parser.add_argument("--username", required=True, help="系统账号的用户名（字母开头）")

    def handle(self, *args, name, channel, username, **options):
        try:
            system, token = channel_system_register(actor=None, name=name, channel=channel, username=username)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(f"已登记：{system}（账号 {system.account.username}）")
        self.stdout.write(f"接口令牌（只显示这一次，请妥善保存）：{token}")
