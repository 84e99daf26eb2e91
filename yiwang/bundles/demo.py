"""Demo staff for bundles (`manage.py load_demo`, after load_xian and load_demo_accounts).

The bundles themselves are real catalog data, loaded by `load_xian` (seed/loader.py). The demo
accounts `editor` and `catalog_reviewer` (市行政审批局) look after the 31 city bundles of seed 003;
the four 雁塔区 bundles of seed 002 are looked after by 雁塔区行政审批服务局, so two accounts there can
carry them through drafting, review and publication.

One bundle can also be carried through as a case: the demo enterprise (`enterprise`, 西安示例餐饮管理
有限公司) applies for 开办餐饮店 online; `clerk_yjs` at the 一件事 window of the lead agency
(市市场监管局) accepts every member at once (综合受理: a window clerk at the lead agency and at each
member's agency, so each member's own acceptance passes); each member agency has a reviewer and an
approver (`yjs_reviewer_<n>`, `yjs_approver_<n>`, n in the order of the agencies' ids; at
市市场监管局 also `reviewer`/`approver` from load_demo_accounts). Idempotent.
"""

from __future__ import annotations

from django.db import transaction

from yiwang.accounts import selectors as account_selectors
from yiwang.accounts import services as account_services
from yiwang.bundles import selectors
from yiwang.orgs import services as org_services
from yiwang.orgs.constants import Role
from yiwang.orgs.selectors import organisations_by_id, organisations_by_short_name

DEMO_PASSWORD = "Demo-2026-xian"  # noqa: S105 — public on purpose (README, docs/bundles.md)
STEWARD = "雁塔区行政审批服务局"
CASE_BUNDLE = "XA-2024-1-03"  # 开办餐饮店
CLERK = ("clerk_yjs", "何琳")
MEMBER_STAFF = [("yjs_reviewer", "审核", Role.DEPT_REVIEWER), ("yjs_approver", "审批", Role.DEPT_APPROVER)]
MEMBER_NAMES = ["冯涛", "蒋丽", "韩冰", "曹阳", "许诺", "邓辉"]
STAFF = [("editor_yanta", "赵敏", Role.CATALOG_EDITOR), ("catalog_reviewer_yanta", "钱坤", Role.CATALOG_REVIEWER)]


@transaction.atomic
def load(*, stdout) -> None:
    steward = organisations_by_short_name([STEWARD]).get(STEWARD)
    if steward is None:
        stdout.write(f"  bundles: 未找到「{STEWARD}」（load_xian 未运行？），跳过演示账户。")
        return
    for username, real_name, role in STAFF:
        user = account_selectors.user_by_identifier(username)
        if user is None:
            user = account_services.staff_account_create(actor=None, username=username, real_name=real_name, password=DEMO_PASSWORD)
        org_services.role_grant(actor=None, user=user, organisation=steward, role=role)
        stdout.write(f"  {username}：{Role(role).label} @ {steward.name}（密码 {DEMO_PASSWORD}）")
    _bundle_case_staff(stdout)


def _account(username: str, real_name: str):
    user = account_selectors.user_by_identifier(username)
    if user is None:
        user = account_services.staff_account_create(actor=None, username=username, real_name=real_name, password=DEMO_PASSWORD)
    return user


def _bundle_case_staff(stdout) -> None:
    version = selectors.published_versions().filter(bundle__code=CASE_BUNDLE).first()
    if version is None or version.lead_agency_id is None:
        stdout.write(f"  bundles: 未找到一件事 {CASE_BUNDLE}，跳过一件事窗口演示账户。")
        return
    members = selectors.definition_of(version).members
    agencies = organisations_by_id({version.lead_agency_id, *(m.agency_id for m in members)})
    clerk = _account(*CLERK)
    for agency in agencies.values():
        org_services.role_grant(actor=None, user=clerk, organisation=agency, role=Role.WINDOW_CLERK)
    stdout.write(f"  {CLERK[0]}：一件事窗口（{version.name}，综合受理）@ {'、'.join(a.name for a in agencies.values())}"
                 f"（密码 {DEMO_PASSWORD}）")
    names = iter(MEMBER_NAMES)
    for n, (_pk, agency) in enumerate(sorted(agencies.items()), start=1):
        for prefix, _label, role in MEMBER_STAFF:
            username = f"{prefix}_{n}"
            user = _account(username, next(names, f"工作人员{n}"))
            org_services.role_grant(actor=None, user=user, organisation=agency, role=role)
            stdout.write(f"  {username}：{Role(role).label} @ {agency.name}")
