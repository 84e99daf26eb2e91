"""Changing one's own password (issue 8 §5): the current password is required, the new one passes
Django's validators, other sessions end, this one stays signed in; errors name their field."""

import pytest
from django.test import Client
from django.urls import reverse

from yiwang.accounts.tests.factories import PASSWORD, UserFactory
from yiwang.core.models import AuditEvent

pytestmark = pytest.mark.django_db

URL = "/accounts/profile/password/"
NEW = "Qujiang-Lotus-2027"


@pytest.fixture
def person():
    return UserFactory()


def signed_in(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def change(client, current=PASSWORD, new=NEW, confirm=None):
    return client.post(URL, {"current_password": current, "new_password": new,
                             "confirm_password": new if confirm is None else confirm})


def test_the_url_and_a_link_from_the_profile(person):
    assert reverse("accounts:password_change") == URL
    client = signed_in(person)
    assert URL in client.get(reverse("accounts:profile")).content.decode()
    page = client.get(URL)
    assert page.status_code == 200 and 'autocomplete="current-password"' in page.content.decode()
    assert "no-store" in page["Cache-Control"]


def test_anonymous_visitors_are_sent_to_log_in():
    response = Client().get(URL)
    assert response.status_code == 302 and "/login/" in response.url


def test_a_change_keeps_this_session_ends_others_and_is_audited(person):
    client, other = signed_in(person), signed_in(person)
    response = change(client)
    assert response.status_code == 302 and response.url == reverse("accounts:profile")
    person.refresh_from_db()
    assert person.check_password(NEW) and not person.check_password(PASSWORD)
    assert client.get(reverse("accounts:profile")).status_code == 200
    assert other.get(reverse("accounts:profile")).status_code == 302  # the other device is signed out
    assert AuditEvent.objects.filter(action="accounts.password_changed", actor_id=person.pk).exists()


def test_a_wrong_current_password_changes_nothing(person):
    client = signed_in(person)
    response = change(client, current="not-my-password")
    assert response.status_code == 200
    body = response.content.decode()
    assert "当前密码不正确。" in body and 'href="#id_current_password"' in body
    person.refresh_from_db()
    assert person.check_password(PASSWORD)


@pytest.mark.parametrize(("new", "message"), [
    ("short1", "至少"),  # MinimumLengthValidator
    ("12345678901", "数字"),  # NumericPasswordValidator
    ("password123", "常见"),  # CommonPasswordValidator
])
def test_the_new_password_passes_djangos_validators(person, new, message):
    response = change(signed_in(person), new=new)
    assert response.status_code == 200
    assert message in response.content.decode() and 'href="#id_new_password"' in response.content.decode()
    person.refresh_from_db()
    assert person.check_password(PASSWORD)


def test_the_confirmation_must_match_and_the_password_must_change(person):
    mismatch = change(signed_in(person), confirm=NEW + "x")
    assert "两次输入的新密码不一致。" in mismatch.content.decode()
    same = change(signed_in(person), new=PASSWORD)
    assert "新密码不能与当前密码相同。" in same.content.decode()
    person.refresh_from_db()
    assert person.check_password(PASSWORD)


def test_the_service_names_every_field(person):
    from yiwang.accounts.services import password_change
    from yiwang.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as err:
        password_change(actor=person, current="", new="", confirm="")
    assert {e.field for e in err.value.errors} == {"current_password", "new_password"}
