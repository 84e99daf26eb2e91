from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "yiwang.core"
    label = "core"
    verbose_name = "基础（审计）"

    def ready(self):
        from django.db.models.signals import pre_save

        from yiwang.core.inputs import check_row_strings

        # Every model of every app: a string over its column's length is a 400 naming the field.
        pre_save.connect(check_row_strings, dispatch_uid="yiwang.core.inputs.check_row_strings")
