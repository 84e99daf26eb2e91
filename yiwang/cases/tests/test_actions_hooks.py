"""The named hooks of yiwang.cases.actions: each is called once, at its moment (the case in the
state the event left it, inside the event's transaction), with the payload the briefing lists —
and the case pages include what `cases.case_page_panels` handlers answer, per audience."""

import datetime as dt
from collections import defaultdict

import pytest
from django.db import connection
from django.urls import reverse

from yiwang.cases.constants import CaseHook, CaseStatus, DeliveryMethod
from yiwang.cases.models import Case
from yiwang.cases.services import (
    case_accept,
    case_decide,
    case_deliver,
    case_refuse,
    case_terminate,
    case_withdraw,
    commitment_verify,
    run_monitoring,
)
from yiwang.cases.tests.conftest import MONDAY
from yiwang.core import hooks
from yiwang.core.errors import DomainError

pytestmark = pytest.mark.django_db


@pytest.fixture
def heard(monkeypatch):
    """Every hook's calls, as (hook, payload, status when called, in a transaction)."""
    monkeypatch.setattr(hooks, "_HANDLERS", defaultdict(list))
    calls = []

    def listen(hook):
        def handler(**payload):
            status = Case.objects.filter(pk=payload["case"].pk).values_list("status", flat=True).get()
            calls.append((hook, payload, status, connection.in_atomic_block))
        hooks.register(hook, handler)

    for hook in (CaseHook.ACCEPTED, CaseHook.REFUSED, CaseHook.WITHDRAWN, CaseHook.TERMINATED, CaseHook.REVOKED,
                 CaseHook.DECIDED, CaseHook.CONCLUDED, CaseHook.DELIVERED):
        listen(hook)
    return calls


def only(calls, hook):
    found = [c for c in calls if c[0] == hook]
    assert len(found) == 1, f"{hook} called {len(found)} times"
    return found[0]


def decide(world, case, today=dt.date(2026, 11, 20)):
    case_decide(actor=world.approver, case=case, decision="approved", reasons="材料齐全，符合条件",
                legal_basis="《食品安全法》第三十五条", today=today)


def test_accepted_is_called_once_the_review_has_started_with_the_clerk(world, submit, heard):
    case = submit()
    case_accept(actor=world.clerk, case=case, today=MONDAY)
    _, payload, status, in_transaction = only(heard, CaseHook.ACCEPTED)
    assert payload == {"case": case, "actor": world.clerk}
    assert status == CaseStatus.UNDER_REVIEW and in_transaction
    assert [c[0] for c in heard] == [CaseHook.ACCEPTED]


def test_deemed_acceptance_calls_accepted_with_no_actor(world, submit, heard):
    case = submit()
    run_monitoring(today=dt.date(2026, 11, 24))  # the 5-working-day period ended on the 23rd
    _, payload, status, _ = only(heard, CaseHook.ACCEPTED)
    assert payload["case"].pk == case.pk and payload["actor"] is None and status == CaseStatus.UNDER_REVIEW


def test_refused_is_called_with_the_refusal_made(world, submit, heard):
    case = submit()
    case_refuse(actor=world.clerk, case=case, reason="不属于本机关职权范围", today=MONDAY)
    _, payload, status, in_transaction = only(heard, CaseHook.REFUSED)
    assert payload == {"case": case, "actor": world.clerk} and status == CaseStatus.REFUSED and in_transaction


def test_withdrawn_is_called_after_the_withdrawal(world, submit, heard):
    case = submit()
    case_withdraw(actor=world.citizen, case=case, reason="不再需要")
    _, payload, status, _ = only(heard, CaseHook.WITHDRAWN)
    assert payload == {"case": case, "actor": world.citizen} and status == CaseStatus.WITHDRAWN


def test_terminated_is_called_after_the_approver_ends_the_case(world, submit, heard):
    case = submit()
    case_accept(actor=world.clerk, case=case, today=MONDAY)
    case_terminate(actor=world.approver, case=case, reason="申请人死亡，办理无法继续")
    _, payload, status, _ = only(heard, CaseHook.TERMINATED)
    assert payload == {"case": case, "actor": world.approver} and status == CaseStatus.TERMINATED


def test_decided_then_concluded_each_once_in_that_order_with_the_approver(world, submit, heard):
    case = submit()
    case_accept(actor=world.clerk, case=case, today=MONDAY)
    decide(world, case)
    _, decided, status_at_decision, in_transaction = only(heard, CaseHook.DECIDED)
    assert decided == {"case": case, "actor": world.approver}
    # Inside the transaction, before the conclusion: the handler sees the decision itself.
    assert status_at_decision == CaseStatus.APPROVED and in_transaction
    _, concluded, status_at_conclusion, _ = only(heard, CaseHook.CONCLUDED)
    assert concluded == {"case": case, "actor": world.approver} and status_at_conclusion == CaseStatus.CONCLUDED
    order = [c[0] for c in heard]
    assert order.index(CaseHook.DECIDED) < order.index(CaseHook.CONCLUDED)


