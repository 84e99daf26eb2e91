from django.conf import settings
from django.db import models

from yiwang.core.base_model import BaseModel
from yiwang.core.fields import EncryptedTextField


class NotificationChannel(models.TextChoices):
    IN_APP = "in_app", "站内消息"
    SMS = "sms", "短信"
    EMAIL = "email", "电子邮件"


class DeliveryState(models.TextChoices):
    PENDING = "pending", "待发送"
    SENT = "sent", "已发送"  # a delivering backend (the gateway) accepted it
    LOGGED = "logged", "仅记录，未发送"  # demo/development: no gateway configured, nothing delivered
    FAILED = "failed", "发送失败"
    SKIPPED = "skipped", "无联系方式，未发送"


class Notification(BaseModel):
    """One message to one person. The in-app copy is the row itself; SMS/e-mail copies are sent by
    a Celery task after the transaction that caused them commits."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    channel = models.CharField(max_length=10, choices=NotificationChannel.choices)
    topic = models.CharField(max_length=60, help_text="e.g. case.accepted")
    title = models.CharField(max_length=200)
    # Encrypted at rest (SM4): bodies carry pickup codes, case numbers and names (issue: a dump of
    # the table must not show a pickup code).
    body = EncryptedTextField()
    link = models.CharField(max_length=300, blank=True)
    # Where an SMS goes when it is not the recipient's registered phone: the code for a new number
    # during a phone change, the notice to the old number after it. SM4 at rest.
    address = EncryptedTextField(blank=True, default="")
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    state = models.CharField(max_length=10, choices=DeliveryState.choices, default=DeliveryState.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)

    @property
    def message_id(self) -> str:
        """Stable across retries, unique across restored backups: what the SMS gateway dedupes on."""
        return f"yw-{self.pk}-{self.created_at:%Y%m%d%H%M%S%f}"

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "channel", "read_at"], name="notification_inbox_idx")]
