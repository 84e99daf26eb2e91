from django.db import models
from django.utils import timezone

from yiwang.core.base_model import BaseModel  # noqa: F401  (re-exported until every app imports it from base_model)
from yiwang.core.errors import DomainError


class AuditStream(models.Model):
    """The event counter of one writer (a database connection of one thread of one process).

    Each writer numbers its events 1, 2, 3 … without gaps: the counter moves in the writer's own
    transaction, so a rollback takes the number back with the event. Only its writer ever updates
    a stream's row, so writers never wait for each other; a missing number is a deleted event."""

    key = models.CharField(max_length=200, unique=True)  # host:pid:thread of the writer
    last_seq = models.PositiveBigIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"stream {self.pk} ({self.key}, {self.last_seq} events)"


class AuditEvent(models.Model):
    """One write made through a service: who did what to which object, when, with what details.

    Append-only. Each row carries a keyed hash (HMAC-SM3 with a key the database does not hold) of
    its own content and its place in its writer's stream, so writers never wait on each other; a
    periodic task seals batches of events into `AuditBlock`s chained by keyed hash and anchored
    outside the database (see yiwang/core/audit.py). The only column ever updated is `block`, set
    once by sealing, and it is not part of the content hash.
    """

    occurred_at = models.DateTimeField(db_index=True)
    actor_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    actor_label = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=100, db_index=True)
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    details = models.JSONField(default=dict, blank=True)
    stream = models.ForeignKey(AuditStream, on_delete=models.PROTECT, related_name="events")
    seq = models.PositiveBigIntegerField()  # 1, 2, 3 … within the stream, without gaps
    content_hash = models.CharField(max_length=64)
    block = models.ForeignKey("AuditBlock", null=True, blank=True, on_delete=models.PROTECT, related_name="events")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["stream", "seq"], name="audit_stream_seq_unique")]
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="audit_object_idx"),
            models.Index(fields=["block", "id"], name="audit_block_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M:%S} {self.actor_label} {self.action} {self.object_type}#{self.object_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise DomainError("审计事件只能追加，不能修改。", code="audit_append_only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise DomainError("审计事件只能追加，不能删除。", code="audit_append_only")


class AuditBlock(models.Model):
    """A seal over every event sealed in it, chained to the previous block (keyed HMAC-SM3); each
    block's hash is also written to an append-only anchor outside the database."""

    sequence = models.PositiveBigIntegerField(unique=True)
    sealed_at = models.DateTimeField()
    event_count = models.PositiveIntegerField()
    first_event_id = models.BigIntegerField()
    last_event_id = models.BigIntegerField()
    previous_hash = models.CharField(max_length=64)
    block_hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["sequence"]

    def __str__(self) -> str:
        return f"block {self.sequence} ({self.event_count} events)"
