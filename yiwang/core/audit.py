"""The audit trail: record every service write; seal, anchor and verify it.

Threat: someone with access to the database only (a DBA, a stolen backup, an SQL injection) who
wants to change or remove what the trail says. Four measures, each against one way of hiding:

- **Keyed hashes.** An event's hash is HMAC-SM3 under `YIWANG_AUDIT_KEY`, a key that lives in the
  environment of the application, never in the database. Rewriting an event and recomputing its
  hash needs the key; without it the forged hash does not verify.
- **Gap-free numbers per writer.** Each writer (one database connection of one thread of one
  process) numbers its events 1, 2, 3 … in an `AuditStream` row that only it updates, inside its
  own transaction: a rollback takes the number back with the event, so committed numbers have no
  gaps, and writers never wait for each other. The number is inside the keyed hash, so events
  cannot be renumbered: a deleted event leaves a hole, sealed or not.
- **Blocks chained by keyed hash.** `seal_events()` runs every few seconds (Celery beat) and binds
  every not-yet-sealed event into a block whose hash covers each event's (id, stream, number,
  hash) and the previous block's hash. Deleting or moving a sealed event breaks its block;
  rewriting a block breaks it or the next block's link.
- **An anchor outside the database.** Each block's number and hash are appended to an append-only
  store that the database cannot reach (a file on another volume, or a second Redis;
  `YIWANG_AUDIT_ANCHOR`). Someone who has the key *and* the database and rewrites the whole chain
  is still caught by `verify_audit --anchor`.

What remains: the newest events of a writer that are not sealed yet (a few seconds' worth) could
be removed together with a matching decrement of its stream counter by someone who also knows the
design; the sealing interval bounds that window (docs/security.md).
"""

from __future__ import annotations

import json
import os
import socket
import threading
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from cryptography.hazmat.primitives import hashes, hmac
from django.conf import settings
from django.db import IntegrityError, connection, models, transaction
from django.db.models import Count, F, Max, Min
from django.utils import timezone

from yiwang.core.models import AuditBlock, AuditEvent, AuditStream

GENESIS_HASH = "0" * 64
SEAL_BATCH = 5000


def _canonical(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)


@lru_cache(maxsize=4)
def _audit_key(hex_key: str) -> bytes:
    key = bytes.fromhex(hex_key)
    if len(key) < 16:
        raise ValueError("YIWANG_AUDIT_KEY must be at least 32 hex characters (128 bits).")
    return key


def keyed_hash(purpose: str, payload: str) -> str:
    """HMAC-SM3 under the audit key; `purpose` keeps event and block hashes apart."""
    mac = hmac.HMAC(_audit_key(settings.YIWANG_AUDIT_KEY), hashes.SM3())
    mac.update(purpose.encode("ascii") + b"\x00" + payload.encode("utf-8"))
    return mac.finalize().hex()


def event_content_hash(
    *, occurred_at: datetime, actor_id: int | None, actor_label: str, action: str, object_type: str,
    object_id: str, details: dict, stream_id: int, seq: int,
) -> str:
    content = {
        "at": occurred_at.isoformat(timespec="microseconds"),
        "actor": actor_id,
        "label": actor_label,
        "action": action,
        "type": object_type,
        "id": object_id,
        "details": details,
        "stream": stream_id,
        "seq": seq,
    }
    return keyed_hash("event", _canonical(content))


def _hash_of(event: AuditEvent) -> str:
    return event_content_hash(
        occurred_at=event.occurred_at, actor_id=event.actor_id, actor_label=event.actor_label,
        action=event.action, object_type=event.object_type, object_id=event.object_id, details=event.details,
        stream_id=event.stream_id, seq=event.seq,
    )


def actor_fields(actor: Any) -> tuple[int | None, str]:
    """(user id or None, label) of an actor: a user, None for the system, or a system actor's name."""
    if actor is None:
        return None, "system"
    if isinstance(actor, str):
        return None, actor[:150]
    label = getattr(actor, "get_username", None)
    return getattr(actor, "pk", None), (label() if callable(label) else str(actor))[:150]


