"""Staff edits in guidance leave audit events: synonyms, knowledge entries, click reviews."""

import datetime as dt

import pytest

from yiwang.accounts.tests.factories import StaffFactory
from yiwang.core.models import AuditEvent
from yiwang.guidance import services
from yiwang.guidance.constants import ClickStatus
from yiwang.guidance.models import SearchClick

pytestmark = pytest.mark.django_db


def _events(action):
    return list(AuditEvent.objects.filter(action=action).order_by("pk"))


def test_synonym_save_and_delete_are_audited_with_the_staff_member():
    staff = StaffFactory()
    services.save_synonym(phrase="撸串", canonical="小餐饮 餐饮", actor=staff)
    services.save_synonym(phrase="撸串", canonical="餐饮", actor=staff)
    saved = _events("guidance.synonym_saved")
    assert [(e.actor_id, e.details["canonical"], e.details["created"]) for e in saved] == [
        (staff.pk, "小餐饮 餐饮", True), (staff.pk, "餐饮", False)]
    services.delete_synonym("撸串", actor=staff)
    services.delete_synonym("撸串", actor=staff)  # nothing left: nothing to record
    assert [(e.actor_id, e.details) for e in _events("guidance.synonym_deleted")] == [(staff.pk, {"phrase": "撸串"})]


def test_knowledge_versions_and_click_reviews_are_audited():
    staff = StaffFactory()
    for title in ("开饭店要哪些证", "开饭店要哪些证（修订）"):
        services.save_knowledge(key="kb-1", title=title, body="食品经营许可与营业执照。", source_document="指南",
                                review_date=dt.date(2026, 1, 1), actor=staff)
    assert [(e.details["key"], e.details["version"]) for e in _events("guidance.knowledge_saved")] == [("kb-1", 1), ("kb-1", 2)]

    services.record_click(query="开饭店", kind="bundle", code="XA-2024-1-03", name="开办餐饮店")
    click = SearchClick.objects.get()
    services.review_click(click.pk, approve=True, actor=staff)
    (event,) = _events("guidance.click_reviewed")
    assert event.actor_id == staff.pk and event.object_id == str(click.pk)
    assert event.details == {"status": ClickStatus.APPROVED}
