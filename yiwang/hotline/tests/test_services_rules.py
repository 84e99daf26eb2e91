"""Merging, splitting, escalation, indicators, ratings and enterprise visits."""

from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from yiwang.core.errors import DomainError, ValidationFailed
from yiwang.hotline import selectors, services
from yiwang.hotline.constants import TicketStatus as S
from yiwang.hotline.models import Ticket, TicketMeasure, VisitTarget
from yiwang.hotline.tests.world import XIAOZHAI
from yiwang.notifications.models import Notification

pytestmark = pytest.mark.django_db


def test_nearby_open_tickets_of_the_same_item_are_suggested(hw, submit):
    a = submit()
    submit(item=hw.lamp, description="路灯不亮")  # another item: not a duplicate
    far = submit(location=services.Location(34.30, 108.95))
    found = selectors.nearby_open_tickets(lat=XIAOZHAI[0] + 0.001, lng=XIAOZHAI[1], item=hw.stall)
    assert [r["ticket"].pk for r in found] == [a.pk] and 100 < found[0]["distance"] < 130
    assert far.pk not in [r["ticket"].pk for r in found]


def test_merge_rules(hw, submit):
    master, dup, third = submit(), submit(caller_user=hw.citizen, caller_phone="", caller_name=""), submit()
    with pytest.raises(DomainError) as err:
        services.ticket_merge(actor=hw.agent, ticket=master, master=master)
    assert err.value.code == "merge_self"
    services.ticket_merge(actor=hw.agent, ticket=dup, master=master)
    assert dup.status == S.MERGED and dup.merged_into == master
    with pytest.raises(DomainError) as err:  # no chains: a merged ticket is nobody's master
        services.ticket_merge(actor=hw.agent, ticket=third, master=Ticket.objects.get(pk=dup.pk))
    assert err.value.code == "merge_master_merged"
    with pytest.raises(DomainError):  # a merged ticket cannot be merged again (no second master)
        services.ticket_merge(actor=hw.agent, ticket=Ticket.objects.get(pk=dup.pk), master=third)
    # Merging the master elsewhere moves its merged tickets along: no chains, no cycles.
    services.ticket_merge(actor=hw.agent, ticket=Ticket.objects.get(pk=master.pk), master=third)
    assert Ticket.objects.get(pk=dup.pk).merged_into_id == third.pk
    closed = submit(dispatch=False)
    services.ticket_invalidate(actor=hw.agent, ticket=closed, reason="无效")
    with pytest.raises(DomainError) as err:
        services.ticket_merge(actor=hw.agent, ticket=submit(), master=closed)
    assert err.value.code == "merge_not_open"


def test_callers_of_a_merged_ticket_get_the_masters_reply(hw, submit):
    master = submit()
    dup = submit(caller_user=hw.citizen, caller_phone="", caller_name="")
    services.ticket_merge(actor=hw.agent, ticket=dup, master=master)
    services.ticket_sign(actor=hw.office_handler, ticket=master)
    services.ticket_reply(actor=hw.office_handler, ticket=master, text="已集中整治该路口。")
    services.ticket_review_reply(actor=hw.agent, ticket=master, approve=True)
    assert Notification.objects.filter(recipient=hw.citizen, topic="hotline.replied").exists()
    view = selectors.public_view(Ticket.objects.get(pk=dup.pk))
    assert view["reply"] == "已集中整治该路口。" and view["master"].pk == master.pk


def test_one_call_about_several_matters_is_split(hw, submit):
    t = submit()
    with pytest.raises(ValidationFailed):
        services.ticket_split(actor=hw.agent, ticket=t, parts=[{"description": ""}])
    children = services.ticket_split(actor=hw.agent, ticket=t, parts=[{"description": "小区路灯不亮"},
                                                                      {"description": "楼下垃圾没人清运"}])
    assert len(children) == 2 and all(c.parent_id == t.pk and c.caller_phone == t.caller_phone for c in children)
    assert children[0].item == hw.lamp and Ticket.objects.get(pk=t.pk).status == S.DISPATCHED


def test_escalation_is_rule_driven_and_idempotent(hw, submit):
    t = submit()
    Ticket.objects.filter(pk=t.pk).update(due_on=timezone.localdate() - timedelta(days=10),
                                          sign_due_at=timezone.now() - timedelta(days=10))
    first = services.run_escalation()
    assert first == 3  # sign +1 → reminder; handling +1 → reminder; handling +3 → supervision
    assert services.run_escalation() == 0 and TicketMeasure.objects.filter(ticket=t).count() == 3
    assert Ticket.objects.get(pk=t.pk).status == S.DISPATCHED and Ticket.objects.get(pk=t.pk).priority == 1
    on_time = submit()
    assert services.run_escalation() == 0 and not on_time.measures.exists()


def _close(hw, t, satisfaction, resolved="resolved"):
    services.ticket_sign(actor=hw.office_handler, ticket=t)
    services.ticket_reply(actor=hw.office_handler, ticket=t, text="已处理")
    services.ticket_review_reply(actor=hw.agent, ticket=t, approve=True)
    services.ticket_callback(actor=hw.agent, ticket=t, reached=True, resolved=resolved, satisfaction=satisfaction,
                             close_as="resolved", close_text="已解决")


