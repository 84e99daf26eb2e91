"""更换手机号: the current password and the new number, a code sent to the new number, the old
number told afterwards. The code is read from the SMS queued through the real hook."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from yiwang.accounts import services
from yiwang.accounts.models import User
from yiwang.accounts.tests.factories import PASSWORD, UserFactory
from yiwang.core.errors import DomainError, ValidationFailed
from yiwang.core.models import AuditEvent
from yiwang.notifications.backends import MemorySmsBackend
from yiwang.notifications.models import Notification
from yiwang.notifications.services import notification_send

pytestmark = pytest.mark.django_db

NEW_PHONE = "13709110088"


@pytest.fixture
def person():
    return UserFactory(phone_confirmed_at=timezone.now())


def change_sms(user) -> Notification:
    return Notification.objects.filter(recipient=user, channel="sms", topic="accounts.phone_change").latest("id")


def code_of(sms: Notification) -> str:
    return re.search(r"\d{6}", sms.body).group()


def codes(exc: ValidationFailed) -> dict[str, str]:
    return {e.field: e.code for e in exc.errors}


def test_the_code_goes_to_the_new_number_and_the_account_moves_only_when_it_is_typed_back(person):
    old = person.phone
    services.phone_change_request(user=person, current_password=PASSWORD, new_phone=NEW_PHONE)
    sms = change_sms(person)
    MemorySmsBackend.outbox.clear()
    notification_send(notification_id=sms.pk)
    assert MemorySmsBackend.outbox[-1]["phone"] == NEW_PHONE
    person.refresh_from_db()
    assert person.phone == old  # nothing changes before the code
    services.phone_change_confirm(user=person, code=code_of(sms))
    person.refresh_from_db()
    assert person.phone == NEW_PHONE and person.phone_confirmed_at is not None
    assert User.objects.filter(phone_index=person.phone_index).get() == person  # the blind index moved too
    event = AuditEvent.objects.get(action="accounts.phone_changed", actor_id=person.pk)
    assert NEW_PHONE not in str(event.details) and old not in str(event.details)
    # The old number and the inbox are told.
    notice = Notification.objects.get(recipient=person, channel="sms", topic="accounts.phone_changed")
    MemorySmsBackend.outbox.clear()
    notification_send(notification_id=notice.pk)
    assert MemorySmsBackend.outbox[-1]["phone"] == old and "137****0088" in MemorySmsBackend.outbox[-1]["text"]
    assert Notification.objects.filter(recipient=person, channel="in_app", topic="accounts.phone_changed").exists()
    # The new number signs in; the old one no longer names the account.
    assert Client().login(username=NEW_PHONE, password=PASSWORD)
    assert not Client().login(username=old, password=PASSWORD)


def test_errors_name_their_fields_and_nothing_is_sent(person):
    other = UserFactory()
    cases = [
        ({"current_password": "", "new_phone": NEW_PHONE}, {"current_password": "required"}),
        ({"current_password": "wrong-one-2026", "new_phone": NEW_PHONE}, {"current_password": "password_wrong"}),
        ({"current_password": PASSWORD, "new_phone": "1234"}, "new_phone"),
        ({"current_password": PASSWORD, "new_phone": other.phone}, {"new_phone": "duplicate"}),
        ({"current_password": PASSWORD, "new_phone": person.phone}, {"new_phone": "phone_unchanged"}),
    ]
    for kwargs, expected in cases:
        with pytest.raises(ValidationFailed) as exc:
            services.phone_change_request(user=person, **kwargs)
        if isinstance(expected, dict):
            assert codes(exc.value) == expected
        else:
            assert list(codes(exc.value)) == [expected]
        assert all(e.message for e in exc.value.errors)
    assert not Notification.objects.filter(recipient=person, channel="sms").exists()


def test_a_wrong_code_changes_nothing_and_five_kill_it(person):
    old = person.phone
    services.phone_change_request(user=person, current_password=PASSWORD, new_phone=NEW_PHONE)
    right = code_of(change_sms(person))
    wrong = f"{(int(right) + 1) % 10**6:06d}"
    for _ in range(5):
        with pytest.raises(ValidationFailed) as exc:
            services.phone_change_confirm(user=person, code=wrong)
        assert codes(exc.value) == {"code": "code_invalid"}
    with pytest.raises(ValidationFailed):
        services.phone_change_confirm(user=person, code=right)
    person.refresh_from_db()
    assert person.phone == old


def test_a_code_for_another_purpose_does_not_change_the_phone(person):
    person.phone_confirmed_at = None
    person.save(update_fields=["phone_confirmed_at"])
    services.phone_confirmation_send(user=person)
    confirm_code = code_of(Notification.objects.filter(recipient=person, channel="sms").latest("id"))
    with pytest.raises(ValidationFailed):
        services.phone_change_confirm(user=person, code=confirm_code)


def test_a_number_taken_meanwhile_is_refused_at_confirmation(person):
    services.phone_change_request(user=person, current_password=PASSWORD, new_phone=NEW_PHONE)
    code = code_of(change_sms(person))
    UserFactory(phone=NEW_PHONE)  # someone registers the number in between
    with pytest.raises(ValidationFailed) as exc:
        services.phone_change_confirm(user=person, code=code)
    assert codes(exc.value) == {"code": "duplicate"}
    assert services.phone_change_pending(user=person) is None


def test_sending_is_rate_limited(person):
    services.phone_change_request(user=person, current_password=PASSWORD, new_phone=NEW_PHONE)
    with pytest.raises(DomainError) as exc:
        services.phone_change_request(user=person, current_password=PASSWORD, new_phone="13709110089")
    assert exc.value.code == "too_many_requests"


def test_the_pages_end_to_end(person):
    client = Client()
    client.force_login(person)
    profile = client.get(reverse("accounts:profile")).content.decode()
    assert reverse("accounts:phone_change") in profile
    assert client.get(reverse("accounts:phone_change_confirm")).url == reverse("accounts:phone_change")
    page = client.post(reverse("accounts:phone_change"), {"current_password": "nope-2026", "new_phone": NEW_PHONE})
    assert page.status_code == 200
    html = page.content.decode()
    assert "当前密码不正确" in html and 'href="#id_current_password"' in html and NEW_PHONE in html  # kept
    response = client.post(reverse("accounts:phone_change"), {"current_password": PASSWORD, "new_phone": NEW_PHONE})
    assert response.url == reverse("accounts:phone_change_confirm")
    html = client.get(response.url).content.decode()
    assert "137****0088" in html and NEW_PHONE not in html
    response = client.post(reverse("accounts:phone_change_confirm"), {"code": code_of(change_sms(person))})
    assert response.url == reverse("accounts:profile")
    person.refresh_from_db()
    assert person.phone == NEW_PHONE


def test_signed_out_visitors_are_sent_to_sign_in():
    response = Client().get(reverse("accounts:phone_change"))
    assert response.status_code == 302 and reverse("accounts:login") in response.url