def _writer_key() -> str:
    return f"{socket.gethostname()[:120]}:{os.getpid()}:{threading.get_ident()}"


def next_sequence() -> tuple[int, int]:
    """(stream id, number) for this writer's next event, taken in the caller's transaction.

    Must be called inside the transaction that writes the event, so that a rollback returns the
    number too. The stream row is this writer's alone: the update waits for nobody."""
    if not connection.in_atomic_block:
        raise RuntimeError("audit numbers are taken inside the transaction that writes the event")
    key = _writer_key()
    stream = AuditStream.objects.filter(key=key)
    if stream.update(last_seq=F("last_seq") + 1):
        return stream.values_list("pk", "last_seq").get()
    created = AuditStream.objects.create(key=key, last_seq=1)
    return created.pk, 1


def next_sequences(count: int) -> tuple[int, int]:
    """(stream id, first number) of `count` consecutive numbers of this writer, taken in one
    statement in the caller's transaction (writers of many events at once: a bundle's filing).
    The same rules as next_sequence: inside the transaction that writes the events."""
    if not connection.in_atomic_block:
        raise RuntimeError("audit numbers are taken inside the transaction that writes the event")
    if count < 1:
        raise ValueError("count must be at least 1")
    key = _writer_key()
    qn = connection.ops.quote_name
    table, seq, pk, writer = qn(AuditStream._meta.db_table), qn("last_seq"), qn("id"), qn("key")
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET {seq} = {seq} + %s WHERE {writer} = %s RETURNING {pk}, {seq}",  # noqa: S608 (model table)
                       [count, key])
        row = cursor.fetchone()
    if row is None:
        created = AuditStream.objects.create(key=key, last_seq=count)
        return created.pk, 1
    return row[0], row[1] - count + 1