def test_indicators(hw, submit):
    today = timezone.localdate()
    a, b, c = submit(), submit(), submit()
    _close(hw, a, "very_satisfied")
    _close(hw, b, "basically_satisfied", resolved="partly")
    _close(hw, c, "dissatisfied", resolved="unresolved")
    late = submit()
    Ticket.objects.filter(pk=late.pk).update(due_on=today - timedelta(days=3), sign_due_at=timezone.now() - timedelta(hours=1))
    ind = selectors.indicators(start=today, end=today)
    assert ind["received"] == 4 and ind["dispatched"] == 4
    assert ind["response_rate"] == 75.0  # 3 signed on time of 4 past or signed
    assert ind["on_time_rate"] == 75.0  # 3 replied on time, 1 overdue unreplied
    assert ind["resolution_rate"] == 50.0  # (1 + 0.5 + 0) / 3
    assert ind["satisfaction_rate"] == 66.7  # 非常满意 + 基本满意 of 3
    with override_settings(HOTLINE_SATISFACTION_WEIGHTS={"basically_satisfied": 0.5}):
        assert selectors.indicators(start=today, end=today)["satisfaction_rate"] == 50.0


def test_the_ten_oldest_open_and_hotspots(hw, submit):
    tickets = [submit() for _ in range(3)]
    Ticket.objects.filter(pk=tickets[1].pk).update(received_at=timezone.now() - timedelta(days=40))
    oldest = selectors.oldest_open(10)
    assert oldest[0]["ticket"].pk == tickets[1].pk and oldest[0]["age"] >= 39
    today = timezone.localdate()
    spots = selectors.hotspots(start=today - timedelta(days=60), end=today)
    assert spots[0]["classification"] == "城市管理" and spots[0]["place"] == "小寨路街道"
    assert sum(selectors.heat_cells(start=today - timedelta(days=60), end=today).values()) == 3


def test_the_caller_rates_once_after_the_reply(hw, submit):
    t = submit(caller_user=hw.citizen, caller_phone="", caller_name="")
    with pytest.raises(DomainError):
        services.ticket_rate(actor=hw.citizen, ticket=t, resolved="resolved", satisfaction="satisfied")
    services.ticket_sign(actor=hw.office_handler, ticket=t)
    services.ticket_reply(actor=hw.office_handler, ticket=t, text="已处理")
    services.ticket_review_reply(actor=hw.agent, ticket=t, approve=True)
    with pytest.raises(DomainError):
        services.ticket_rate(actor=hw.agent, ticket=t, resolved="resolved", satisfaction="satisfied")
    cb = services.ticket_rate(actor=hw.citizen, ticket=t, resolved="resolved", satisfaction="very_satisfied")
    assert cb.source == "citizen"
    with pytest.raises(DomainError):
        services.ticket_rate(actor=hw.citizen, ticket=t, resolved="resolved", satisfaction="satisfied")


def _target(hw, liaison=None):
    return services.visit_target_create(actor=None, kind="project", name="秦创原智造园", district=hw.yanta, leader=hw.leader,
                                        department=hw.market, lat=34.2, lng=108.9, liaison=liaison)


def test_visit_check_in_records_place_and_distance(hw):
    target = _target(hw)
    c = services.visit_check_in(actor=hw.leader, target=target, lat=34.2005, lng=108.9)
    assert 50 < c.distance_m < 60
    with pytest.raises(DomainError):
        services.visit_check_in(actor=hw.agent, target=target, lat=34.2, lng=108.9)
    with pytest.raises(ValidationFailed):
        services.visit_check_in(actor=hw.leader, target=target, lat=None, lng=108.9)


def test_appeals_go_through_the_ticket_machinery_and_are_rated(hw):
    from yiwang.accounts.tests.factories import EnterpriseUserFactory

    liaison = EnterpriseUserFactory()
    target = _target(hw, liaison=liaison)
    on_site = services.appeal_submit(actor=hw.leader, target=target, category="utilities", description="用电报装慢",
                                     difficulty=3, mode="on_site")
    assert on_site.ticket.status == S.DISPATCHED and on_site.ticket.primary_unit == hw.market
    assert on_site.ticket.channel == "enterprise"
    routed = services.appeal_submit(actor=liaison, target=target, category="consultation", description="稳岗补贴怎么申报",
                                    by_liaison=True)
    assert routed.ticket.ticket_type == "consultation"
    with pytest.raises(ValidationFailed):
        services.appeal_submit(actor=hw.leader, target=target, category="x", description="y", difficulty=9)
    t = on_site.ticket
    services.ticket_sign(actor=hw.market_handler, ticket=t)
    services.ticket_reply(actor=hw.market_handler, ticket=t, text="已协调供电企业提前排期")
    services.ticket_review_reply(actor=hw.agent, ticket=t, approve=True)
    with pytest.raises(DomainError):
        services.appeal_rate(actor=hw.leader, appeal=on_site, stars=5)
    services.appeal_rate(actor=liaison, appeal=on_site, stars=5, note="很及时")
    today = timezone.localdate()
    analysis = selectors.appeal_analysis(start=today - timedelta(days=1), end=today)
    assert analysis["total"] == 2 and dict(analysis["shares"])["获得水电气暖"] == 50.0
    assert analysis["five_star_rate"] == 100.0 and analysis["on_site"] == 1
    assert VisitTarget.objects.get(pk=target.pk).appeals.count() == 2
