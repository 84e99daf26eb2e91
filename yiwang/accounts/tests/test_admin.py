"""The user admin: masked lists, blind-index search, identity edits through the services, role
grants inline with the administrator's scope."""

import pytest
from django.db import connection
from django.urls import reverse

from yiwang.accounts.constants import ID_NUMBER_PURPOSE
from yiwang.accounts.models import User
from yiwang.accounts.services import login_attempt
from yiwang.accounts.tests.factories import PASSWORD, StaffFactory, UserFactory, valid_id, wrong_check_digit
from yiwang.core.crypto import blind_index
from yiwang.core.errors import DomainError
from yiwang.core.models import AuditEvent
from yiwang.orgs.constants import Role
from yiwang.orgs.models import RoleGrant
from yiwang.orgs.services import role_grant

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(db):
    return StaffFactory(is_superuser=True, is_staff=True, username="root")


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


def _change_data(user, **overrides):
    data = {"username": user.username, "real_name": user.real_name, "email": user.email, "is_active": "on",
            "new_id_number": "", "new_phone": "", "org_name": user.org_name, "uscc": user.uscc,
            "legal_rep_name": user.legal_rep_name, "new_legal_rep_id_number": "",
            "role_grants-TOTAL_FORMS": "0", "role_grants-INITIAL_FORMS": "0", "role_grants-MIN_NUM_FORMS": "0",
            "role_grants-MAX_NUM_FORMS": "1000"}
    data.update(overrides)
    return data


def test_list_shows_only_masked_numbers(admin_client):
    users = [UserFactory() for _ in range(3)]
    page = admin_client.get(reverse("admin:accounts_user_changelist")).content.decode()
    for user in users:
        assert user.id_number not in page and user.phone not in page
        assert user.masked_id_number in page and user.masked_phone in page


def test_search_by_full_id_or_phone_uses_the_blind_index(admin_client):
    target, other = UserFactory(), UserFactory()
    url = reverse("admin:accounts_user_changelist")
    page = admin_client.get(url, {"q": target.id_number}).content.decode()
    assert target.username in page and other.username not in page
    assert f'<td class="field-masked_id_number">{target.masked_id_number}</td>' in page  # the row stays masked
    page = admin_client.get(url, {"q": target.phone}).content.decode()
    assert target.username in page and other.username not in page


def test_change_form_never_shows_the_full_number(admin_client):
    user = UserFactory()
    page = admin_client.get(reverse("admin:accounts_user_change", args=[user.pk])).content.decode()
    assert user.id_number not in page and user.phone not in page
    assert user.masked_id_number in page


def test_admin_edit_writes_ciphertext_and_blind_index(admin_client, superuser):
    user = UserFactory()
    new_id = valid_id(birth="19800101", sequence="123")
    url = reverse("admin:accounts_user_change", args=[user.pk])
    response = admin_client.post(url, _change_data(user, new_id_number=new_id.lower(), new_phone="138 0000 2222"))
    assert response.status_code == 302, response.content.decode()[:3000]
    user.refresh_from_db()
    assert user.id_number == new_id and user.phone == "13800002222"
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number, id_number_index FROM accounts_user WHERE id = %s", [user.pk])
        ciphertext, index = cursor.fetchone()
    assert ciphertext.startswith("sm4gcm1:") and new_id not in ciphertext
    assert index == blind_index(new_id, purpose=ID_NUMBER_PURPOSE)
    assert login_attempt(identifier=new_id, password=PASSWORD) == user
    assert login_attempt(identifier="13800002222", password=PASSWORD) == user
    event = AuditEvent.objects.get(action="accounts.user_updated")
    assert event.actor_id == superuser.pk and event.details["changed"] == ["id_number", "phone"]


def test_admin_edit_with_bad_number_shows_the_error_and_saves_nothing(admin_client):
    user, other = UserFactory(), UserFactory()
    url = reverse("admin:accounts_user_change", args=[user.pk])
    bad = wrong_check_digit(valid_id())
    page = admin_client.post(url, _change_data(user, new_id_number=bad, real_name="改名")).content.decode()
    assert f"身份证号校验位错误，应为 {valid_id()[-1]}。" in page
    page = admin_client.post(url, _change_data(user, new_phone=other.phone)).content.decode()
    assert "该手机号已被其他账户使用" in page
    fresh = User.objects.get(pk=user.pk)
    assert (fresh.id_number, fresh.phone, fresh.real_name) == (user.id_number, user.phone, user.real_name)


