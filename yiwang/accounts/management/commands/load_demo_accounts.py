"""Demo accounts for `make demo` (after load_xian). Safe to run any number of times."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from yiwang.accounts import services
from yiwang.accounts.constants import DEMO_STAFF_NEEDED
from yiwang.accounts.models import User
from yiwang.core import hooks
from yiwang.core.identifiers import with_id_check_digit, with_uscc_check_digit
from yiwang.orgs import services as org_services
from yiwang.orgs.constants import DivisionLevel, ExerciseLevel, OrganisationKind, Role
from yiwang.orgs.selectors import division_by_code, organisation_by_short_name, organisation_named, role_holders_over

# Public on purpose: printed by this command and documented in docs/accounts.md.
DEMO_PASSWORD = "Demo-2026-xian"  # noqa: S105

CITY = "西安市人民政府"
# short name -> (full name, kind, level, parent short name, division code) for organisations this
# command creates when load_xian has not run. load_xian uses the same short names.
FALLBACK_ORGS = {
    CITY: ("西安市人民政府", OrganisationKind.GOVERNMENT, ExerciseLevel.CITY, None, "610100"),
    "市政务服务中心": ("西安市政务服务中心", OrganisationKind.SERVICE_CENTER, ExerciseLevel.CITY, CITY, "610100"),
    "市行政审批局": ("西安市行政审批服务局", OrganisationKind.DEPARTMENT, ExerciseLevel.CITY, CITY, "610100"),
    "市市场监管局": ("西安市市场监督管理局", OrganisationKind.DEPARTMENT, ExerciseLevel.CITY, CITY, "610100"),
    "市教育局": ("西安市教育局", OrganisationKind.DEPARTMENT, ExerciseLevel.CITY, CITY, "610100"),
    "市公安局": ("西安市公安局", OrganisationKind.DEPARTMENT, ExerciseLevel.CITY, CITY, "610100"),
    "市人社局": ("西安市人力资源和社会保障局", OrganisationKind.DEPARTMENT, ExerciseLevel.CITY, CITY, "610100"),
    "雁塔区人民政府": ("西安市雁塔区人民政府", OrganisationKind.GOVERNMENT, ExerciseLevel.COUNTY, CITY, "610113"),
    "雁塔区政务服务中心": ("西安市雁塔区政务服务中心", OrganisationKind.SERVICE_CENTER, ExerciseLevel.COUNTY,
                      "雁塔区人民政府", "610113"),
    "雁塔区市场监管局": ("西安市雁塔区市场监督管理局", OrganisationKind.DEPARTMENT, ExerciseLevel.COUNTY,
                     "雁塔区人民政府", "610113"),
}
FALLBACK_DIVISIONS = {
    "610000": ("陕西省", DivisionLevel.PROVINCE, None),
    "610100": ("西安市", DivisionLevel.CITY, "610000"),
    "610113": ("雁塔区", DivisionLevel.DISTRICT, "610100"),
}


@dataclass(frozen=True)
class StaffSpec:
    username: str
    real_name: str
    role: str
    organisation: str | tuple[str, ...]  # short names, first found wins
    superuser: bool = False


STAFF = [
    StaffSpec("admin", "刘建华", Role.ADMINISTRATOR, CITY, superuser=True),
    StaffSpec("clerk", "李娜", Role.WINDOW_CLERK, "市政务服务中心"),
    StaffSpec("clerk_yanta", "陈静", Role.WINDOW_CLERK, "雁塔区政务服务中心"),
    # 交通员: carries paper materials dropped off in the city hall's lockers to the hall.
    StaffSpec("courier", "赵晓东", Role.COURIER, "市政务服务中心"),
    StaffSpec("reviewer", "张伟", Role.DEPT_REVIEWER, "市市场监管局"),
    StaffSpec("approver", "王磊", Role.DEPT_APPROVER, "市市场监管局"),
    StaffSpec("reviewer_edu", "杨帆", Role.DEPT_REVIEWER, "市教育局"),
    StaffSpec("approver_edu", "高洁", Role.DEPT_APPROVER, "市教育局"),
    StaffSpec("reviewer_yanta", "周敏", Role.DEPT_REVIEWER, "雁塔区市场监管局"),
    StaffSpec("editor", "吴婷", Role.CATALOG_EDITOR, "市行政审批局"),
    StaffSpec("catalog_reviewer", "孙强", Role.CATALOG_REVIEWER, "市行政审批局"),
    StaffSpec("hotline", "郑丽", Role.HOTLINE_OPERATOR, ("12345", CITY)),
    StaffSpec("supervisor", "马涛", Role.SUPERVISOR, CITY),
]

# Accounts made for every organisation a published item's journey needs and the named accounts above
# do not cover: "<prefix>_<单位简称>", e.g. reviewer_雁塔区民政局 (prefix, the person's title).
GENERATED_PREFIXES = {
    Role.WINDOW_CLERK: ("clerk", "窗口"),
    Role.DEPT_REVIEWER: ("reviewer", "审查员"),
    Role.DEPT_APPROVER: ("approver", "审批员"),
}

# Usernames are ASCII (accounts' rule): "<prefix>_<unit>[_<district>]" from these words of the short
# name, e.g. 雁塔区民政局 → reviewer_civil_yanta, 市人社局 → approver_hrss; a unit not listed here
# gets its id (reviewer_org42).
UNIT_WORDS = {
    "政务服务中心": "center", "民政局": "civil", "人社局": "hrss", "公安局": "police", "交通局": "transport",
    "住建局": "housing", "医疗保障局": "medins", "卫生健康委": "health", "发改委": "ndrc", "商务局": "commerce",
    "城管执法局": "urban", "组织部": "org", "工信局": "industry", "市场监管局": "market", "应急管理局": "emergency",
    "教育局": "edu", "文化旅游局": "culture", "残联": "disabled", "水务局": "water", "消防救援支队": "fire",
    "生态环境局": "ecology", "科技局": "science", "税务局": "tax", "统计局": "stats", "行政审批局": "approval",
    "资源规划局": "land", "退役军人局": "veterans", "司法局": "justice", "住房公积金": "hfund", "海关": "customs",
    "人行": "pbc", "养老保险": "pension", "警备区": "garrison", "供气": "gas", "供水": "watersupply",
    "供电": "power", "网络运营商": "telecom", "法院": "court",
}
DISTRICT_WORDS = {
    "新城区": "xincheng", "碑林区": "beilin", "莲湖区": "lianhu", "灞桥区": "baqiao", "未央区": "weiyang",
    "雁塔区": "yanta", "阎良区": "yanliang", "临潼区": "lintong", "长安区": "changan", "高陵区": "gaoling",
    "鄠邑区": "huyi", "蓝田县": "lantian", "周至县": "zhouzhi",
}


def unit_slug(organisation) -> str:
    name = organisation.short_name or organisation.name
    unit = next((slug for word, slug in UNIT_WORDS.items() if word in name), f"org{organisation.pk}")
    district = next((slug for word, slug in DISTRICT_WORDS.items() if name.startswith(word)), "")
    return f"{unit}_{district}" if district else unit


# 王秀英: born 15 March 1958 in 雁塔区; the even sequence digit makes her a woman (GB 11643).
CITIZEN = {"username": "citizen", "real_name": "王秀英", "id_number": with_id_check_digit("61011319580315024"),
           "phone": "13909110001"}
ENTERPRISE = {"username": "enterprise", "org_name": "西安示例餐饮管理有限公司",
              "uscc": with_uscc_check_digit("91610113MA6W12345"), "legal_rep_name": "李建国",
              "legal_rep_id_number": with_id_check_digit("61011319720612001"), "phone": "13909110002"}


def _division(code: str):
    division = division_by_code(code)
    if division is None:
        name, level, parent = FALLBACK_DIVISIONS[code]
        division = org_services.division_create(code=code, name=name, level=level, is_demo=True,
                                                parent=_division(parent) if parent else None)
    return division


class Command(BaseCommand):
    help = f"创建演示账户（可重复运行）。所有演示账户的密码均为 {DEMO_PASSWORD}。"

    def handle(self, *args, **options):
        self.created_orgs: list[str] = []
        rows = []
        with transaction.atomic():
            for spec in STAFF:
                organisation = self._organisation(spec.organisation)
                user = self._staff(spec)
                org_services.role_grant(actor=None, user=user, organisation=organisation, role=spec.role)
                rows.append((user.username, "工作人员" + ("（超级管理员）" if spec.superuser else ""),
                             f"{Role(spec.role).label} @ {organisation.name}", user.username))
            listed = {row[0] for row in rows}
            rows.extend(row for row in self._journey_staff() if row[0] not in listed)
            citizen = self._confirmed(self._citizen())
            rows.append((citizen.username, "个人", f"{citizen.real_name}（1958 年生，雁塔区）",
                         f"{citizen.username} / {citizen.id_number} / {citizen.phone}"))
            enterprise = self._confirmed(self._enterprise())
            rows.append((enterprise.username, "法人", f"{enterprise.org_name}（法定代表人 {enterprise.legal_rep_name}）",
                         f"{enterprise.username} / {enterprise.uscc} / {enterprise.phone}"))
        if self.created_orgs:
            self.stdout.write(self.style.WARNING(
                "未找到以下机构（load_xian 未运行？），已创建最小演示机构（is_demo）：" + "、".join(self.created_orgs)))
        self._print_table(rows)

    def _organisation(self, short_names: str | tuple[str, ...]):
        names = (short_names,) if isinstance(short_names, str) else short_names
        for name in names:
            found = organisation_by_short_name(name, exact=name in FALLBACK_ORGS)
            if found:
                return found
        return self._create_fallback(names[-1])

    def _create_fallback(self, short_name: str):
        name, kind, level, parent_short, division_code = FALLBACK_ORGS[short_name]
        parent = self._organisation(parent_short) if parent_short else None
        existing = organisation_named(parent=parent, name=name)
        if existing:  # same full name already there under another short name
            return existing
        self.created_orgs.append(short_name)
        return org_services.organisation_create(actor=None, name=name, short_name=short_name, kind=kind, level=level,
                                                division=_division(division_code), parent=parent, is_demo=True)

    def _journey_staff(self) -> list[tuple]:
        """One account per (organisation, role) a published item's journey needs and nobody over
        that organisation holds yet: after load_xian, every implementing agency gets its reviewer
        and approver and every hall its clerk, so no demo case waits forever."""
        rows, seen = [], set()
        needs = [pair for answer in hooks.call(DEMO_STAFF_NEEDED) for pair in (answer or [])]
        for organisation, role in sorted(needs, key=lambda p: (p[0].path, p[1])):
            if (organisation.pk, role) in seen or role not in GENERATED_PREFIXES:
                continue
            seen.add((organisation.pk, role))
            prefix, title = GENERATED_PREFIXES[role]
            username = f"{prefix}_{unit_slug(organisation)}"
            holders = role_holders_over(organisation, role)
            if holders:  # made by an earlier run: list it again, so every run prints the whole table
                rows.extend((u.username, "工作人员", f"{Role(role).label} @ {organisation.name}", u.username)
                            for u in holders if u.username in (username, f"{username}_{organisation.pk}"))
                continue
            if User.objects.filter(username=username).exists():  # two units of one kind: keep them apart
                username = f"{username}_{organisation.pk}"
            short = organisation.short_name or organisation.name
            user = self._staff(StaffSpec(username, f"{short}{title}", role, short))
            org_services.role_grant(actor=None, user=user, organisation=organisation, role=role)
            rows.append((user.username, "工作人员", f"{Role(role).label} @ {organisation.name}", user.username))
        return rows

    def _set_demo_password(self, user: User) -> None:
        if not user.check_password(DEMO_PASSWORD):
            services.user_set_password(actor=None, user=user, password=DEMO_PASSWORD)

    def _staff(self, spec: StaffSpec) -> User:
        user = User.objects.filter(username=spec.username).first()
        if user is None:
            user = services.staff_account_create(actor=None, username=spec.username, real_name=spec.real_name,
                                                 password=DEMO_PASSWORD)
        else:
            self._set_demo_password(user)
        if spec.superuser and not (user.is_superuser and user.is_staff):
            user = services.user_update(actor=None, user=user, is_superuser=True, is_staff=True)
        return user

    @staticmethod
    def _confirmed(user: User) -> User:
        # The demo people "confirmed" their phones at registration, so 忘记密码 works for them
        # (the demo SMS backend only logs; the code is in the SMS row of the notification outbox).
        if not user.phone_confirmed_at:
            User.objects.filter(pk=user.pk).update(phone_confirmed_at=timezone.now())
            user.refresh_from_db()
        return user

    def _citizen(self) -> User:
        user = User.objects.filter(username=CITIZEN["username"]).first()
        if user is None:
            return services.citizen_register(password=DEMO_PASSWORD, **CITIZEN)
        self._set_demo_password(user)
        return user

    def _enterprise(self) -> User:
        user = User.objects.filter(username=ENTERPRISE["username"]).first()
        if user is None:
            return services.enterprise_register(password=DEMO_PASSWORD, **ENTERPRISE)
        self._set_demo_password(user)
        return user

    def _print_table(self, rows) -> None:
        self.stdout.write(f"\n演示账户（密码均为 {DEMO_PASSWORD}）：")
        headers = ("用户名", "类型", "角色 / 身份", "登录方式")
        widths = [max(_width(str(r[i])) for r in [headers, *rows]) for i in range(4)]
        for row in [headers, tuple("-" * w for w in widths), *rows]:
            self.stdout.write("  ".join(_pad(str(cell), widths[i]) for i, cell in enumerate(row)).rstrip())


def _width(text: str) -> int:
    # CJK characters take two columns in a terminal.
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))
