from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "yiwang.notifications"
    label = "notifications"
    verbose_name = "消息通知"

    def ready(self):
        # accounts sits below notifications: it asks for verification-code SMS through this hook.
        from yiwang.core import hooks
        from yiwang.notifications.services import phone_changed_notify, verification_code_send

        hooks.register("accounts.send_code", verification_code_send)
        hooks.register("accounts.phone_changed", phone_changed_notify)
