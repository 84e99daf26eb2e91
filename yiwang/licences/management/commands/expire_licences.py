import datetime as dt

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "将有效期已届满的证照记为失效（每日由 Celery beat 运行；可补跑：--date YYYY-MM-DD）。"

    def add_arguments(self, parser):
        parser.add_argument("--date", type=dt.date.fromisoformat, default=None)

    def handle(self, *args, date=None, **options):
        from yiwang.licences.services import licences_expire

        self.stdout.write(f"已失效：{licences_expire(today=date)} 张。")