def build_event(
    *, actor: Any, action: str, obj: models.Model | None = None, details: dict | None = None,
    object_type: str = "", object_id: str | int = "", sequence: tuple[int, int] | None = None,
) -> AuditEvent:
    """An event with its number and keyed hash, not yet saved (for writers that insert rows in
    bulk). Call inside the transaction that saves it. `sequence` is (stream id, number) when the
    writer reserved numbers itself (next_sequences); otherwise the next number is taken here."""
    actor_id, actor_label = actor_fields(actor)
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = obj.pk
    # Round-trip through JSON so the hash is computed over exactly what the database stores.
    details = json.loads(_canonical(details or {}))
    object_id = "" if object_id is None else str(object_id)
    stream_id, seq = sequence or next_sequence()
    event = AuditEvent(
        occurred_at=timezone.now(), actor_id=actor_id, actor_label=actor_label, action=action,
        object_type=object_type, object_id=object_id, details=details, stream_id=stream_id, seq=seq,
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
    if not connection.in_atomic_block:  # a lone write: its own transaction (no savepoint otherwise)
        with transaction.atomic():
            return record_event(actor=actor, action=action, obj=obj, details=details, object_type=object_type,
                                object_id=object_id)
    event = build_event(actor=actor, action=action, obj=obj, details=details, object_type=object_type,
                        object_id=object_id)
    event.save(force_insert=True)
    return event


# ---------------------------------------------------------------------------------------------
# Sealing and the anchor


def _block_hash(*, sequence: int, previous_hash: str, events: list[tuple[int, int, int, str]]) -> str:
    payload = f"{sequence}|{previous_hash}|" + ";".join(f"{pk}:{stream}:{seq}:{h}" for pk, stream, seq, h in events)
    return keyed_hash("block", payload)


_EVENT_SEAL_FIELDS = ("id", "stream_id", "seq", "content_hash")


def seal_events(*, batch: int = SEAL_BATCH) -> list[AuditBlock]:
    """Seal every unsealed event into blocks of at most `batch` events and anchor them; returns
    the new blocks."""
    blocks = []
    while True:
        try:
            block = _seal_one(batch)
        except IntegrityError:
            # Another sealer took this sequence number first; try again on top of its block.
            continue
        if block is None:
            break
        blocks.append(block)
    anchor_catch_up()
    return blocks


@transaction.atomic
def _seal_one(batch: int) -> AuditBlock | None:
    previous = AuditBlock.objects.select_for_update().order_by("-sequence").first()
    pending = list(AuditEvent.objects.filter(block__isnull=True).order_by("id").values_list(*_EVENT_SEAL_FIELDS)[:batch])
    if not pending:
        return None
    sequence = previous.sequence + 1 if previous else 1
    previous_hash = previous.block_hash if previous else GENESIS_HASH
    block = AuditBlock.objects.create(
        sequence=sequence, sealed_at=timezone.now(), event_count=len(pending),
        first_event_id=pending[0][0], last_event_id=pending[-1][0], previous_hash=previous_hash,
        block_hash=_block_hash(sequence=sequence, previous_hash=previous_hash, events=pending),
    )
    AuditEvent.objects.filter(id__in=[row[0] for row in pending], block__isnull=True).update(block=block)
    return block


class FileAnchor:
    """One JSON line per block, appended and fsynced; the file belongs on storage the database
    host cannot write (another volume, a WORM mount, a log shipper)."""

    def __init__(self, path: str):
        self.path = path

    def records(self) -> list[dict]:
        try:
            with open(self.path, encoding="utf-8") as handle:
                return [json.loads(line) for line in handle if line.strip()]
        except FileNotFoundError:
            return []

    def append(self, records: list[dict]) -> None:
        os.makedirs(os.path.dirname(os.path.abspath(self.path)), exist_ok=True)
        with open(self.path, "a", encoding="utf-8") as handle:
            for record in records:
                handle.write(_canonical(record) + "\n")
            handle.flush()
            os.fsync(handle.fileno())


class RedisAnchor:
    """A Redis list (RPUSH only) on a server other than the database's."""

    def __init__(self, url: str):
        import redis  # a runtime dependency already (the broker); imported only when configured

        self.client = redis.Redis.from_url(url)
        self.name = "yiwang:audit-anchor"

    def records(self) -> list[dict]:
        return [json.loads(raw) for raw in self.client.lrange(self.name, 0, -1)]

    def append(self, records: list[dict]) -> None:
        if records:
            self.client.rpush(self.name, *[_canonical(r) for r in records])


def anchor_from(spec: str | None):
    """`file:/path` (or a bare path) or `redis://…`; None or "" when anchoring is off."""
    if not spec:
        return None
    if spec.startswith(("redis://", "rediss://", "unix://")):
        return RedisAnchor(spec)
    return FileAnchor(spec.removeprefix("file:"))


def configured_anchor():
    return anchor_from(getattr(settings, "YIWANG_AUDIT_ANCHOR", ""))


def _anchor_record(block: AuditBlock) -> dict:
    return {"sequence": block.sequence, "block_hash": block.block_hash, "sealed_at": block.sealed_at.isoformat()}


def anchor_catch_up(anchor=None) -> int:
    """Append to the anchor every block it does not have yet (after a crash between sealing and
    anchoring, the next seal catches up). Returns the number appended."""
    anchor = anchor or configured_anchor()
    if anchor is None:
        return 0
    records = anchor.records()
    last = records[-1]["sequence"] if records else 0
    missing = [_anchor_record(b) for b in AuditBlock.objects.filter(sequence__gt=last).order_by("sequence")]
    anchor.append(missing)
    return len(missing)


# ---------------------------------------------------------------------------------------------
# Verification


@dataclass
class AuditProblem:
    kind: str  # event_hash | event_gap | block_hash | block_chain | block_count | anchor
    object_id: int
    message: str


def _verify_events(chunk: int) -> tuple[int, AuditProblem | None]:
    checked = 0
    last_id = 0
    while True:
        rows = list(AuditEvent.objects.filter(id__gt=last_id).order_by("id")[:chunk])
        if not rows:
            return checked, None
        for event in rows:
            if _hash_of(event) != event.content_hash:
                return checked, AuditProblem("event_hash", event.id, f"审计事件 #{event.id} 的内容与其哈希不符（被修改）。")
            checked += 1
        last_id = rows[-1].id


def _verify_streams() -> AuditProblem | None:
    """Every stream's numbers are exactly 1..last_seq: a hole is a deleted event."""
    counts = {row["stream"]: row for row in AuditEvent.objects.values("stream").annotate(
        n=Count("id"), low=Min("seq"), high=Max("seq"))}
    for stream in AuditStream.objects.order_by("pk"):
        row = counts.pop(stream.pk, {"n": 0, "low": None, "high": 0})
        if row["n"] != stream.last_seq or row["high"] != stream.last_seq or (row["n"] and row["low"] != 1):
            present = set(AuditEvent.objects.filter(stream=stream).values_list("seq", flat=True))
            holes = [n for n in range(1, max(stream.last_seq, row["high"] or 0) + 1) if n not in present][:5]
            return AuditProblem("event_gap", stream.pk,
                                f"审计流 {stream.pk} 缺少第 {'、'.join(map(str, holes))} 号事件（事件被删除）。")
    if counts:  # events of a stream whose counter row is gone
        stream_id = next(iter(counts))
        return AuditProblem("event_gap", stream_id, f"审计流 {stream_id} 的计数记录缺失（被删除）。")
    return None


def _verify_blocks() -> tuple[int, AuditProblem | None]:
    checked = 0
    previous_hash = GENESIS_HASH
    expected_sequence = 1
    for block in AuditBlock.objects.order_by("sequence").iterator(chunk_size=500):
        if block.sequence != expected_sequence:
            return checked, AuditProblem(
                "block_chain", block.id, f"封存块序号应为 {expected_sequence}，实为 {block.sequence}（有块被删除）。")
        if block.previous_hash != previous_hash:
            return checked, AuditProblem(
                "block_chain", block.id, f"封存块 {block.sequence} 的前块哈希与上一块不符（链被改写）。")
        events = list(block.events.order_by("id").values_list(*_EVENT_SEAL_FIELDS))
        if len(events) != block.event_count:
            return checked, AuditProblem(
                "block_count", block.id,
                f"封存块 {block.sequence} 应含 {block.event_count} 个事件，实有 {len(events)} 个（事件被删除或移动）。")
        if _block_hash(sequence=block.sequence, previous_hash=block.previous_hash, events=events) != block.block_hash:
            return checked, AuditProblem(
                "block_hash", block.id, f"封存块 {block.sequence} 的哈希与其事件不符（事件或块被改写）。")
        previous_hash = block.block_hash
        expected_sequence += 1
        checked += 1
    return checked, None


def _verify_anchor(anchor) -> AuditProblem | None:
    db = dict(AuditBlock.objects.values_list("sequence", "block_hash"))
    for record in anchor.records():
        sequence = record["sequence"]
        if sequence not in db:
            return AuditProblem("anchor", sequence, f"外部锚定记录有封存块 {sequence}，数据库中没有（块被删除）。")
        if db[sequence] != record["block_hash"]:
            return AuditProblem("anchor", sequence, f"封存块 {sequence} 的哈希与外部锚定记录不符（链被改写）。")
    return None


def verify_audit(*, chunk: int = 5000, anchor=None) -> tuple[int, int, AuditProblem | None]:
    """Check every event's keyed hash, every stream's numbering, every block's hash and chain,
    and (when given) the blocks against the external anchor.

    Returns (events checked, blocks checked, first problem or None). Streams events in id order
    so a table of millions of events is verified in constant memory.
    """
    events_checked, problem = _verify_events(chunk)
    if problem:
        return events_checked, 0, problem
    blocks_checked, problem = _verify_blocks()
    if problem is None:
        problem = _verify_streams()
    if problem is None and anchor is not None:
        problem = _verify_anchor(anchor)
    return events_checked, blocks_checked, problem


def events_about(*, object_type: str, object_id: str | int) -> list[AuditEvent]:
    """The audit trail of one object, newest first (the reads other apps make of core's table)."""
    return list(AuditEvent.objects.filter(object_type=object_type, object_id=str(object_id)).order_by("-occurred_at", "-id"))
