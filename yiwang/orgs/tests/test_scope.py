"""Data scope: a role granted at an organisation covers exactly its subtree."""

import pytest

from yiwang.accounts.tests.factories import StaffFactory
from yiwang.core.errors import NotFound
from yiwang.orgs.access import access_organisation_by_id, can_administer
from yiwang.orgs.constants import Role
from yiwang.orgs.models import Organisation
from yiwang.orgs.selectors import has_role, organisations_in_scope, role_grants_for, scope_filter
from yiwang.orgs.services import role_grant

pytestmark = pytest.mark.django_db


def _staff_with(role, organisation):
    user = StaffFactory()
    role_grant(actor=None, user=user, organisation=organisation, role=role)
    return user


def test_yanta_reviewer_cannot_see_beilin_organisations(tree):
    reviewer = _staff_with(Role.DEPT_REVIEWER, tree.yanta)
    visible = set(organisations_in_scope(reviewer, Role.DEPT_REVIEWER))
    assert visible == {tree.yanta, tree.yanta_market, tree.yanta_center}
    assert not visible & {tree.beilin, tree.beilin_market, tree.beilin_center, tree.city, tree.city_market}
    assert not has_role(reviewer, Role.DEPT_REVIEWER, tree.beilin_market)
    with pytest.raises(NotFound):
        access_organisation_by_id(actor=reviewer, organisation_id=tree.beilin_market.pk, roles=Role.DEPT_REVIEWER)
    assert access_organisation_by_id(actor=reviewer, organisation_id=tree.yanta_market.pk,
                                     roles=Role.DEPT_REVIEWER) == tree.yanta_market


def test_a_grant_at_the_city_covers_the_districts(tree):
    supervisor = _staff_with(Role.SUPERVISOR, tree.city)
    visible = set(organisations_in_scope(supervisor, Role.SUPERVISOR))
    assert visible == set(Organisation.objects.all())
    assert has_role(supervisor, Role.SUPERVISOR, tree.beilin_center)
    assert has_role(supervisor, Role.SUPERVISOR, tree.yanta_market)


def test_scope_is_per_role(tree):
    user = _staff_with(Role.WINDOW_CLERK, tree.city)
    role_grant(actor=None, user=user, organisation=tree.yanta_market, role=Role.DEPT_REVIEWER)
    assert set(organisations_in_scope(user, Role.DEPT_REVIEWER)) == {tree.yanta_market}
    assert organisations_in_scope(user, Role.CATALOG_EDITOR).count() == 0
    assert {g.role for g in role_grants_for(user)} == {Role.WINDOW_CLERK, Role.DEPT_REVIEWER}


def test_scope_filter_works_across_a_relation(tree):
    """Other apps filter their rows by their organisation's path, e.g. cases by agency."""
    from yiwang.orgs.models import RoleGrant

    reviewer = _staff_with(Role.DEPT_REVIEWER, tree.yanta)
    for org in (tree.yanta_market, tree.beilin_market):
        role_grant(actor=None, user=StaffFactory(), organisation=org, role=Role.WINDOW_CLERK)
    rows = RoleGrant.objects.filter(role=Role.WINDOW_CLERK).filter(
        scope_filter(reviewer, Role.DEPT_REVIEWER, path_field="organisation__path"))
    assert [g.organisation for g in rows] == [tree.yanta_market]


def test_anonymous_and_roleless_users_see_nothing(tree):
    from django.contrib.auth.models import AnonymousUser

    assert organisations_in_scope(AnonymousUser(), Role.ADMINISTRATOR).count() == 0
    assert organisations_in_scope(StaffFactory(), Role.ADMINISTRATOR).count() == 0


def test_administrator_scope_for_administration(tree):
    admin = _staff_with(Role.ADMINISTRATOR, tree.yanta)
    assert can_administer(admin, tree.yanta_center)
    assert not can_administer(admin, tree.beilin)
    assert not can_administer(admin, tree.city)
    assert not can_administer(admin, None)  # only the system or a superuser makes a new root
    assert can_administer(None, tree.city)


def test_path_prefix_does_not_confuse_sibling_ids(tree):
    """/1/…90/ must not cover /1/…901/: paths end with a slash, so prefixes are whole ids."""
    from yiwang.orgs.tests.factories import OrganisationFactory

    a = OrganisationFactory(pk=700000090, parent=tree.city, division=tree.divisions.city)
    lookalike = OrganisationFactory(pk=7000000901, parent=tree.city, division=tree.divisions.city)
    assert lookalike.path.startswith(a.path.rstrip("/"))
    clerk = _staff_with(Role.WINDOW_CLERK, a)
    assert set(organisations_in_scope(clerk, Role.WINDOW_CLERK)) == {a}


def test_organisations_by_short_name():
    from yiwang.orgs.selectors import organisations_by_short_name
    from yiwang.orgs.tests.factories import OrganisationFactory

    bureau = OrganisationFactory(name="西安市行政审批服务局", short_name="市行政审批局")
    OrganisationFactory(name="西安市公安局", short_name="市公安局")
    assert organisations_by_short_name(["市行政审批局", "没有这个单位"]) == {"市行政审批局": bureau}
