"""Demo data of every app that has some, after `load_xian` and `load_demo_accounts`.

Each app that brings demo data has a module `demo.py` with `load(*, stdout) -> None`, safe to run
any number of times. They run in INSTALLED_APPS order, which is the order of dependence (bundles
after the catalog, policies after the profiles), so core names no domain app."""

from __future__ import annotations

from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Load every app's demo data (each app's demo.load), in INSTALLED_APPS order."

    def handle(self, *args, **options):
        for config in apps.get_app_configs():
            module_name = f"{config.name}.demo"
            if not config.name.startswith("yiwang.") or find_spec(module_name) is None:
                continue
            self.stdout.write(f"demo data: {config.label}")
            import_module(module_name).load(stdout=self.stdout)
