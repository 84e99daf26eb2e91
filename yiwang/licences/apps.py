from django.apps import AppConfig


class LicencesConfig(AppConfig):
    name = "yiwang.licences"
    label = "licences"
    verbose_name = "电子证照与一人一档"

    def ready(self):
        from yiwang.licences import actions

        actions.register()
