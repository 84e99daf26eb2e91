"""Demo staff for bundles (`manage.py load_demo`, after load_xian and load_demo_accounts).

The bundles themselves are real catalog data, loaded by `load_xian` (seed/loader.py). The demo
accounts `editor` and `catalog_reviewer` (市行政审批局) look after the 31 city bundles of seed 003;
the four 雁塔区 bundles of seed 002 are looked after by 雁塔区行政审批服务局, so two accounts there can
carry them through drafting, review and publication. Idempotent.
"""

from __future__ import annotations

from django.db import transaction

from yiwang.accounts import selectors as account_selectors
from yiwang.accounts import services as account_services
from yiwang.orgs import services as org_services
from yiwang.orgs.constants import Role
from yiwang.orgs.selectors import organisations_by_short_name

DEMO_PASSWORD = "Demo-2026-xian"  # noqa: S105 — public on purpose (README, docs/bundles.md)
STEWARD = "雁塔区行政审批服务局"
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
