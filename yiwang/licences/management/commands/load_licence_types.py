from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "载入电子证照类型（可重复运行）：GB/T 36904 类型代码、默认发证机关、有效期规则、模板。"

    def handle(self, *args, **options):
        from yiwang.licences.services import licence_types_load

        result = licence_types_load(actor="load_licence_types")
        self.stdout.write(f"证照类型：新增 {result['created']}，更新 {result['updated']}，办理结果对照 {result['mappings']}。")
