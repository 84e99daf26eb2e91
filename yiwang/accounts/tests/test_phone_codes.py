"""SMS codes (issue 8 §5): resetting a forgotten password and confirming the phone.

The code is read from the SMS the notifications app queued through the `accounts.send_code` hook
(the real path, up to the gateway; the gateway itself is the memory fake of the test settings)."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from yiwang.accounts import services
from yiwang.accounts.constants import LoginOutcome
from yiwang.accounts.models import LoginAttempt, PhoneCode, User
from yiwang.accounts.tests.factories import PASSWORD, UserFactory
from yiwang.core.errors import DomainError, ValidationFailed
from yiwang.core.models import AuditEvent
from yiwang.notifications.backends import MemorySmsBackend
from yiwang.notifications.models import Notification
from yiwang.notifications.services import notification_send

pytestmark = pytest.mark.django_db

NEW = "Qujiang-Lotus-2027"
SENT = "如该账号存在，验证码已发送至登记手机"


@pytest.fixture
def person():
    return UserFactory(phone_confirmed_at=timezone.now())


def last_code(user) -> str:
    sms = Notification.objects.filter(recipient=user, channel="sms").order_by("-id").first()
    assert sms is not None, "no SMS was queued"
    return re.search(r"\d{6}", sms.body).group()


def sms_count(user) -> int:
    return Notification.objects.filter(recipient=user, channel="sms").count()


def codes(exc: ValidationFailed) -> dict[str, str]:
    return {e.field: e.code for e in exc.errors}


def reset(identifier, code, new=NEW, confirm=None, **kw):
    return services.password_reset_confirm(identifier=identifier, code=code, new=new,
                                           confirm=new if confirm is None else confirm, **kw)


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 10**6:06d}"


# --- 忘记密码 -----------------------------------------------------------------------------------

def test_a_code_goes_by_sms_to_the_registered_phone_and_resets_the_password(person):
    assert services.password_reset_request(identifier=person.id_number).startswith(SENT)
    sms = Notification.objects.get(recipient=person, channel="sms")
    assert sms.topic == "accounts.password_reset"
    MemorySmsBackend.outbox.clear()
    notification_send(notification_id=sms.pk)
    assert MemorySmsBackend.outbox[-1]["phone"] == person.phone
    code = last_code(person)
    assert code in MemorySmsBackend.outbox[-1]["text"]
    reset(person.id_number, code)
    person.refresh_from_db()
    assert person.check_password(NEW)
    assert AuditEvent.objects.filter(action="accounts.password_reset", actor_id=person.pk).exists()


@pytest.mark.parametrize("field", ["username", "id_number", "phone"])
def test_every_login_identifier_works(field):
    person = UserFactory(phone_confirmed_at=timezone.now())
    services.password_reset_request(identifier=getattr(person, field))
    reset(getattr(person, field), last_code(person))
    person.refresh_from_db()
    assert person.check_password(NEW)


def test_the_code_is_stored_only_as_a_keyed_hash(person):
    services.password_reset_request(identifier=person.username)
    code = last_code(person)
    row = PhoneCode.objects.get(user=person)
    assert code not in (row.code_hash + row.salt) and len(row.code_hash) == 64


def test_a_code_is_single_use(person):
    services.password_reset_request(identifier=person.username)
    code = last_code(person)
    reset(person.username, code)
    with pytest.raises(ValidationFailed) as exc:
        reset(person.username, code, new="Another-Lotus-2028")
    assert codes(exc.value) == {"code": "code_invalid"}
    person.refresh_from_db()
    assert person.check_password(NEW)


def test_a_code_expires_after_ten_minutes(person):
    sent = timezone.now()
    services.password_reset_request(identifier=person.username, now=sent)
    code = last_code(person)
    with pytest.raises(ValidationFailed) as exc:
        reset(person.username, code, now=sent + timedelta(minutes=10, seconds=1))
    assert codes(exc.value) == {"code": "code_invalid"}
    reset(person.username, code, now=sent + timedelta(minutes=9, seconds=59))


def test_five_wrong_tries_kill_the_code(person):
    services.password_reset_request(identifier=person.username)
    code = last_code(person)
    for _ in range(5):
        with pytest.raises(ValidationFailed):
            reset(person.username, wrong(code))
    assert PhoneCode.objects.get(user=person).failed_tries == 5
    with pytest.raises(ValidationFailed) as exc:
        reset(person.username, code)  # the right code, too late
    assert codes(exc.value) == {"code": "code_invalid"}
    person.refresh_from_db()
    assert person.check_password(PASSWORD)


def test_four_wrong_tries_leave_the_right_code_working(person):
    services.password_reset_request(identifier=person.username)
    code = last_code(person)
    for _ in range(4):
        with pytest.raises(ValidationFailed):
            reset(person.username, wrong(code))
    reset(person.username, code)


def test_a_new_code_retires_the_previous_one(person):
    now = timezone.now()
    services.password_reset_request(identifier=person.username, now=now)
    first = last_code(person)
    services.password_reset_request(identifier=person.username, now=now + timedelta(minutes=2))
    second = last_code(person)
    if first != second:
        with pytest.raises(ValidationFailed):
            reset(person.username, first, now=now + timedelta(minutes=3))
    reset(person.username, second, now=now + timedelta(minutes=3))


def test_a_bad_new_password_does_not_use_up_the_code(person):
    services.password_reset_request(identifier=person.username)
    code = last_code(person)
    with pytest.raises(ValidationFailed) as exc:
        reset(person.username, code, new="12345678")
    assert "new_password" in codes(exc.value)
    with pytest.raises(ValidationFailed) as exc:
        reset(person.username, code, confirm="something-else")
    assert codes(exc.value) == {"confirm_password": "password_mismatch"}
    assert PhoneCode.objects.get(user=person).failed_tries == 0
    reset(person.username, code)


def test_no_enumeration_a_password_like_the_account_is_refused_only_after_the_right_code(person, settings):
    # Not in the default list; a deployment that adds it must not turn step 2 into an oracle.
    settings.AUTH_PASSWORD_VALIDATORS = [
        *settings.AUTH_PASSWORD_VALIDATORS,
        {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"}]
    like_the_account = person.username + "Xx9"
    for identifier in (person.username, person.username + "-nobody"):
        with pytest.raises(ValidationFailed) as exc:
            reset(identifier, "000001", new=like_the_account)
        assert codes(exc.value) == {"code": "code_invalid"}
    services.password_reset_request(identifier=person.username)
    code = last_code(person)
    with pytest.raises(ValidationFailed) as exc:
        reset(person.username, code, new=like_the_account)
    assert codes(exc.value) == {"new_password": "password_invalid"}
    reset(person.username, code)  # the code was not used up


def test_errors_name_their_fields():
    with pytest.raises(ValidationFailed) as exc:
        services.password_reset_request(identifier="")
    assert codes(exc.value) == {"identifier": "required"}
    with pytest.raises(ValidationFailed) as exc:
        reset("", "12ab", new="")
    assert codes(exc.value) == {"identifier": "required", "code": "code_format", "new_password": "required"}
    assert all(re.search(r"[\u4e00-\u9fff]", e.message) for e in exc.value.errors)


def test_the_reset_ends_other_sessions_and_clears_the_lockout(person):
    signed_in = Client()
    assert signed_in.login(username=person.username, password=PASSWORD)
    for _ in range(5):
        with pytest.raises(DomainError):
            services.login_attempt(identifier=person.username, password="wrong-password")
    with pytest.raises(DomainError) as exc:
        services.login_attempt(identifier=person.username, password=PASSWORD)
    assert exc.value.code == "account_locked"
    services.password_reset_request(identifier=person.username)
    reset(person.username, last_code(person))
    assert signed_in.get(reverse("accounts:profile")).status_code == 302
    assert LoginAttempt.objects.filter(user=person, outcome=LoginOutcome.UNLOCKED).exists()
    assert services.login_attempt(identifier=person.username, password=NEW) == person


def test_no_enumeration_unknown_unconfirmed_and_disabled_accounts_get_the_same_answer(person):
    unconfirmed = UserFactory()
    disabled = UserFactory(is_active=False, phone_confirmed_at=timezone.now())
    answers = {services.password_reset_request(identifier=i)
               for i in (person.username, "13900009999", "nobody-here", unconfirmed.username, disabled.username)}
    assert len(answers) == 1 and next(iter(answers)).startswith(SENT)
    assert sms_count(person) == 1
    assert sms_count(unconfirmed) == 0 and sms_count(disabled) == 0  # only a confirmed phone gets a reset code
    for identifier in ("nobody-here", unconfirmed.username):
        with pytest.raises(ValidationFailed) as exc:
            reset(identifier, "123456")
        assert codes(exc.value) == {"code": "code_invalid"}


def test_no_enumeration_the_per_identifier_limit_counts_unknown_accounts_alike(person, settings):
    settings.YIWANG_SMS_CODE_RESEND_SECONDS = 0
    for identifier in (person.username, "nobody-here"):
        for _ in range(5):
            services.password_reset_request(identifier=identifier)
        with pytest.raises(DomainError) as exc:
            services.password_reset_request(identifier=identifier)
        assert exc.value.code == "too_many_requests"


def test_sending_is_limited_per_account_whatever_identifier_is_typed(person, settings):
    settings.YIWANG_SMS_CODE_RESEND_SECONDS = 0
    now = timezone.now()
    for n, identifier in enumerate([person.username, person.id_number, person.phone] * 3):
        assert services.password_reset_request(identifier=identifier, now=now + timedelta(seconds=n)).startswith(SENT)
    assert sms_count(person) == 5  # the same answer, but no more than 5 SMS an hour


def test_a_pause_between_two_sends(person):
    now = timezone.now()
    services.password_reset_request(identifier=person.username, now=now)
    services.password_reset_request(identifier=person.username, now=now + timedelta(seconds=30))
    assert sms_count(person) == 1
    services.password_reset_request(identifier=person.username, now=now + timedelta(seconds=61))
    assert sms_count(person) == 2


def test_sending_is_limited_per_client_address(settings):
    settings.YIWANG_SMS_CODE_PER_IP_PER_HOUR = 3
    for n in range(3):
        services.password_reset_request(identifier=f"nobody{n}", ip="203.0.113.7")
    with pytest.raises(DomainError) as exc:
        services.password_reset_request(identifier="nobody9", ip="203.0.113.7")
    assert exc.value.code == "too_many_requests" and "频繁" in exc.value.message
    services.password_reset_request(identifier="nobody9", ip="203.0.113.8")


def test_a_code_for_an_old_phone_does_not_work_after_the_phone_changes(person):
    services.password_reset_request(identifier=person.username)
    code = last_code(person)
    person.phone = "13700000001"
    person.save(update_fields=["phone"])
    with pytest.raises(ValidationFailed):
        reset(person.username, code)


# --- pages --------------------------------------------------------------------------------------

def test_the_login_page_links_to_the_forgotten_password_page():
    page = Client().get(reverse("accounts:login")).content.decode()
    assert reverse("accounts:password_reset_request") in page and "忘记密码" in page


def test_the_reset_pages_end_to_end(person):
    client = Client()
    assert client.get(reverse("accounts:password_reset")).url == reverse("accounts:password_reset_request")
    response = client.post(reverse("accounts:password_reset_request"), {"username": person.phone})
    assert response.url == reverse("accounts:password_reset")
    page = client.get(response.url).content.decode()
    assert SENT in page and person.phone not in page
    page = client.post(reverse("accounts:password_reset"), {"code": "000000" if last_code(person) != "000000" else "111111",
                                                             "new_password": NEW, "confirm_password": NEW}).content.decode()
    assert "短信验证码错误或已失效" in page and 'href="#id_code"' in page
    response = client.post(reverse("accounts:password_reset"), {"code": last_code(person), "new_password": NEW,
                                                                 "confirm_password": NEW})
    assert response.status_code == 302 and response.url == reverse("accounts:login")
    assert Client().login(username=person.username, password=NEW)


def test_the_request_page_looks_the_same_for_an_unknown_account(person):
    a, b = Client(), Client()
    ra = a.post(reverse("accounts:password_reset_request"), {"username": person.username}, follow=True)
    rb = b.post(reverse("accounts:password_reset_request"), {"username": "nobody-here"}, follow=True)
    assert ra.redirect_chain == rb.redirect_chain
    strip = lambda html: re.sub(r"[A-Za-z0-9+/=_-]{24,}", "", html)  # noqa: E731 (CSRF tokens, CSP nonces)
    assert strip(ra.content.decode()) == strip(rb.content.decode())


# --- 确认手机号 -----------------------------------------------------------------------------------

def _register(client, phone="13909110077"):
    from yiwang.core.identifiers import with_id_check_digit

    return client.post(reverse("accounts:register_citizen"), {
        "real_name": "王秀英", "id_number": with_id_check_digit("61011319800101123"), "phone": phone,
        "password": PASSWORD, "password_confirm": PASSWORD})


def test_registration_sends_a_code_and_the_phone_is_unconfirmed_until_it_is_entered():
    client = Client()
    response = _register(client)
    assert response.status_code == 302 and "phone" in response.url
    user = User.objects.get()
    assert user.phone_confirmed_at is None
    code = last_code(user)
    assert Notification.objects.get(recipient=user, channel="sms").topic == "accounts.phone_confirm"
    # An unconfirmed account may sign in, and is prompted to confirm.
    assert client.login(username=user.username, password=PASSWORD)
    profile = client.get(reverse("accounts:profile")).content.decode()
    assert 'data-testid="phone-unconfirmed"' in profile and reverse("accounts:phone_confirm") in profile
    # ... but cannot reset the password by SMS yet.
    services.password_reset_request(identifier=user.phone)
    assert sms_count(user) == 1
    page = client.post(reverse("accounts:phone_confirm"), {"code": wrong(code)}).content.decode()
    assert "短信验证码错误或已失效" in page
    response = client.post(reverse("accounts:phone_confirm"), {"code": code})
    assert response.url == reverse("accounts:profile")
    user.refresh_from_db()
    assert user.phone_confirmed_at is not None
    assert 'data-testid="phone-unconfirmed"' not in client.get(reverse("accounts:profile")).content.decode()
    assert AuditEvent.objects.filter(action="accounts.phone_confirmed", actor_id=user.pk).exists()


def test_a_confirmation_code_cannot_reset_a_password_and_vice_versa(person):
    unconfirmed = UserFactory()
    services.phone_confirmation_send(user=unconfirmed)
    with pytest.raises(ValidationFailed):
        reset(unconfirmed.username, last_code(unconfirmed))
    services.password_reset_request(identifier=person.username)
    person.phone_confirmed_at = None
    person.save(update_fields=["phone_confirmed_at"])
    with pytest.raises(ValidationFailed):
        services.phone_confirm(user=person, code=last_code(person))


def test_resending_the_confirmation_is_rate_limited():
    user = UserFactory()
    client = Client()
    client.force_login(user)
    now = timezone.now()
    services.phone_confirmation_send(user=user, now=now)
    with pytest.raises(DomainError) as exc:
        services.phone_confirmation_send(user=user, now=now + timedelta(seconds=10))
    assert exc.value.code == "too_many_requests"
    page = client.post(reverse("accounts:phone_confirm_resend"), follow=True).content.decode()
    assert "频繁" in page
    for n in range(1, 5):
        services.phone_confirmation_send(user=user, now=now + timedelta(minutes=n * 2))
    with pytest.raises(DomainError):
        services.phone_confirmation_send(user=user, now=now + timedelta(minutes=20))
    assert sms_count(user) == 5


def test_the_confirmation_code_expires_and_has_five_tries():
    user = UserFactory()
    now = timezone.now()
    services.phone_confirmation_send(user=user, now=now)
    code = last_code(user)
    with pytest.raises(ValidationFailed):
        services.phone_confirm(user=user, code=code, now=now + timedelta(minutes=11))
    for _ in range(5):
        with pytest.raises(ValidationFailed):
            services.phone_confirm(user=user, code=wrong(code), now=now)
    with pytest.raises(ValidationFailed):
        services.phone_confirm(user=user, code=code, now=now)
    user.refresh_from_db()
    assert user.phone_confirmed_at is None


def test_changing_the_phone_unconfirms_it(person):
    admin = User.objects.create_superuser("root-admin", password=PASSWORD)
    services.user_update(actor=admin, user=person, phone="13700000002")
    person.refresh_from_db()
    assert person.phone_confirmed_at is None


def test_the_api_registration_sends_a_code_and_confirms_the_phone():
    from yiwang.core.identifiers import with_id_check_digit

    client = Client()
    response = client.post("/api/v1/accounts/register/citizen", {
        "real_name": "李四", "id_number": with_id_check_digit("61011319850202123"), "phone": "13909110088",
        "password": PASSWORD}, content_type="application/json")
    assert response.status_code == 201 and response.json()["phone_confirmed"] is False
    user = User.objects.get(pk=response.json()["id"])
    client.force_login(user)
    bad = client.post("/api/v1/accounts/me/phone/confirm", {"code": wrong(last_code(user))},
                      content_type="application/json")
    assert bad.status_code == 400 and bad.json()["detail"][0]["code"] == "code_invalid"
    ok = client.post("/api/v1/accounts/me/phone/confirm", {"code": last_code(user)}, content_type="application/json")
    assert ok.status_code == 200 and ok.json()["phone_confirmed"] is True
