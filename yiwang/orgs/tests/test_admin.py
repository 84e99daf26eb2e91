"""The organisation admin: tree display, search, and writes through the services with scope."""

import pytest
from django.urls import reverse

from yiwang.accounts.tests.factories import StaffFactory
from yiwang.core.identifiers import with_uscc_check_digit
from yiwang.core.models import AuditEvent
from yiwang.orgs.constants import ExerciseLevel, OrganisationKind, Role
from yiwang.orgs.models import Organisation
from yiwang.orgs.services import organisation_update, role_grant

pytestmark = pytest.mark.django_db

USCC = with_uscc_check_digit("11610113MB2888888")


@pytest.fixture
def superuser_client(client):
    user = StaffFactory(is_superuser=True, is_staff=True)
    client.force_login(user)
    return client


@pytest.fixture
def yanta_admin_client(client, tree):
    user = StaffFactory()
    role_grant(actor=None, user=user, organisation=tree.yanta, role=Role.ADMINISTRATOR)
    client.force_login(user)
    return client


def _form(tree, **overrides):
    data = {"name": "小寨路街道便民服务中心", "short_name": "小寨路街道", "kind": OrganisationKind.STREET_CENTER,
            "level": ExerciseLevel.TOWNSHIP, "division": tree.divisions.yanta.pk, "parent": tree.yanta.pk,
            "uscc": USCC, "phone": "", "address": ""}
    data.update(overrides)
    return data


def test_changelist_shows_tree_and_searches_by_name_and_uscc(superuser_client, tree):
    organisation_update(actor=None, organisation=tree.yanta_market, uscc=USCC)
    url = reverse("admin:orgs_organisation_changelist")
    page = superuser_client.get(url).content.decode()
    assert "└ 西安市雁塔区市场监督管理局" in page and tree.yanta_market.path in page
    found = superuser_client.get(url, {"q": USCC}).content.decode()
    assert "西安市雁塔区市场监督管理局" in found and "西安市碑林区市场监督管理局" not in found
    found = superuser_client.get(url, {"q": "碑林"}).content.decode()
    assert "西安市碑林区市场监督管理局" in found and "西安市雁塔区市场监督管理局" not in found


def test_add_with_bad_uscc_shows_the_check_digit_error(superuser_client, tree):
    bad = USCC[:-1] + ("0" if USCC[-1] != "0" else "1")
    response = superuser_client.post(reverse("admin:orgs_organisation_add"), _form(tree, uscc=bad))
    assert response.status_code == 200
    assert f"统一社会信用代码校验位错误，应为 {USCC[-1]}。" in response.content.decode()
    assert not Organisation.objects.filter(name="小寨路街道便民服务中心").exists()


def test_add_goes_through_the_service(superuser_client, tree):
    response = superuser_client.post(reverse("admin:orgs_organisation_add"), _form(tree))
    assert response.status_code == 302, response.content.decode()[:2000]
    street = Organisation.objects.get(name="小寨路街道便民服务中心")
    assert street.path == f"{tree.yanta.path}{street.pk}/"
    assert AuditEvent.objects.filter(action="orgs.organisation_created", object_id=str(street.pk)).exists()


def test_changing_the_parent_moves_the_subtree(superuser_client, tree):
    url = reverse("admin:orgs_organisation_change", args=[tree.yanta_center.pk])
    data = _form(tree, name=tree.yanta_center.name, short_name=tree.yanta_center.short_name,
                 kind=tree.yanta_center.kind, level=tree.yanta_center.level, parent=tree.yanta_market.pk, uscc="")
    response = superuser_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    tree.yanta_center.refresh_from_db()
    assert tree.yanta_center.parent == tree.yanta_market
    assert tree.yanta_center.path == f"{tree.yanta_market.path}{tree.yanta_center.pk}/"
    assert AuditEvent.objects.filter(action="orgs.organisation_moved").exists()


def test_scoped_administrator_sees_and_edits_only_the_subtree(yanta_admin_client, tree):
    page = yanta_admin_client.get(reverse("admin:orgs_organisation_changelist")).content.decode()
    assert "西安市雁塔区政务服务中心" in page
    assert "西安市碑林区" not in page and "西安市市场监督管理局" not in page
    response = yanta_admin_client.get(reverse("admin:orgs_organisation_change", args=[tree.beilin.pk]))
    assert response.status_code == 302  # "does not exist" for them, like a missing object
    response = yanta_admin_client.post(reverse("admin:orgs_organisation_add"),
                                       _form(tree, parent=tree.beilin.pk, division=tree.divisions.beilin.pk))
    assert response.status_code == 200
    assert not Organisation.objects.filter(name="小寨路街道便民服务中心").exists()
    response = yanta_admin_client.post(reverse("admin:orgs_organisation_add"), _form(tree))
    assert response.status_code == 302
    assert Organisation.objects.get(name="小寨路街道便民服务中心").parent == tree.yanta


def test_people_without_the_administrator_role_are_kept_out(client, tree):
    clerk = StaffFactory(is_staff=True)
    role_grant(actor=None, user=clerk, organisation=tree.city, role=Role.WINDOW_CLERK)
    client.force_login(clerk)
    assert client.get(reverse("admin:orgs_organisation_changelist")).status_code == 403
