"""The audit trail: every event hashed, sealed in chained blocks, and any tampering detected."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from yiwang.core.audit import record_event, seal_events, verify_audit
from yiwang.core.errors import DomainError
from yiwang.core.models import AuditBlock, AuditEvent, AuditStream

pytestmark = pytest.mark.django_db


def _events(n, **kw):
    return [record_event(actor=None, action="test.happened", object_type="test", object_id=i,
                         details={"i": i, "名称": "测试"}, **kw) for i in range(n)]


def test_intact_trail_verifies_and_seals_in_chained_blocks():
    _events(7)
    blocks = seal_events(batch=3)
    assert [b.event_count for b in blocks] == [3, 3, 1]
    assert blocks[1].previous_hash == blocks[0].block_hash
    assert AuditEvent.objects.filter(block__isnull=True).count() == 0
    events, nblocks, problem = verify_audit()
    assert (events, nblocks, problem) == (7, 3, None)
    assert seal_events() == []  # nothing new to seal


def test_altered_event_is_detected():
    evs = _events(4)
    seal_events()
    AuditEvent.objects.filter(pk=evs[2].pk).update(details={"i": 99})
    _, _, problem = verify_audit()
    assert problem.kind == "event_hash" and problem.object_id == evs[2].pk


def _unkeyed_forgery(e, **changes):
    """What someone with database access alone can compute: SM3 over the event's content (the
    old, unkeyed construction), or an HMAC under a key they guess."""
    from yiwang.core.audit import _canonical
    from yiwang.core.crypto import sm3_hex

    content = {"at": e.occurred_at.isoformat(timespec="microseconds"), "actor": e.actor_id, "label": e.actor_label,
               "action": e.action, "type": e.object_type, "id": e.object_id, "details": e.details,
               "stream": e.stream_id, "seq": e.seq, **changes}
    return sm3_hex(_canonical(content).encode())


def test_altered_event_with_recomputed_hash_is_caught_by_its_block():
    """Sealed: even a hash computed with the real key does not fit the block any more."""
    from yiwang.core.audit import _hash_of

    evs = _events(4)
    seal_events()
    e = AuditEvent.objects.get(pk=evs[1].pk)
    e.action = "test.forged"
    AuditEvent.objects.filter(pk=e.pk).update(action="test.forged", content_hash=_hash_of(e))
    _, _, problem = verify_audit()
    assert problem.kind == "block_hash"


def test_unsealed_event_rewritten_with_its_hash_recomputed_is_detected():
    """Attack 1 of the probe: before sealing, rewrite an event and recompute its hash. Without the
    audit key (it is not in the database) the recomputed hash does not verify."""
    evs = _events(3)
    e = AuditEvent.objects.get(pk=evs[1].pk)
    AuditEvent.objects.filter(pk=e.pk).update(action="test.forged", content_hash=_unkeyed_forgery(e, action="test.forged"))
    _, _, problem = verify_audit()
    assert problem.kind == "event_hash" and problem.object_id == e.pk


def test_unsealed_event_deleted_is_detected():
    """Attack 2: delete an event nobody has sealed yet. Its number leaves a hole in its stream."""
    evs = _events(4)
    AuditEvent.objects.filter(pk=evs[1].pk)._raw_delete(AuditEvent.objects.db)
    _, _, problem = verify_audit()
    assert problem.kind == "event_gap" and f"第 {evs[1].seq} 号" in problem.message


def test_renumbering_to_close_the_hole_is_detected():
    evs = _events(3)
    AuditEvent.objects.filter(pk=evs[1].pk)._raw_delete(AuditEvent.objects.db)
    AuditEvent.objects.filter(pk=evs[2].pk).update(seq=evs[1].seq)
    AuditStream.objects.filter(pk=evs[0].stream_id).update(last_seq=evs[1].seq)
    _, _, problem = verify_audit()
    assert problem.kind == "event_hash" and problem.object_id == evs[2].pk


def test_sealed_event_rewritten_and_every_later_block_rechained_is_detected():
    """Attack 3: rewrite a sealed event and recompute everything after it. Without the key the
    recomputed block hashes do not verify."""
    from yiwang.core.audit import _canonical
    from yiwang.core.crypto import sm3_hex

    evs = _events(6)
    blocks = seal_events(batch=2)
    e = AuditEvent.objects.get(pk=evs[0].pk)
    AuditEvent.objects.filter(pk=e.pk).update(actor_label="mallory", content_hash=_unkeyed_forgery(e, label="mallory"))
    previous = blocks[0].previous_hash
    for block in blocks:
        events = list(AuditEvent.objects.filter(block_id=block.pk).order_by("id").values_list("id", "stream_id", "seq", "content_hash"))
        forged = sm3_hex(_canonical([block.sequence, previous, events]).encode())
        AuditBlock.objects.filter(pk=block.pk).update(previous_hash=previous, block_hash=forged)
        previous = forged
    _, _, problem = verify_audit()
    assert problem is not None and problem.kind in ("event_hash", "block_hash")


def test_with_the_key_stolen_too_the_external_anchor_still_catches_a_rechained_trail(tmp_path):
    """Someone holding the key and the database rewrites a sealed event and re-chains every block
    correctly: only the anchor outside the database shows it."""
    from yiwang.core.audit import _block_hash, _hash_of, anchor_catch_up, anchor_from

    anchor = anchor_from(f"file:{tmp_path / 'anchor.jsonl'}")
    evs = _events(6)
    blocks = seal_events(batch=2)
    assert anchor_catch_up(anchor) == 3 and anchor_catch_up(anchor) == 0
    assert verify_audit(anchor=anchor)[2] is None

    e = AuditEvent.objects.get(pk=evs[0].pk)
    e.actor_label = "mallory"
    AuditEvent.objects.filter(pk=e.pk).update(actor_label="mallory", content_hash=_hash_of(e))
    previous = blocks[0].previous_hash
    for block in blocks:
        events = list(AuditEvent.objects.filter(block_id=block.pk).order_by("id").values_list("id", "stream_id", "seq", "content_hash"))
        rechained = _block_hash(sequence=block.sequence, previous_hash=previous, events=events)
        AuditBlock.objects.filter(pk=block.pk).update(previous_hash=previous, block_hash=rechained)
        previous = rechained

    assert verify_audit()[2] is None  # self-consistent inside the database
    _, _, problem = verify_audit(anchor=anchor)
    assert problem.kind == "anchor" and problem.object_id == 1


def test_a_deleted_last_block_is_caught_by_the_anchor(tmp_path):
    from yiwang.core.audit import anchor_catch_up, anchor_from

    anchor = anchor_from(str(tmp_path / "anchor.jsonl"))
    _events(4)
    blocks = seal_events(batch=2)
    anchor_catch_up(anchor)
    AuditEvent.objects.filter(block=blocks[-1])._raw_delete(AuditEvent.objects.db)
    AuditBlock.objects.filter(pk=blocks[-1].pk).delete()
    _, _, problem = verify_audit(anchor=anchor)
    assert problem is not None


def test_a_rolled_back_event_leaves_no_hole():
    from django.db import transaction

    _events(1)
    with pytest.raises(RuntimeError), transaction.atomic():
        _events(2)
        raise RuntimeError("the write this event describes failed")
    _events(1)
    assert verify_audit()[2] is None
    assert sorted(AuditEvent.objects.values_list("seq", flat=True)) == [1, 2]


def test_deleted_event_is_detected():
    evs = _events(5)
    seal_events()
    AuditEvent.objects.filter(pk=evs[3].pk)._raw_delete(AuditEvent.objects.db)
    _, _, problem = verify_audit()
    assert problem.kind == "block_count"


def test_rewritten_block_is_detected():
    _events(6)
    blocks = seal_events(batch=2)
    AuditBlock.objects.filter(pk=blocks[0].pk).update(block_hash="f" * 64)
    _, _, problem = verify_audit()
    assert problem.kind in ("block_hash", "block_chain") and problem.object_id == blocks[0].pk


def test_rewritten_block_with_consistent_hash_breaks_the_next_link():
    from yiwang.core.audit import _block_hash

    evs = _events(4)
    blocks = seal_events(batch=2)
    # Drop event 0 from block 1 and recompute block 1's own hash so it is self-consistent.
    AuditEvent.objects.filter(pk=evs[0].pk)._raw_delete(AuditEvent.objects.db)
    remaining = list(AuditEvent.objects.filter(block=blocks[0]).order_by("id").values_list("id", "stream_id", "seq", "content_hash"))
    AuditBlock.objects.filter(pk=blocks[0].pk).update(
        event_count=1, block_hash=_block_hash(sequence=1, previous_hash=blocks[0].previous_hash, events=remaining))
    _, _, problem = verify_audit()
    assert problem.kind == "block_chain" and problem.object_id == blocks[1].pk


def test_events_are_append_only_through_the_orm():
    (event,) = _events(1)
    event.action = "changed"
    with pytest.raises(DomainError):
        event.save()
    with pytest.raises(DomainError):
        event.delete()


def test_verify_audit_command_reports_the_first_broken_event():
    evs = _events(3)
    call_command("verify_audit", "--seal-first")
    AuditEvent.objects.filter(pk=evs[0].pk).update(actor_label="mallory")
    with pytest.raises(CommandError, match=f"event_hash #{evs[0].pk}"):
        call_command("verify_audit")


def test_verify_audit_command_checks_the_anchor(tmp_path):
    spec = f"file:{tmp_path / 'anchor.jsonl'}"
    _events(2)
    from yiwang.core.audit import anchor_catch_up, anchor_from

    seal_events()
    anchor_catch_up(anchor_from(spec))
    call_command("verify_audit", "--anchor", spec)
    AuditBlock.objects.update(block_hash="e" * 64)
    with pytest.raises(CommandError, match="block_hash|anchor"):
        call_command("verify_audit", "--anchor", spec)


def test_numbers_reserved_in_one_go_continue_the_writers_stream_without_holes():
    """A writer of many events (a bundle's filing) reserves their numbers in one statement."""
    from django.db import transaction

    from yiwang.core.audit import build_event, next_sequences

    _events(1)
    with transaction.atomic():
        stream, first = next_sequences(3)
        for i in range(3):
            build_event(actor=None, action="test.batch", object_type="test", object_id=i,
                        sequence=(stream, first + i)).save(force_insert=True)
    with pytest.raises(RuntimeError), transaction.atomic():
        next_sequences(5)
        raise RuntimeError("rolled back: the numbers come back")
    _events(1)
    assert sorted(AuditEvent.objects.values_list("seq", flat=True)) == [1, 2, 3, 4, 5]
    assert verify_audit()[2] is None
