"""Load the Xi'an seed (divisions, organisations, data elements, catalog, life-cycle trees).

Run by `make demo` right after `migrate`; safe to run again: it only creates what is missing
(yiwang/catalog/seed/loader.py, docs/seed-data.md)."""

import time

from django.core.management.base import BaseCommand, CommandError

from yiwang.catalog.seed.loader import SeedDataInvalid, load_xian


class Command(BaseCommand):
    help = "载入西安市种子数据：行政区划、组织机构、数据元、事项目录（已发布的办事指南）和生命周期树。可重复运行，已有数据不变。"

    def handle(self, *args, **options):
        started = time.monotonic()
        try:
            result = load_xian()
        except (SeedDataInvalid, ValueError) as exc:
            raise CommandError(str(exc)) from None
        elapsed = time.monotonic() - started
        if not result.created_anything:
            self.stdout.write(self.style.SUCCESS(f"西安种子数据已是最新，未做任何修改（{elapsed:.1f} 秒）。"))
            return
        self.stdout.write(self.style.SUCCESS(
            f"西安种子数据载入完成（{elapsed:.1f} 秒）：行政区划 {result.divisions}，组织机构 {result.organisations}，"
            f"数据元 {result.data_elements}，基本目录事项 {result.base_items}，实施清单事项 {result.implementations}"
            f"（结果样本 {result.samples} 份），生命周期阶段 {result.stages}、主题 {result.themes}、事件 {result.events}"
            + "".join(f"，{label} {count}" for label, count in result.steps.items()) + "。"))
