"""Every published demo item can go from application to delivery with the demo accounts
(`load_xian` then `load_demo_accounts`, as `make demo` runs them): a general window clerk can
receive the case and hand the result over, and each user task of its back-office process has
somebody holding the task's role over the organisation that owns the task.

Checked with the access rules the pages and services apply (holds_case_role over a case filed
online at the agency's hall, has_role over a task's organisation), not with the list the command
builds its accounts from. The Xi'an seed is loaded once for the module and rolled back after it.
"""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from yiwang.accounts.models import User
from yiwang.cases import process_engine as engine
from yiwang.cases.access import HANDOVER_ROLES, WINDOW_ROLES, holds_case_role
from yiwang.cases.back_office import process_for_case
from yiwang.cases.models import Case
from yiwang.cases.services.intake import agency_hall_id, clear_process_caches
from yiwang.catalog.constants import VersionStatus
from yiwang.catalog.models import ImplementationVersion
from yiwang.orgs.constants import Role
from yiwang.orgs.models import Organisation, RoleGrant
from yiwang.orgs.selectors import GENERAL_WINDOW_KINDS, has_role


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        with transaction.atomic():
            clear_process_caches()
            call_command("load_xian", stdout=io.StringIO())
            out = io.StringIO()
            call_command("load_demo_accounts", stdout=out)
            yield out.getvalue()
            transaction.set_rollback(True)
        clear_process_caches()
        connection.close()


def _online_case(version: ImplementationVersion) -> Case:
    """The case an online application for `version` becomes (unsaved): filed at the agency's hall."""
    agency = version.implementation.agency
    hall_id = agency_hall_id(agency.pk)
    return Case(version=version, implementation=version.implementation, agency=agency, agency_path=agency.path,
                outlet=Organisation.objects.get(pk=hall_id) if hall_id else None)


def _staff():
    users = list(User.objects.filter(is_active=True, role_grants__isnull=False).distinct())
    clerks = [u for u in users if RoleGrant.objects.filter(user=u, role=Role.WINDOW_CLERK,
                                                           organisation__kind__in=GENERAL_WINDOW_KINDS).exists()]
    return users, clerks


def _gaps(version, users, clerks) -> list[str]:
    case = _online_case(version)
    gaps = []
    if not any(holds_case_role(actor=c, case=case, roles=WINDOW_ROLES) for c in clerks):
        gaps.append("受理：没有综合窗口人员能接收")
    if not any(holds_case_role(actor=u, case=case, roles=HANDOVER_ROLES) for u in users):
        gaps.append("送达：没有人能出件")
    definition = process_for_case(case)
    for task in definition.user_tasks:
        owners = (list(version.co_agencies.all()) if task["multi_instance"] == engine.CO_AGENCIES
                  else [case.agency])
        for owner in owners:
            if not any(has_role(u, task["role"], owner) for u in users):
                gaps.append(f"{definition.key}.{task['task_key']}（{task['title']}）：{owner.name} 无「{Role(task['role']).label}」")
    return gaps


def test_every_published_item_has_demo_staff_at_every_step(demo, db):
    users, clerks = _staff()
    versions = (ImplementationVersion.objects.filter(status=VersionStatus.PUBLISHED)
                .select_related("implementation__agency").prefetch_related("co_agencies").order_by("name"))
    assert versions.count() > 100  # the whole Xi'an catalog, not an empty database
    failures = []
    for version in versions:
        for gap in _gaps(version, users, clerks):
            failures.append(f"{version.name}（{version.implementation.agency.short_name}）— {gap}")
    assert not failures, f"{len(failures)} 处无人办理：\n" + "\n".join(failures)


def test_the_elderly_citizens_own_journey_has_named_accounts(demo, db):
    """The README's example: 王秀英 applies for 老年人优待证 at 雁塔区; these accounts take it through."""
    version = ImplementationVersion.objects.select_related("implementation__agency").get(
        status=VersionStatus.PUBLISHED, name__contains="老年人优待证", implementation__agency__short_name__startswith="雁塔区")
    case = _online_case(version)
    assert case.agency.short_name == "雁塔区民政局"
    by_name = {u.username: u for u in User.objects.filter(
        username__in=["clerk_yanta", "reviewer_civil_yanta", "approver_civil_yanta"])}
    assert holds_case_role(actor=by_name["clerk_yanta"], case=case, roles=WINDOW_ROLES)
    assert has_role(by_name["reviewer_civil_yanta"], Role.DEPT_REVIEWER, case.agency)
    assert has_role(by_name["approver_civil_yanta"], Role.DEPT_APPROVER, case.agency)
    assert {t["role"] for t in process_for_case(case).user_tasks} <= {Role.DEPT_REVIEWER, Role.DEPT_APPROVER}
    for username in by_name:
        assert username in demo  # printed in the command's table
