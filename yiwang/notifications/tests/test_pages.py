"""我的消息: the in-app inbox, read marks, opening a message's link (inside the site only)."""

import pytest
from django.urls import reverse

from yiwang.accounts.tests.factories import UserFactory
from yiwang.notifications.models import Notification
from yiwang.notifications.services import notify

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(client):
    user = UserFactory(real_name="王秀英", email="")
    client.force_login(user)
    return user


def message(user, title="申请已受理", link="/cases/mine/1/"):
    return next(n for n in notify(recipient=user, topic="case.accepted", title=title, body=f"{title}，请查看。", link=link)
                if n.channel == "in_app")


def test_inbox_needs_login(client):
    response = client.get(reverse("notifications:inbox"))
    assert response.status_code == 302 and reverse("accounts:login") in response.url


def test_inbox_lists_only_my_in_app_messages_newest_first_with_unread_count(client, person):
    message(person, "申请已提交")
    message(person, "申请已受理")
    message(UserFactory(), "别人的消息")
    response = client.get(reverse("notifications:inbox"))
    body = response.content.decode()
    assert response.status_code == 200
    assert body.index("申请已受理") < body.index("申请已提交") and "别人的消息" not in body
    assert 'data-testid="unread-count">2<' in body
    assert Notification.objects.filter(recipient=person).count() == 4  # in-app + SMS copies; only in-app shown
    assert body.count("查看详情") == 2


def test_mark_one_then_all_read(client, person):
    first = message(person, "申请已提交")
    message(person, "申请已受理")
    client.post(reverse("notifications:mark_read"), {"ids": [str(first.pk)]})
    first.refresh_from_db()
    assert first.read_at is not None
    body = client.get(reverse("notifications:inbox"), {"show": "unread"}).content.decode()
    assert "申请已受理" in body and "申请已提交" not in body
    response = client.post(reverse("notifications:mark_read"), {"all": "1"}, follow=True)
    assert "已标记 1 条消息为已读" in response.content.decode()
    assert not Notification.objects.filter(recipient=person, channel="in_app", read_at__isnull=True).exists()


def test_opening_a_message_marks_it_read_and_follows_only_local_links(client, person):
    local = message(person, link="/cases/mine/42/")
    response = client.post(reverse("notifications:open", args=[local.pk]))
    assert response.status_code == 302 and response.url == "/cases/mine/42/"
    local.refresh_from_db()
    assert local.read_at is not None
    evil = message(person, link="//evil.example/phish")
    assert client.post(reverse("notifications:open", args=[evil.pk])).url == reverse("notifications:inbox")
    theirs = message(UserFactory())
    response = client.post(reverse("notifications:open", args=[theirs.pk]))
    theirs.refresh_from_db()
    assert response.url == reverse("notifications:inbox") and theirs.read_at is None
    assert client.get(reverse("notifications:open", args=[local.pk])).status_code == 405  # never marks on a GET


def test_my_cases_links_to_the_inbox_with_the_unread_count(client, person):
    message(person)
    body = client.get(reverse("cases:my_cases")).content.decode()
    assert f'href="{reverse("notifications:inbox")}"' in body and 'data-testid="unread-count">1<' in body
