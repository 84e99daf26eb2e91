"""Organisation and role-grant services: validation, scope checks, tree moves, audit events."""

import pytest

from yiwang.accounts.tests.factories import StaffFactory, UserFactory
from yiwang.core.errors import PermissionDenied, ValidationFailed
from yiwang.core.identifiers import with_uscc_check_digit
from yiwang.core.models import AuditEvent
from yiwang.orgs.constants import ExerciseLevel, OrganisationKind, Role
from yiwang.orgs.models import Organisation, RoleGrant
from yiwang.orgs.services import organisation_create, organisation_move, organisation_update, role_grant, role_revoke

pytestmark = pytest.mark.django_db

GOOD_USCC = with_uscc_check_digit("11610113MB2999999")


def _admin_at(org):
    user = StaffFactory()
    role_grant(actor=None, user=user, organisation=org, role=Role.ADMINISTRATOR)
    return user


def _fields(exc):
    return {e.field: e for e in exc.value.errors}


def test_create_street_center_under_district(tree):
    admin = _admin_at(tree.yanta)
    street = organisation_create(
        actor=admin, name="小寨路街道便民服务中心", short_name="小寨路街道", kind=OrganisationKind.STREET_CENTER,
        level=ExerciseLevel.TOWNSHIP, division=tree.divisions.yanta, parent=tree.yanta, uscc=f" {GOOD_USCC.lower()} ",
    )
    assert street.path == f"{tree.yanta.path}{street.pk}/"
    assert street.uscc == GOOD_USCC  # normalised
    station = organisation_create(actor=admin, name="长延堡社区便民服务站", kind=OrganisationKind.COMMUNITY_STATION,
                                  level=ExerciseLevel.VILLAGE, division=tree.divisions.yanta, parent=street)
    assert station.path.startswith(street.path)
    event = AuditEvent.objects.filter(action="orgs.organisation_created", object_id=str(street.pk)).get()
    assert event.actor_id == admin.pk and event.details["uscc"] == GOOD_USCC


def test_create_reports_every_problem_at_once(tree):
    bad = GOOD_USCC[:-1] + ("0" if GOOD_USCC[-1] != "0" else "1")
    with pytest.raises(ValidationFailed) as exc:
        organisation_create(actor=None, name="  ", kind="ministry", level="9", division=None, parent=tree.city,
                            uscc=bad)
    errors = _fields(exc)
    assert set(errors) == {"name", "kind", "level", "division", "uscc"}
    assert errors["uscc"].message == f"统一社会信用代码校验位错误，应为 {GOOD_USCC[-1]}。"
    assert "government（人民政府/管委会）" in errors["kind"].message
    assert not Organisation.objects.filter(name="").exists()


def test_duplicate_name_under_same_parent_is_refused(tree):
    with pytest.raises(ValidationFailed) as exc:
        organisation_create(actor=None, name="西安市市场监督管理局", kind=OrganisationKind.DEPARTMENT,
                            level=ExerciseLevel.CITY, division=tree.divisions.city, parent=tree.city)
    assert "“西安市人民政府”下已有名为“西安市市场监督管理局”的机构" in _fields(exc)["name"].message


def test_only_administrators_of_the_parent_may_create(tree):
    yanta_admin = _admin_at(tree.yanta)
    with pytest.raises(PermissionDenied) as exc:
        organisation_create(actor=yanta_admin, name="某街道", kind=OrganisationKind.STREET_CENTER,
                            level=ExerciseLevel.TOWNSHIP, division=tree.divisions.beilin, parent=tree.beilin)
    assert "碑林区" in exc.value.message and exc.value.code == "not_administrator"
    with pytest.raises(PermissionDenied):
        organisation_create(actor=yanta_admin, name="新根", kind=OrganisationKind.GOVERNMENT, level=ExerciseLevel.CITY,
                            division=tree.divisions.city, parent=None)
    reviewer = StaffFactory()
    role_grant(actor=None, user=reviewer, organisation=tree.city, role=Role.DEPT_REVIEWER)
    with pytest.raises(PermissionDenied):
        organisation_create(actor=reviewer, name="某街道", kind=OrganisationKind.STREET_CENTER,
                            level=ExerciseLevel.TOWNSHIP, division=tree.divisions.yanta, parent=tree.yanta)


def test_update_records_changes_and_validates_uscc(tree):
    admin = _admin_at(tree.city)
    updated = organisation_update(actor=admin, organisation=tree.yanta_market, phone="029-85201234",
                                  uscc=GOOD_USCC)
    assert (updated.phone, updated.uscc) == ("029-85201234", GOOD_USCC)
    event = AuditEvent.objects.get(action="orgs.organisation_updated")
    assert event.details["changes"]["phone"] == ["", "029-85201234"]
    with pytest.raises(ValidationFailed) as exc:
        organisation_update(actor=admin, organisation=tree.yanta_market, uscc="123")
    assert _fields(exc)["uscc"].message == "统一社会信用代码应为 18 位，当前为 3 位。"
    with pytest.raises(ValidationFailed) as exc:
        organisation_update(actor=admin, organisation=tree.yanta_market, parent=tree.beilin)
    assert "parent" in _fields(exc)
    tree.yanta_market.refresh_from_db()
    assert tree.yanta_market.uscc == GOOD_USCC  # nothing half-written


def test_update_by_administrator_out_of_scope_is_refused(tree):
    with pytest.raises(PermissionDenied):
        organisation_update(actor=_admin_at(tree.beilin), organisation=tree.yanta_market, phone="1")