def test_admin_adds_a_staff_account_through_the_service(admin_client):
    data = {"username": "clerk9", "real_name": "李娜", "password1": PASSWORD, "password2": PASSWORD,
            "id_number": "", "phone": "13911112222", "email": ""}
    response = admin_client.post(reverse("admin:accounts_user_add"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    user = User.objects.get(username="clerk9")
    assert user.kind == "staff" and user.check_password(PASSWORD) and user.phone == "13911112222"
    assert AuditEvent.objects.filter(action="accounts.staff_created", object_id=str(user.pk)).exists()
    page = admin_client.post(reverse("admin:accounts_user_add"), {**data, "username": "13911113333",
                                                                  "password2": "x"}).content.decode()
    assert "用户名不能是身份证号、统一社会信用代码或手机号" in page and "两次输入的密码不一致" in page


def _grant_forms(*rows, initial=0):
    data = {"role_grants-TOTAL_FORMS": str(len(rows)), "role_grants-INITIAL_FORMS": str(initial)}
    for i, row in enumerate(rows):
        for key, value in row.items():
            data[f"role_grants-{i}-{key}"] = value
    return data


def test_role_grants_inline_goes_through_the_service(admin_client, superuser, tree):
    clerk = StaffFactory()
    url = reverse("admin:accounts_user_change", args=[clerk.pk])
    data = _change_data(clerk, **_grant_forms({"organisation": tree.yanta_center.pk, "role": Role.WINDOW_CLERK,
                                               "user": clerk.pk}))
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    grant = RoleGrant.objects.get(user=clerk)
    assert grant.organisation == tree.yanta_center and grant.granted_by == superuser
    assert AuditEvent.objects.filter(action="orgs.role_granted").count() == 1
    # Delete it again through the inline.
    data = _change_data(clerk, **_grant_forms({"id": grant.pk, "organisation": tree.yanta_center.pk,
                                               "role": Role.WINDOW_CLERK, "user": clerk.pk, "DELETE": "on"},
                                              initial=1))
    response = admin_client.post(url, data)
    assert response.status_code == 302
    assert not RoleGrant.objects.filter(user=clerk).exists()
    assert AuditEvent.objects.filter(action="orgs.role_revoked").count() == 1


def test_scoped_administrator_cannot_grant_outside_the_subtree(client, tree):
    admin = StaffFactory()
    role_grant(actor=None, user=admin, organisation=tree.yanta, role=Role.ADMINISTRATOR)
    clerk = StaffFactory()
    client.force_login(admin)
    url = reverse("admin:accounts_user_change", args=[clerk.pk])
    data = _change_data(clerk, **_grant_forms({"organisation": tree.beilin_center.pk, "role": Role.WINDOW_CLERK,
                                               "user": clerk.pk}))
    response = client.post(url, data)
    assert response.status_code == 200
    assert "无权在“西安市碑林区政务服务中心”授予或撤销角色" in response.content.decode()
    assert not RoleGrant.objects.filter(user=clerk).exists()
    data = _change_data(clerk, **_grant_forms({"organisation": tree.yanta_center.pk, "role": Role.WINDOW_CLERK,
                                               "user": clerk.pk}))
    assert client.post(url, data).status_code == 302
    assert RoleGrant.objects.filter(user=clerk, organisation=tree.yanta_center).exists()


def test_scoped_administrator_sees_only_staff_in_scope(client, tree):
    admin = StaffFactory()
    role_grant(actor=None, user=admin, organisation=tree.yanta, role=Role.ADMINISTRATOR)
    inside, outside, citizen = StaffFactory(), StaffFactory(), UserFactory()
    role_grant(actor=None, user=inside, organisation=tree.yanta_center, role=Role.WINDOW_CLERK)
    role_grant(actor=None, user=outside, organisation=tree.beilin_center, role=Role.WINDOW_CLERK)
    client.force_login(admin)
    page = client.get(reverse("admin:accounts_user_changelist")).content.decode()
    assert inside.username in page
    assert outside.username not in page and citizen.username not in page
    assert client.get(reverse("admin:accounts_user_change", args=[outside.pk])).status_code == 302
    assert client.get(reverse("admin:accounts_user_change", args=[citizen.pk])).status_code == 302


def test_unlock_action(admin_client):
    user = UserFactory()
    for _ in range(5):
        with pytest.raises(DomainError):
            login_attempt(identifier=user.username, password="wrong-password")
    page = admin_client.get(reverse("admin:accounts_user_change", args=[user.pk])).content.decode()
    assert "已锁定" in page
    admin_client.post(reverse("admin:accounts_user_changelist"),
                      {"action": "clear_login_lock", "_selected_action": [user.pk]})
    assert login_attempt(identifier=user.username, password=PASSWORD) == user


def test_login_records_and_tokens_are_listed_without_identifiers(admin_client):
    from yiwang.accounts.services import api_token_create

    user = UserFactory()
    with pytest.raises(DomainError):
        login_attempt(identifier=user.id_number, password="wrong-password", ip="198.51.100.4")
    page = admin_client.get(reverse("admin:accounts_loginattempt_changelist")).content.decode()
    assert "198.51.100.4" in page and user.id_number not in page
    record, token = api_token_create(actor=None, user=user, name="对接")
    page = admin_client.get(reverse("admin:accounts_apitoken_changelist")).content.decode()
    assert record.prefix in page and token not in page
    admin_client.post(reverse("admin:accounts_apitoken_changelist"),
                      {"action": "revoke", "_selected_action": [record.pk]})
    record.refresh_from_db()
    assert record.revoked
