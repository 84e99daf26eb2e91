"""The audit trail: record every service write; seal and verify it.

Tamper evidence without serialising writers: an event hashes only its own content (SM3 over a
canonical JSON), so concurrent intake never waits for anyone's previous hash. `seal_events()` runs
periodically (Celery beat) and binds every not-yet-sealed event into a block whose hash covers
(id, content hash) of each of its events in id order and the previous block's hash. Then:
- altering an event breaks its own hash;
- deleting a sealed event, or moving it to another block, breaks its block's hash;
- rewriting a block breaks its own hash or, if recomputed, the next block's `previous_hash`.
Events are sealed by `block IS NULL`, not by an id range, so an event whose transaction commits
late (with an older id) is simply sealed in the next block.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import IntegrityError, models, transaction
from django.utils import timezone

from yiwang.core.crypto import sm3_hex
from yiwang.core.models import AuditBlock, AuditEvent

GENESIS_HASH = "0" * 64
SEAL_BATCH = 5000


def _canonical(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)


def event_content_hash(
    *, occurred_at: datetime, actor_id: int | None, actor_label: str, action: str, object_type: str,
    object_id: str, details: dict,
) -> str:
    content = {
        "at": occurred_at.isoformat(timespec="microseconds"),
        "actor": actor_id,
        "label": actor_label,
        "action": action,
        "type": object_type,
        "id": object_id,
        "details": details,
    }
    return sm3_hex(_canonical(content).encode("utf-8"))


def _hash_of(event: AuditEvent) -> str:
    return event_content_hash(
        occurred_at=event.occurred_at, actor_id=event.actor_id, actor_label=event.actor_label,
        action=event.action, object_type=event.object_type, object_id=event.object_id, details=event.details,
    )


def actor_fields(actor: Any) -> tuple[int | None, str]:
    """(user id or None, label) of an actor: a user, None for the system, or a system actor's name."""
    if actor is None:
        return None, "system"
    if isinstance(actor, str):
        return None, actor[:150]
    label = getattr(actor, "get_username", None)
    return getattr(actor, "pk", None), (label() if callable(label) else str(actor))[:150]


def build_event(
    *, actor: Any, action: str, obj: models.Model | None = None, details: dict | None = None,
    object_type: str = "", object_id: str | int = "",
) -> AuditEvent:
    """An event with its content hash, not yet saved (for writers that insert rows in bulk)."""
    actor_id, actor_label = actor_fields(actor)
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = obj.pk
    # Round-trip through JSON so the hash is computed over exactly what the database stores.
    details = json.loads(_canonical(details or {}))
    object_id = "" if object_id is None else str(object_id)
    event = AuditEvent(
        occurred_at=timezone.now(), actor_id=actor_id, actor_label=actor_label, action=action,
        object_type=object_type, object_id=object_id, details=details,
    )
    event.content_hash = _hash_of(event)
    return event


def record_event(
    *, actor: Any, action: str, obj: models.Model | None = None, details: dict | None = None,
    object_type: str = "", object_id: str | int = "",
) -> AuditEvent:
    """Append one event in the caller's transaction (it rolls back with the write it describes).

    `actor` is a user, None for the system, or a string naming a system actor (e.g. "monitoring").
    """
    event = build_event(actor=actor, action=action, obj=obj, details=details, object_type=object_type,
                        object_id=object_id)
    event.save(force_insert=True)
    return event


def _block_hash(*, sequence: int, previous_hash: str, events: list[tuple[int, str]]) -> str:
    payload = f"{sequence}|{previous_hash}|" + ";".join(f"{pk}:{h}" for pk, h in events)
    return sm3_hex(payload.encode("ascii"))


def seal_events(*, batch: int = SEAL_BATCH) -> list[AuditBlock]:
    """Seal every unsealed event into blocks of at most `batch` events; returns the new blocks."""
    blocks = []
    while True:
        try:
            block = _seal_one(batch)
        except IntegrityError:
            # Another sealer took this sequence number first; try again on top of its block.
            continue
        if block is None:
            return blocks
        blocks.append(block)


@transaction.atomic
def _seal_one(batch: int) -> AuditBlock | None:
    previous = AuditBlock.objects.select_for_update().order_by("-sequence").first()
    pending = list(
        AuditEvent.objects.filter(block__isnull=True).order_by("id").values_list("id", "content_hash")[:batch]
    )
    if not pending:
        return None
    sequence = previous.sequence + 1 if previous else 1
    previous_hash = previous.block_hash if previous else GENESIS_HASH
    block = AuditBlock.objects.create(
        sequence=sequence, sealed_at=timezone.now(), event_count=len(pending),
        first_event_id=pending[0][0], last_event_id=pending[-1][0], previous_hash=previous_hash,
        block_hash=_block_hash(sequence=sequence, previous_hash=previous_hash, events=pending),
    )
    AuditEvent.objects.filter(id__in=[pk for pk, _ in pending], block__isnull=True).update(block=block)
    return block


@dataclass
class AuditProblem:
    kind: str  # event_hash | block_hash | block_chain | block_count
    object_id: int
    message: str


def verify_audit(*, chunk: int = 5000) -> tuple[int, int, AuditProblem | None]:
    """Check every event's own hash and every block's hash and chain.

    Returns (events checked, blocks checked, first problem or None). Streams in id order so a table
    of millions of events is verified in constant memory.
    """
    events_checked = 0
    last_id = 0
    while True:
        rows = list(AuditEvent.objects.filter(id__gt=last_id).order_by("id")[:chunk])
        if not rows:
            break
        for event in rows:
            if _hash_of(event) != event.content_hash:
                return events_checked, 0, AuditProblem(
                    "event_hash", event.id, f"审计事件 #{event.id} 的内容与其哈希不符（被修改）。"
                )
            events_checked += 1
        last_id = rows[-1].id

    blocks_checked = 0
    previous_hash = GENESIS_HASH
    expected_sequence = 1
    for block in AuditBlock.objects.order_by("sequence").iterator(chunk_size=500):
        if block.sequence != expected_sequence:
            return events_checked, blocks_checked, AuditProblem(
                "block_chain", block.id, f"封存块序号应为 {expected_sequence}，实为 {block.sequence}（有块被删除）。"
            )
        if block.previous_hash != previous_hash:
            return events_checked, blocks_checked, AuditProblem(
                "block_chain", block.id, f"封存块 {block.sequence} 的前块哈希与上一块不符（链被改写）。"
            )
        events = list(block.events.order_by("id").values_list("id", "content_hash"))
        if len(events) != block.event_count:
            return events_checked, blocks_checked, AuditProblem(
                "block_count", block.id,
                f"封存块 {block.sequence} 应含 {block.event_count} 个事件，实有 {len(events)} 个（事件被删除或移动）。",
            )
        if _block_hash(sequence=block.sequence, previous_hash=block.previous_hash, events=events) != block.block_hash:
            return events_checked, blocks_checked, AuditProblem(
                "block_hash", block.id, f"封存块 {block.sequence} 的哈希与其事件不符（事件或块被改写）。"
            )
        previous_hash = block.block_hash
        expected_sequence += 1
        blocks_checked += 1
    return events_checked, blocks_checked, None


def events_about(*, object_type: str, object_id: str | int) -> list[AuditEvent]:
    """The audit trail of one object, newest first (the reads other apps make of core's table)."""
    return list(AuditEvent.objects.filter(object_type=object_type, object_id=str(object_id)).order_by("-occurred_at", "-id"))
