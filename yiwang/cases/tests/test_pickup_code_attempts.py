"""Pickup codes cannot be guessed (issue 9 §8): 40 wrong codes and then the right one used to hand
the result over. Wrong codes are limited per application at the window, per locker at the cabinet,
per staff account or device and per client address; each wrong code is in the audit trail."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from yiwang.accounts.tests.factories import StaffFactory
from yiwang.cases import access, locker_device
from yiwang.cases.constants import CaseStatus
from yiwang.cases.models import Locker
from yiwang.cases.services import case_accept, case_decide, case_deliver, delivery_change, locker_pickup
from yiwang.cases.tests.conftest import MONDAY
from yiwang.core.errors import DomainError, TooManyAttempts
from yiwang.core.models import AuditEvent
from yiwang.notifications.models import Notification
from yiwang.orgs.models import RoleGrant

pytestmark = pytest.mark.django_db


def _wrong(code: str, n: int) -> str:
    return f"{(int(code) + 1 + n) % 10**6:06d}"


def _code_for(application) -> str:
    body = Notification.objects.filter(topic="delivery.code", object_id=str(application.pk),
                                       channel="in_app").latest("created_at").body
    return re.search(r"取件码 (\d{6})", body).group(1)


@pytest.fixture
def concluded(world, submit, django_capture_on_commit_callbacks):
    def make(*, locker=None):
        case = submit()
        case_accept(actor=world.clerk, case=case, today=MONDAY)
        if locker is not None:
            delivery_change(actor=world.citizen, application=case.application, method="locker", locker_id=locker.pk)
        with django_capture_on_commit_callbacks(execute=True):
            case_decide(actor=world.approver, case=case, decision="approved", reasons="符合条件",
                        today=dt.date(2026, 11, 20))
        case.refresh_from_db()
        return case, _code_for(case.application)
    return make


@pytest.fixture
def box(world):
    return Locker.objects.create(outlet=world.hall, code="XA-0101", location="市政务服务中心北门")


@pytest.fixture
def device(world):
    account = StaffFactory(username="locker-xa-0101")
    RoleGrant.objects.create(user=account, organisation=world.hall, role="window_clerk")
    return account


def test_forty_wrong_codes_at_the_window_lock_the_case_even_for_the_right_code(world, concluded):
    case, code = concluded()
    for n in range(access.PICKUP_FAILURES_PER_APPLICATION):
        with pytest.raises(DomainError) as err:
            case_deliver(actor=world.clerk, case=case, pickup_code=_wrong(code, n), client="203.0.113.9")
        assert err.value.code == "pickup_code_invalid"
    for n in range(35):  # the rest of the 40: refused before any code is compared
        with pytest.raises(TooManyAttempts):
            case_deliver(actor=world.clerk, case=case, pickup_code=_wrong(code, n), client="203.0.113.9")
    with pytest.raises(TooManyAttempts) as err:
        case_deliver(actor=world.clerk, case=case, pickup_code=code, client="203.0.113.9")
    assert "错误次数过多" in err.value.message and err.value.http_status == 429
    case.refresh_from_db()
    assert case.status == CaseStatus.CONCLUDED
    failed = AuditEvent.objects.filter(action="delivery.pickup_code_failed")
    assert failed.count() == access.PICKUP_FAILURES_PER_APPLICATION
    assert failed.latest("occurred_at").details["where"] == "window"


def test_below_the_limit_the_right_code_still_hands_over(world, concluded):
    case, code = concluded()
    for n in range(access.PICKUP_FAILURES_PER_APPLICATION - 1):
        with pytest.raises(DomainError):
            case_deliver(actor=world.clerk, case=case, pickup_code=_wrong(code, n))
    (delivered,) = case_deliver(actor=world.clerk, case=case, pickup_code=code)
    assert delivered.status == CaseStatus.DELIVERED


def test_one_clerk_guessing_across_cases_is_stopped_per_account(world, concluded, monkeypatch):
    monkeypatch.setattr(access, "PICKUP_FAILURES_PER_ACTOR", 3)
    first, code1 = concluded()
    second, code2 = concluded()
    for n in range(2):
        with pytest.raises(DomainError):
            case_deliver(actor=world.clerk, case=first, pickup_code=_wrong(code1, n))
    with pytest.raises(DomainError):
        case_deliver(actor=world.clerk, case=second, pickup_code=_wrong(code2, 0))
    with pytest.raises(TooManyAttempts):  # a fresh case, but the account is spent
        case_deliver(actor=world.clerk, case=second, pickup_code=code2)


def test_forty_wrong_codes_at_the_locker_lock_it_and_are_audited(world, concluded, box, device, monkeypatch):
    fake = locker_device.FakeLockerDevice()
    monkeypatch.setattr(locker_device, "_device", fake)
    case, code = concluded(locker=box)
    for n in range(access.LOCKER_FAILURES_PER_HOUR):
        with pytest.raises(DomainError) as err:
            locker_pickup(actor=device, locker=box, pickup_code=_wrong(code, n))
        assert err.value.code == "pickup_code_invalid"
    for n in range(40 - access.LOCKER_FAILURES_PER_HOUR):
        with pytest.raises(TooManyAttempts):
            locker_pickup(actor=device, locker=box, pickup_code=_wrong(code, n))
    with pytest.raises(TooManyAttempts):
        locker_pickup(actor=device, locker=box, pickup_code=code)
    case.refresh_from_db()
    assert case.status == CaseStatus.CONCLUDED and fake.opened == []
    failed = AuditEvent.objects.filter(action="delivery.pickup_code_failed", object_id=str(box.pk))
    assert failed.count() == access.LOCKER_FAILURES_PER_HOUR


def test_the_right_code_at_the_locker_opens_the_compartment_once(world, concluded, box, device, monkeypatch,
                                                                 django_capture_on_commit_callbacks):
    fake = locker_device.FakeLockerDevice()
    monkeypatch.setattr(locker_device, "_device", fake)
    case, code = concluded(locker=box)
    compartment = case.application.delivery.locker_compartment
    with django_capture_on_commit_callbacks(execute=True):
        (delivered,) = locker_pickup(actor=device, locker=box, pickup_code=code)
    assert delivered.status == CaseStatus.DELIVERED and fake.opened == [("XA-0101", compartment)]
    with pytest.raises(DomainError):  # single use
        locker_pickup(actor=device, locker=box, pickup_code=code)


def test_the_locker_api_answers_429_when_locked(world, concluded, box, device, client):
    case, code = concluded(locker=box)
    client.force_login(device)
    headers = {}
    url = "/api/v1/lockers/XA-0101/pickup"
    for n in range(access.LOCKER_FAILURES_PER_HOUR):
        response = client.post(url, {"pickup_code": _wrong(code, n)}, content_type="application/json", **headers)
        assert response.status_code in (400, 409, 422)
    response = client.post(url, {"pickup_code": code}, content_type="application/json", **headers)
    assert response.status_code == 429 and "错误次数过多" in response.json()["message"]


def test_the_window_page_says_the_case_is_locked(client, world, concluded):
    case, code = concluded()
    client.force_login(world.clerk)
    url = reverse("cases:clerk_case", args=[case.pk])
    for n in range(access.PICKUP_FAILURES_PER_APPLICATION):
        client.post(url, {"action": "deliver", "pickup-pickup_code": _wrong(code, n)})
    response = client.post(url, {"action": "deliver", "pickup-pickup_code": code})
    assert "错误次数过多" in response.content.decode()
    case.refresh_from_db()
    assert case.status == CaseStatus.CONCLUDED