def test_a_handler_that_refuses_the_decision_rolls_it_back(world, submit, heard):
    case = submit()
    case_accept(actor=world.clerk, case=case, today=MONDAY)

    def refuse(**payload):
        raise DomainError("证照系统不可用", code="licence_unavailable")

    hooks.register(CaseHook.DECIDED, refuse)
    with pytest.raises(DomainError):
        decide(world, case)
    case.refresh_from_db()
    assert case.status == CaseStatus.UNDER_REVIEW and not case.decision


def test_delivered_is_called_for_an_electronic_result_as_it_concludes(world, submit, heard):
    case = submit()
    delivery = case.application.delivery
    delivery.method = DeliveryMethod.ELECTRONIC
    delivery.save(update_fields=["method"])
    case_accept(actor=world.clerk, case=case, today=MONDAY)
    decide(world, case)
    _, payload, status, _ = only(heard, CaseHook.DELIVERED)
    assert payload == {"case": case, "actor": world.approver} and status == CaseStatus.DELIVERED
    assert [c[0] for c in heard][-3:] == [CaseHook.DECIDED, CaseHook.CONCLUDED, CaseHook.DELIVERED]


def test_delivered_is_called_when_the_clerk_hands_the_result_over(world, submit, heard,
                                                                  django_capture_on_commit_callbacks):
    from yiwang.notifications.models import Notification

    case = submit()
    case_accept(actor=world.clerk, case=case, today=MONDAY)
    decide(world, case)
    assert not [c for c in heard if c[0] == CaseHook.DELIVERED]  # waits for the applicant at the window
    message = Notification.objects.get(recipient=world.citizen, topic="delivery.code", channel="in_app")
    case_deliver(actor=world.clerk, case=case, pickup_code=message.body.split("取件码 ")[1][:6],
                 today=dt.date(2026, 11, 23))
    _, payload, status, _ = only(heard, CaseHook.DELIVERED)
    assert payload["case"].pk == case.pk and payload["actor"] == world.clerk and status == CaseStatus.DELIVERED


def test_revoked_is_called_with_the_reason_when_a_commitment_proves_false(world, submit, heard):
    case = submit()
    case_accept(actor=world.clerk, case=case, mode="commitment",
                commitment={"conditions": ["经营场所面积不少于 20 平方米"], "commitment_text": "本人承诺所填属实"},
                today=MONDAY)
    decide(world, case)
    commitment_verify(actor=world.reviewer, case=case, truthful=False, note="现场核查面积仅 8 平方米")
    _, payload, status, in_transaction = only(heard, CaseHook.REVOKED)
    assert payload == {"case": case, "actor": world.reviewer, "reason": "经核查承诺不实：现场核查面积仅 8 平方米"}
    assert status == CaseStatus.REVOKED and in_transaction
    assert not [c for c in heard if c[0] == CaseHook.TERMINATED]


# --- cases.case_page_panels -------------------------------------------------------------------


@pytest.fixture
def panels(monkeypatch):
    """A panel handler answering on every case page with a marker only it prints."""
    monkeypatch.setattr(hooks, "_HANDLERS", defaultdict(list))
    asked = []

    def handler(*, case, actor, audience):
        asked.append((case.pk, actor, audience))
        return "cases/_identity.html", {"identity": {"name": f"证照面板-{audience}", "kind": case.number}}

    hooks.register(CaseHook.CASE_PAGE_PANELS, handler)
    hooks.register(CaseHook.CASE_PAGE_PANELS, lambda **payload: None)  # a handler with nothing to show
    return asked


def test_each_case_page_includes_the_panels_for_its_audience(client, world, submit, panels):
    case = submit()
    case_accept(actor=world.clerk, case=case, today=MONDAY)
    pages = [(world.citizen, reverse("cases:case_detail", args=[case.pk]), "applicant"),
             (world.clerk, reverse("cases:clerk_case", args=[case.pk]), "window"),
             (world.reviewer, reverse("cases:staff_case", args=[case.pk]), "department")]
    for user, url, audience in pages:
        client.force_login(user)
        body = client.get(url).content.decode()
        assert f"证照面板-{audience}（{case.number}）" in body, audience
        assert panels[-1] == (case.pk, user, audience)
    client.logout()
    body = client.get(reverse("cases:progress_qr", args=[case.number, case.verification_code])).content.decode()
    assert f"证照面板-public（{case.number}）" in body and panels[-1] == (case.pk, None, "public")
    assert len(panels) == 4
