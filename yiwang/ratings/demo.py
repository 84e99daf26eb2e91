"""Demo data of 好差评 (`manage.py load_demo`, after load_xian and load_demo_accounts). Idempotent.

Everything goes through the real services: applicants file 预包装食品经营备案 (市市场监管局) and
留学人员就业报到 (市教育局); the window clerk accepts, the approver decides, the result goes out by
mail and is delivered — the delivery hook sends the invitation — and the applicants rate. Dates are
spread over the last weeks (working days), so the loop's clocks show real states:

- 市市场监管局 gets more ratings than the public minimum sample (30), 市教育局 fewer (not published);
- bad ratings in every state of the loop: closed (fixed, followed up, the fix rated), reported and
  waiting for the follow-up call (王秀英's, so the demo citizen sees the answer), being rectified,
  overdue (flagged by the sweep), and one with an appeal waiting for the higher level;
- 王秀英 also has a delivered case she has not rated yet.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, time

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

DEMO_PASSWORD = "Demo-2026-xian"  # noqa: S105 (public on purpose: docs/ratings.md, README)
# The smallest PDF a parser accepts (uploads are parsed: yiwang.core.file_safety).
PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
       b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 10 10]>>endobj\nxref\n0 4\n0000000000 65535 f \n"
       b"0000000009 00000 n \n0000000052 00000 n \n0000000101 00000 n \n"
       b"trailer<</Size 4/Root 1 0 R>>\nstartxref\n162\n%%EOF\n")
MARKET_ITEM = ("市市场监管局", "预包装食品经营备案")
EDU_ITEM = ("市教育局", "留学人员就业报到")

# username, name, role, organisation (short name; "" = the market agency's parent government)
STAFF = [
    ("rating_officer", "赵敏", "rating_officer", "市市场监管局"),
    ("leader_market", "钱伟", "leader", "市市场监管局"),
    ("rating_officer_edu", "李想", "rating_officer", "市教育局"),
    ("rating_officer_city", "孙丽", "rating_officer", ""),
]
RATERS = [("rater01", "陈建国"), ("rater02", "刘芳"), ("rater03", "杨洋"), ("rater04", "黄丽娟"), ("rater05", "周杰"),
          ("rater06", "吴敏"), ("rater07", "徐磊"), ("rater08", "孙静"), ("rater09", "马强"), ("rater10", "朱红"),
          ("rater11", "胡斌")]
GOOD_WORDS = ["窗口人员很耐心，一次就办好了。", "网上提交后很快就受理了。", "", "流程清楚，材料一次说明白。", "", "比预想的快。"]
# (rater index, working days ago, level or a loop state for a bad rating)
MARKET = [(i % 11, 2 + (i * 7) % 38, level) for i, level in enumerate(
    ["very_satisfied"] * 17 + ["satisfied"] * 8 + ["basically_satisfied"] * 2)] + [
    (3, 12, "bad:closed"), (5, 6, "bad:rectifying"), (7, 26, "bad:overdue"), (8, 1, "bad:appeal"),
    (-1, 9, "bad:following_up"),
]
EDU = [(0, 8, "very_satisfied"), (4, 15, "satisfied"), (9, 4, "basically_satisfied")]
BAD_TEXT = {
    "bad:closed": (["service_efficiency"], "排队等了一个多小时，只开了一个窗口。", "fix_now",
                   "高峰时段增开两个食品经营备案窗口，并在大厅公示预约办理方式。"),
    "bad:following_up": (["guide_accuracy", "convenience"], "办事指南没写清楚要带营业执照原件，白跑了一趟。",
                         "fix_by_deadline", "已修订办事指南，写明须携带营业执照原件，并在网上申请页面增加提示。"),
    "bad:rectifying": (["service_attitude"], "窗口人员说话很冲，问两遍就不耐烦。", "fix_by_deadline", ""),
    "bad:overdue": (["efficiency"], "材料交了一周才受理。", "", ""),
    "bad:appeal": (["other"], "不满意。", "", ""),
}


def _user_model():
    return get_user_model()


def _organisations():
    """The market agency, the education bureau and their government, found through the catalog."""
    from yiwang.catalog.selectors import published_versions

    found = {}
    for key, (agency, name) in (("market", MARKET_ITEM), ("edu", EDU_ITEM)):
        version = (published_versions().select_related("implementation__agency__parent")
                   .filter(implementation__agency__short_name=agency, name=name).first())
        if version is None:
            return None
        found[key] = version
    return found


def _staff(username, name):
    from yiwang.accounts.services import staff_account_create, user_set_password

    user = _user_model().objects.filter(username=username).first()
    if user is None:
        return staff_account_create(actor=None, username=username, real_name=name, password=DEMO_PASSWORD)
    if not user.check_password(DEMO_PASSWORD):
        user_set_password(actor=None, user=user, password=DEMO_PASSWORD)
    return user


def _rater(n: int, username: str, name: str):
    from yiwang.accounts.services import citizen_register
    from yiwang.core.identifiers import with_id_check_digit

    user = _user_model().objects.filter(username=username).first()
    if user is None:
        user = citizen_register(real_name=name, id_number=with_id_check_digit(f"61011319{75 + n}0{1 + n % 9}1{n % 10}1{n:02d}"),
                                phone=f"1390912{n:04d}", password=DEMO_PASSWORD, username=username)
    return user


def _form(version, applicant) -> dict:
    """The applicant's profile, and plausible answers to the rest of the item's form."""
    from yiwang.cases.selectors import version_form_fields
    from yiwang.cases.services import prefill_from_profile

    values = prefill_from_profile(version=version, applicant=applicant)
    text = {"premises.address": "西安市雁塔区小寨东路 1 号", "employment.employer": "西安市某科技有限公司",
            "matter.description": "办理留学人员就业报到。"}
    for field in version_form_fields(version):
        element = field.data_element
        if not field.required or element.key in values:
            continue
        if element.data_type in ("choice", "multi_choice") and element.options:
            first = element.options[0]["value"]
            values[element.key] = [first] if element.data_type == "multi_choice" else first
        else:
            values[element.key] = text.get(element.key, "演示")
    return values


def _at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


class _Loader:
    def __init__(self, staff: dict, versions: dict, today: date):
        self.staff, self.versions, self.today = staff, versions, today
        self.files: dict[int, int] = {}
        self.count = 0

    def delivered_case(self, version, applicant, day: date, *, approver):
        from yiwang.cases.selectors import version_requirements
        from yiwang.cases.services import application_submit, case_accept, case_decide, case_deliver, stored_file_create

        if applicant.pk not in self.files:
            self.files[applicant.pk] = stored_file_create(actor=applicant, owner=applicant,
                                                          upload=SimpleUploadedFile("材料.pdf", PDF)).pk
        materials = {str(r.pk): {"file": self.files[applicant.pk]} for r in version_requirements(version)
                     if r.necessity == "required"}
        application = application_submit(actor=applicant, applicant=applicant, implementation_id=version.implementation_id,
                                         form_data=_form(version, applicant), materials=materials, today=day,
                                         delivery={"method": "mail", "address": "西安市雁塔区小寨东路 1 号"})
        case = application.cases.get()
        case_accept(actor=self.staff["clerk"], case=case, today=day)
        case_decide(actor=approver, case=case, decision="approved", reasons="材料齐全，符合条件。", today=day)
        case_deliver(actor=self.staff["clerk"], case=case, tracking_number=f"EMS{9800000000 + case.pk}CN", today=day)
        case.refresh_from_db()
        self.count += 1
        return case

    def rate(self, case, rater, day: date, level: str, n: int):
        from yiwang.ratings import services

        if not level.startswith("bad:"):
            return services.rating_give(actor=rater, case=case, level=level, comment=GOOD_WORDS[n % len(GOOD_WORDS)],
                                        channel="mobile" if n % 3 else "pc", now=_at(day, 9 + n % 8))
        reasons, comment, handling, result = BAD_TEXT[level]
        rating = services.rating_give(actor=rater, case=case, level="very_dissatisfied" if n % 2 else "dissatisfied",
                                      reasons=reasons, comment=comment, channel="mobile", now=_at(day, 15))
        self.loop(rating, level, day, handling, result)
        return rating

    def loop(self, rating, state: str, day: date, handling: str, result: str):
        from yiwang.ratings import services
        from yiwang.workdays.time_limits import add_working_days

        officer = self.staff["rating_officer"]
        r = rating.rectification
        if state == "bad:appeal":
            services.appeal_file(actor=officer, rectification=r, ground="malicious", today=self.today,
                                 reason="评价人未说明任何具体问题；电话联系时表示是随手点选，愿意更正，但评价提交后不能修改。")
            return
        if state == "bad:overdue":
            return
        services.rectification_verify(actor=officer, rectification=r, finding_true=True, finding_reasonable=True,
                                      finding_malicious=False, handling=handling,
                                      note="已电话联系评价人，调取当日窗口记录，情况属实。")
        if state == "bad:rectifying":
            return
        reported = min(add_working_days(day, 3).due_date, self.today)
        services.rectification_report(actor=officer, rectification=r, result_text=result, today=reported)
        if state == "bad:closed":
            services.rectification_follow_up(actor=officer, rectification=r, reached=True, accepted=True,
                                             note="电话回访，评价人认可整改措施。", today=reported)
            services.fix_rate(actor=rating.rater, rating=rating, level="satisfied", comment="现在排队快多了。")


def load(*, stdout) -> None:
    from yiwang.orgs.services import role_grant
    from yiwang.ratings.models import Rating
    from yiwang.ratings.services import rectifications_mark_overdue
    from yiwang.workdays.time_limits import add_working_days

    versions = _organisations()
    if versions is None:
        stdout.write("  好差评演示数据需要西安事项目录（load_xian），已跳过。")
        return
    users = _user_model().objects
    if users.filter(username__in=("clerk", "approver", "approver_edu", "citizen")).count() != 4:
        stdout.write("  好差评演示数据需要演示账户（load_demo_accounts），已跳过。")
        return
    market = versions["market"].implementation.agency
    orgs = {"市市场监管局": market, "市教育局": versions["edu"].implementation.agency, "": market.parent}
    with transaction.atomic():
        staff = {u.username: u for u in users.filter(username__in=("clerk", "approver", "approver_edu"))}
        for username, name, role, org in STAFF:
            staff[username] = _staff(username, name)
            role_grant(actor=None, user=staff[username], organisation=orgs[org], role=role)
        raters = [_rater(n + 1, username, name) for n, (username, name) in enumerate(RATERS)]
    citizen = users.get(username="citizen")
    if Rating.objects.filter(rater__in=raters).exists():
        stdout.write("  好差评演示数据已存在。")
        return
    # Status SMS of some forty demo cases would flood the console: hold the console sender back.
    sms_log = logging.getLogger("yiwang.notifications")
    level = sms_log.level
    sms_log.setLevel(logging.ERROR)
    try:
        today = timezone.localdate()
        loader = _Loader(staff, versions, today)
        with transaction.atomic():
            for n, (who, ago, what) in enumerate(MARKET):
                rater = citizen if who < 0 else raters[who]
                day = add_working_days(today, -ago).due_date
                case = loader.delivered_case(versions["market"], rater, day, approver=staff["approver"])
                loader.rate(case, rater, min(add_working_days(day, n % 2).due_date, today), what, n)
            for n, (who, ago, what) in enumerate(EDU):
                day = add_working_days(today, -ago).due_date
                case = loader.delivered_case(versions["edu"], raters[who], day, approver=staff["approver_edu"])
                loader.rate(case, raters[who], day, what, n)
            loader.delivered_case(versions["market"], citizen, add_working_days(today, -1).due_date,
                                  approver=staff["approver"])  # 王秀英 has not rated this one yet
            flagged = rectifications_mark_overdue(today=today)
    finally:
        sms_log.setLevel(level)
    stdout.write(f"  好差评：{loader.count} 个已送达的演示办件，{Rating.objects.count()} 条评价，"
                 f"{flagged} 条超期整改预警。演示账户（密码 {DEMO_PASSWORD}）："
                 + "、".join(f"{u}（{n}）" for u, n, _, _ in STAFF) + "；评价人 rater01–rater11。")
