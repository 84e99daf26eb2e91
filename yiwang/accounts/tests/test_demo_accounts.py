"""`load_demo_accounts`: idempotent, works with or without load_xian's organisations."""

import io

import pytest
from django.core.management import call_command

from yiwang.accounts.management.commands.load_demo_accounts import DEMO_PASSWORD
from yiwang.accounts.models import User
from yiwang.accounts.services import login_attempt
from yiwang.core.identifiers import id_number_birth_date, id_number_errors, id_number_sex, uscc_errors
from yiwang.orgs.models import Organisation, RoleGrant

pytestmark = pytest.mark.django_db

EXPECTED = {
    "admin": ("administrator", "西安市人民政府"),
    "clerk": ("window_clerk", "市政务服务中心"),
    "clerk_yanta": ("window_clerk", "雁塔区政务服务中心"),
    "reviewer": ("dept_reviewer", "市市场监管局"),
    "approver": ("dept_approver", "市市场监管局"),
    "reviewer_edu": ("dept_reviewer", "市教育局"),
    "approver_edu": ("dept_approver", "市教育局"),
    "reviewer_yanta": ("dept_reviewer", "雁塔区市场监管局"),
    "editor": ("catalog_editor", "市行政审批局"),
    "catalog_reviewer": ("catalog_reviewer", "市行政审批局"),
    "hotline": ("hotline_operator", "西安市人民政府"),
    "supervisor": ("supervisor", "西安市人民政府"),
}


def _run():
    out = io.StringIO()
    call_command("load_demo_accounts", stdout=out)
    return out.getvalue()


def test_without_load_xian_it_creates_minimal_demo_organisations_and_all_accounts():
    output = _run()
    assert "已创建最小演示机构" in output and f"密码均为 {DEMO_PASSWORD}" in output
    assert Organisation.objects.filter(is_demo=False).count() == 0
    for username, (role, short_name) in EXPECTED.items():
        grant = RoleGrant.objects.select_related("organisation").get(user__username=username)
        assert (grant.role, grant.organisation.short_name) == (role, short_name), username
        assert username in output
    yanta_center = Organisation.objects.get(short_name="雁塔区政务服务中心")
    assert yanta_center.parent.short_name == "雁塔区人民政府"
    assert yanta_center.kind == "service_center" and yanta_center.division.code == "610113"
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff and admin.kind == "staff"


def test_demo_citizen_and_enterprise():
    _run()
    citizen = User.objects.get(username="citizen")
    assert citizen.real_name == "王秀英" and id_number_errors(citizen.id_number) == []
    assert citizen.id_number.startswith("610113") and id_number_birth_date(citizen.id_number).year == 1958
    assert id_number_sex(citizen.id_number) == "F" and citizen.phone
    enterprise = User.objects.get(username="enterprise")
    assert enterprise.org_name == "西安示例餐饮管理有限公司" and uscc_errors(enterprise.uscc) == []
    assert enterprise.uscc.startswith("91610113") and enterprise.legal_rep_name
    assert id_number_errors(enterprise.legal_rep_id_number) == []
    for identifier in ("citizen", citizen.id_number, citizen.phone):
        assert login_attempt(identifier=identifier, password=DEMO_PASSWORD) == citizen
    assert login_attempt(identifier=enterprise.uscc, password=DEMO_PASSWORD) == enterprise


def test_running_twice_changes_nothing():
    _run()
    counts = (User.objects.count(), Organisation.objects.count(), RoleGrant.objects.count())
    hashes = dict(User.objects.values_list("username", "password"))
    output = _run()
    assert (User.objects.count(), Organisation.objects.count(), RoleGrant.objects.count()) == counts
    assert dict(User.objects.values_list("username", "password")) == hashes
    assert "已创建最小演示机构" not in output


def test_uses_organisations_of_load_xian_by_short_name(tree):
    from yiwang.orgs.tests.factories import OrganisationFactory

    hotline_center = OrganisationFactory(name="西安市12345市民热线服务中心", short_name="市12345热线",
                                         parent=tree.city, division=tree.divisions.city)
    _run()
    assert RoleGrant.objects.get(user__username="clerk_yanta").organisation == tree.yanta_center
    assert RoleGrant.objects.get(user__username="reviewer").organisation == tree.city_market
    assert RoleGrant.objects.get(user__username="admin").organisation == tree.city
    assert RoleGrant.objects.get(user__username="hotline").organisation == hotline_center
    # Only the organisations missing from the small test tree were made up.
    made_up = set(Organisation.objects.filter(is_demo=True).values_list("short_name", flat=True))
    assert made_up == {"市教育局", "市行政审批局"}
    assert Organisation.objects.get(short_name="市教育局").parent == tree.city


def test_a_changed_demo_password_is_put_back():
    from yiwang.accounts.services import user_set_password

    _run()
    user_set_password(actor=None, user=User.objects.get(username="clerk"), password="Changed-2026-pw")
    _run()
    assert User.objects.get(username="clerk").check_password(DEMO_PASSWORD)
