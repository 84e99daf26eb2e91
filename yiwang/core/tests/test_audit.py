"""The audit trail: every event hashed, sealed in chained blocks, and any tampering detected."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from yiwang.core.audit import record_event, seal_events, verify_audit
from yiwang.core.errors import DomainError
from yiwang.core.models import AuditBlock, AuditEvent

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


def test_altered_event_with_recomputed_hash_is_caught_by_its_block():
    from yiwang.core.audit import event_content_hash

    evs = _events(4)
    seal_events()
    e = AuditEvent.objects.get(pk=evs[1].pk)
    forged = event_content_hash(occurred_at=e.occurred_at, actor_id=e.actor_id, actor_label=e.actor_label,
                                action="test.forged", object_type=e.object_type, object_id=e.object_id,
                                details=e.details)
    AuditEvent.objects.filter(pk=e.pk).update(action="test.forged", content_hash=forged)
    _, _, problem = verify_audit()
    assert problem.kind == "block_hash"


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
    remaining = list(AuditEvent.objects.filter(block=blocks[0]).order_by("id").values_list("id", "content_hash"))
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
