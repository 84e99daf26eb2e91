"""Audit events get a gap-free number per writer and keyed (HMAC-SM3) hashes.

Existing events are numbered in id order in one stream and re-hashed with the audit key from the
environment; their old blocks (unkeyed hashes) are dissolved and the events are sealed again by
the next `seal_events`. Run it where the production key is set, by the operator who holds it."""

import json

import django.db.models.deletion
from cryptography.hazmat.primitives import hashes, hmac
from django.conf import settings
from django.db import migrations, models
from django.utils import timezone


def _canonical(value):
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)


def _keyed(payload: str) -> str:
    # The same construction as yiwang.core.audit.keyed_hash("event", …), frozen here so this
    # migration keeps meaning what it meant when it was written.
    mac = hmac.HMAC(bytes.fromhex(settings.YIWANG_AUDIT_KEY), hashes.SM3())
    mac.update(b"event\x00" + payload.encode("utf-8"))
    return mac.finalize().hex()


def number_and_rehash(apps, schema_editor):
    AuditEvent = apps.get_model("core", "AuditEvent")
    AuditBlock = apps.get_model("core", "AuditBlock")
    AuditStream = apps.get_model("core", "AuditStream")
    if not AuditEvent.objects.exists():
        AuditBlock.objects.all().delete()
        return
    stream = AuditStream.objects.create(key="migration:0002", last_seq=0, created_at=timezone.now())
    AuditEvent.objects.update(block=None)
    AuditBlock.objects.all().delete()
    seq = 0
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=2000):
        seq += 1
        content = {"at": event.occurred_at.isoformat(timespec="microseconds"), "actor": event.actor_id,
                   "label": event.actor_label, "action": event.action, "type": event.object_type,
                   "id": event.object_id, "details": event.details, "stream": stream.pk, "seq": seq}
        AuditEvent.objects.filter(pk=event.pk).update(stream=stream, seq=seq, content_hash=_keyed(_canonical(content)))
    AuditStream.objects.filter(pk=stream.pk).update(last_seq=seq)


class Migration(migrations.Migration):

    dependencies = [("core", "0001_initial")]

    operations = [
        migrations.CreateModel(
            name="AuditStream",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("key", models.CharField(max_length=200, unique=True)),
                ("last_seq", models.PositiveBigIntegerField(default=0)),
                ("created_at", models.DateTimeField(default=timezone.now)),
            ],
        ),
        migrations.AddField(
            model_name="auditevent", name="stream",
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name="events",
                                    to="core.auditstream"),
        ),
        migrations.AddField(model_name="auditevent", name="seq", field=models.PositiveBigIntegerField(null=True)),
        migrations.RunPython(number_and_rehash, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="auditevent", name="stream",
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="events",
                                    to="core.auditstream"),
        ),
        migrations.AlterField(model_name="auditevent", name="seq", field=models.PositiveBigIntegerField()),
        migrations.AddConstraint(
            model_name="auditevent",
            constraint=models.UniqueConstraint(fields=("stream", "seq"), name="audit_stream_seq_unique"),
        ),
    ]