def test_move_rewrites_the_whole_subtree(tree):
    street = organisation_create(actor=None, name="小寨路街道便民服务中心", kind=OrganisationKind.STREET_CENTER,
                                 level=ExerciseLevel.TOWNSHIP, division=tree.divisions.yanta, parent=tree.yanta_center)
    station = organisation_create(actor=None, name="长延堡社区便民服务站", kind=OrganisationKind.COMMUNITY_STATION,
                                  level=ExerciseLevel.VILLAGE, division=tree.divisions.yanta, parent=street)
    clerk = StaffFactory()
    role_grant(actor=None, user=clerk, organisation=tree.beilin, role=Role.WINDOW_CLERK)
    from yiwang.orgs.selectors import organisations_in_scope

    assert station not in organisations_in_scope(clerk, Role.WINDOW_CLERK)

    moved = organisation_move(actor=None, organisation=street, new_parent=tree.beilin_center)
    station.refresh_from_db()
    assert moved.path == f"{tree.beilin_center.path}{street.pk}/"
    assert station.path == f"{moved.path}{station.pk}/"
    clerk = type(clerk).objects.get(pk=clerk.pk)  # fresh grant cache
    assert station in organisations_in_scope(clerk, Role.WINDOW_CLERK)
    # Untouched branches keep their paths.
    tree.yanta_market.refresh_from_db()
    assert tree.yanta_market.path == f"{tree.city.path}{tree.yanta.pk}/{tree.yanta_market.pk}/"
    event = AuditEvent.objects.get(action="orgs.organisation_moved")
    assert event.details["subtree_size"] == 2 and event.details["to_parent_id"] == tree.beilin_center.pk


def test_move_into_own_subtree_is_refused(tree):
    with pytest.raises(ValidationFailed) as exc:
        organisation_move(actor=None, organisation=tree.yanta, new_parent=tree.yanta_market)
    assert "不能把“西安市雁塔区人民政府”移到它自己或它的下级机构" in _fields(exc)["parent"].message
    with pytest.raises(ValidationFailed):
        organisation_move(actor=None, organisation=tree.yanta, new_parent=tree.yanta)


def test_move_needs_administrator_at_both_ends(tree):
    admin = _admin_at(tree.yanta)
    with pytest.raises(PermissionDenied):
        organisation_move(actor=admin, organisation=tree.yanta_center, new_parent=tree.beilin)
    organisation_move(actor=admin, organisation=tree.yanta_center, new_parent=tree.yanta_market)


def test_role_grant_by_administrator_in_scope(tree):
    admin = _admin_at(tree.yanta)
    clerk = StaffFactory()
    grant = role_grant(actor=admin, user=clerk, organisation=tree.yanta_center, role=Role.WINDOW_CLERK)
    assert grant.granted_by == admin
    again = role_grant(actor=admin, user=clerk, organisation=tree.yanta_center, role=Role.WINDOW_CLERK)
    assert again.pk == grant.pk  # idempotent, one event only
    assert AuditEvent.objects.filter(action="orgs.role_granted", details__username=clerk.username).count() == 1


def test_role_grant_outside_scope_or_by_non_administrator_is_refused(tree):
    yanta_admin = _admin_at(tree.yanta)
    clerk = StaffFactory()
    with pytest.raises(PermissionDenied) as exc:
        role_grant(actor=yanta_admin, user=clerk, organisation=tree.beilin_center, role=Role.WINDOW_CLERK)
    assert "西安市碑林区政务服务中心" in exc.value.message
    with pytest.raises(PermissionDenied):  # the city is above the administrator's own node
        role_grant(actor=yanta_admin, user=clerk, organisation=tree.city, role=Role.WINDOW_CLERK)
    supervisor = StaffFactory()
    role_grant(actor=None, user=supervisor, organisation=tree.city, role=Role.SUPERVISOR)
    with pytest.raises(PermissionDenied):
        role_grant(actor=supervisor, user=clerk, organisation=tree.yanta, role=Role.WINDOW_CLERK)
    assert not RoleGrant.objects.filter(user=clerk).exists()


def test_role_grant_validates_role_and_user(tree):
    citizen = UserFactory()
    with pytest.raises(ValidationFailed) as exc:
        role_grant(actor=None, user=citizen, organisation=tree.city, role="king")
    errors = _fields(exc)
    assert "不是工作人员账户" in errors["user"].message
    assert "window_clerk（综合窗口人员）" in errors["role"].message


def test_administrator_grant_opens_the_admin_site_and_revoke_closes_it(tree):
    user = StaffFactory()
    grant = role_grant(actor=None, user=user, organisation=tree.yanta, role=Role.ADMINISTRATOR)
    user.refresh_from_db()
    assert user.is_staff
    role_revoke(actor=_admin_at(tree.city), grant=grant)
    user.refresh_from_db()
    assert not user.is_staff
    assert not RoleGrant.objects.filter(pk=grant.pk).exists()
    event = AuditEvent.objects.get(action="orgs.role_revoked")
    assert event.details["role"] == Role.ADMINISTRATOR and event.object_id == str(grant.pk)


def test_role_revoke_out_of_scope_is_refused(tree):
    grant = role_grant(actor=None, user=StaffFactory(), organisation=tree.beilin_center, role=Role.WINDOW_CLERK)
    with pytest.raises(PermissionDenied):
        role_revoke(actor=_admin_at(tree.yanta), grant=grant)
    assert RoleGrant.objects.filter(pk=grant.pk).exists()


def test_grant_cache_is_refreshed_after_a_grant(tree):
    from yiwang.orgs.selectors import has_role

    user = StaffFactory()
    assert not has_role(user, Role.WINDOW_CLERK)  # fills the cache
    role_grant(actor=None, user=user, organisation=tree.city_center, role=Role.WINDOW_CLERK)
    assert has_role(user, Role.WINDOW_CLERK, tree.city_center)
