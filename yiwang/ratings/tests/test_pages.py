"""The ratings pages over HTTP: the applicant rates from the case page, the links and the tablet refuse
staff sessions, the unit works the loop, supervisors decide appeals and read indicators, the public
page applies the sample size, and the admin is read-only."""

import datetime as dt
import re

import pytest
from django.test import Client

from yiwang.notifications.models import Notification
from yiwang.ratings import tokens
from yiwang.ratings.constants import RectificationStatus as S
from yiwang.ratings.models import Rating, RatingAppeal, Rectification
from yiwang.ratings.services import appeal_file, rating_give, rectifications_mark_overdue
from yiwang.ratings.tests.conftest import at

pytestmark = pytest.mark.django_db

BAD = {"level": "very_dissatisfied", "reasons": ["service_attitude", "service_competence"], "comment": "解释不清，态度生硬。"}
PHONE = "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Mobile Safari/537.36"


def logged_in(user, **kwargs):
    client = Client(**kwargs)
    client.force_login(user)
    return client


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_the_case_page_offers_the_form_and_a_phone_rating_lands_on_mobile(rworld, deliver):
    case = deliver()
    client = logged_in(rworld.citizen, HTTP_USER_AGENT=PHONE)
    page = client.get(f"/cases/mine/{case.pk}/")
    assert page.status_code == 200
    body = page.content.decode()
    assert 'id="rating-title"' in body and f'action="/ratings/cases/{case.pk}/"' in body and "非常不满意" in body
    response = client.post(f"/ratings/cases/{case.pk}/", {"level": "satisfied", "comment": "", "next": f"/cases/mine/{case.pk}/"})
    assert response.status_code == 302 and response["Location"] == f"/cases/mine/{case.pk}/"
    rating = Rating.objects.get()
    assert (rating.channel, rating.level) == ("mobile", "satisfied")
    assert "您已评价" in text(client.get(f"/cases/mine/{case.pk}/"))


def test_a_bad_rating_without_reasons_comes_back_with_the_errors_and_what_was_typed(rworld, deliver):
    case = deliver()
    client = logged_in(rworld.citizen)
    response = client.post(f"/ratings/cases/{case.pk}/", {"level": "dissatisfied", "comment": "等太久"})
    assert response.status_code == 400
    body = response.content.decode()
    assert 'href="#f-reasons"' in body and "至少勾选一项" in body and "等太久" in body
    assert 'id="level-dissatisfied" value="dissatisfied" checked' in body
    assert "<script" not in body.split("<main")[1]  # no inline script (the CSP to come)
    assert not Rating.objects.exists()


def test_staff_cannot_open_or_post_the_rating_pages(rworld, deliver):
    case = deliver()
    for who in ("clerk", "approver", "officer", "supervisor"):
        client = logged_in(getattr(rworld, who))
        assert client.get(f"/ratings/cases/{case.pk}/").status_code == 403
        assert client.post(f"/ratings/cases/{case.pk}/", {"level": "very_satisfied"}).status_code == 403
        assert client.get("/ratings/mine/").status_code == 403
    token = tokens.issue(case_id=case.pk, rater_id=rworld.citizen.pk, channel="qr")
    clerk = logged_in(rworld.clerk)  # the hall tablet left logged in as a clerk
    refused = clerk.post(f"/ratings/tablet/{token}/", {"level": "very_satisfied"})
    assert refused.status_code == 403 and "工作人员不能评价" in text(refused)
    assert clerk.get(f"/ratings/r/{token}/").status_code == 403
    assert not Rating.objects.exists()


def test_the_sms_link_works_without_logging_in(rworld, deliver):
    case = deliver()
    body = Notification.objects.get(recipient=rworld.citizen, topic="rating.invitation", channel="sms").body
    path = "/ratings/r/" + body.split("/ratings/r/")[1].split()[0]
    anonymous = Client()
    page = anonymous.get(path)
    assert page.status_code == 200 and case.number in text(page) and "王*英" in text(page)
    done = anonymous.post(path, {"level": "very_satisfied"})
    assert done.status_code == 200 and "感谢您的评价" in text(done)
    assert Rating.objects.get().channel == "sms"
    assert "已经评价过了" in text(anonymous.get(path))
    assert anonymous.get("/ratings/r/not-a-token/").status_code == 400


def test_the_hall_tablet_reads_a_scanned_code_and_returns_for_the_next_person(rworld, deliver):
    case = deliver()
    phone = logged_in(rworld.citizen)
    shown = phone.get(f"/ratings/cases/{case.pk}/tablet/")
    assert shown.status_code == 200 and "<svg" in shown.content.decode()
    assert '<svg role="img" aria-label="评价二维码"' in shown.content.decode()
    code = tokens.issue_for_tablet(case_id=case.pk, rater_id=rworld.citizen.pk)
    tablet = Client()
    scanned = tablet.post("/ratings/tablet/", {"code": f"http://testserver/ratings/tablet/{code}/"})
    assert scanned.status_code == 302 and scanned["Location"] == f"/ratings/tablet/{code}/"
    assert tablet.post("/ratings/tablet/", {"code": "<script>"}).status_code == 400
    done = tablet.post(f"/ratings/tablet/{code}/", {"level": "satisfied"})
    assert done.status_code == 200 and 'href="/ratings/tablet/"' in done.content.decode()  # back for the next person
    assert Rating.objects.get().channel == "tablet"


def test_the_window_prints_a_slip_only_for_a_delivered_unrated_case(rworld, deliver, submit):
    case = deliver()
    clerk = logged_in(rworld.clerk)
    window_page = clerk.get(f"/cases/window/cases/{case.pk}/")
    assert f"/ratings/window/cases/{case.pk}/slip/" in window_page.content.decode()
    slip = clerk.get(f"/ratings/window/cases/{case.pk}/slip/")
    assert slip.status_code == 200 and "<svg" in slip.content.decode() and "工作人员不能代为评价" in text(slip)
    assert logged_in(rworld.yanta_clerk).get(f"/ratings/window/cases/{case.pk}/slip/").status_code == 404
    rating_give(actor=rworld.citizen, case=case, level="satisfied")
    assert clerk.get(f"/ratings/window/cases/{case.pk}/slip/").status_code == 409
    panel = re.search(r'<section id="rating".*?</section>', clerk.get(f"/cases/window/cases/{case.pk}/").content.decode(), re.S)
    assert "申请人已评价" in panel.group(0) and "满意" not in panel.group(0)  # the clerk never sees the level


def test_the_unit_works_the_loop_through_its_pages(rworld, deliver):
    case = deliver()
    rating = rating_give(actor=rworld.citizen, case=case, **BAD)
    r = rating.rectification
    officer = logged_in(rworld.officer)
    listing = officer.get("/ratings/work/")
    assert listing.status_code == 200 and case.number in text(listing) and "剩余 15 个工作日" in text(listing)
    page = officer.get(f"/ratings/work/{r.pk}/")
    assert rworld.citizen.phone not in page.content.decode()  # the phone only on request
    shown = officer.post(f"/ratings/work/{r.pk}/", {"action": "reveal_contact"})
    assert rworld.citizen.phone in shown.content.decode()
    bad = officer.post(f"/ratings/work/{r.pk}/", {"action": "verify", "finding_true": "yes", "note": ""})
    assert bad.status_code == 400 and 'href="#f-verify-finding_reasonable"' in bad.content.decode()
    ok = officer.post(f"/ratings/work/{r.pk}/", {"action": "verify", "finding_true": "yes", "finding_reasonable": "yes",
                                                  "finding_malicious": "no", "handling": "fix_now", "note": "电话核实属实"})
    assert ok.status_code == 302
    officer.post(f"/ratings/work/{r.pk}/", {"action": "submit_for_approval", "result_text": "已对窗口人员进行业务培训"})
    r.refresh_from_db()
    assert r.status == S.AWAITING_APPROVAL
    leader = logged_in(rworld.leader)
    assert "审核同意" not in text(officer.get(f"/ratings/work/{r.pk}/"))
    leader.post(f"/ratings/work/{r.pk}/", {"action": "approve", "note": "同意"})
    officer.post(f"/ratings/work/{r.pk}/", {"action": "follow_up", "reached": "yes", "accepted": "yes", "note": "回访认可"})
    r.refresh_from_db()
    assert r.status == S.CLOSED
    citizen = logged_in(rworld.citizen)
    detail = citizen.get(f"/ratings/mine/{rating.pk}/")
    assert "已对窗口人员进行业务培训" in text(detail) and "评价处理结果" in text(detail)
    assert "差评原因 工作人员服务态度差；工作人员业务不熟、解释不清" in text(detail)
    citizen.post(f"/ratings/mine/{rating.pk}/", {"level": "satisfied", "comment": "有改进"})
    r.refresh_from_db()
    assert r.fix_level == "satisfied"
    assert logged_in(rworld.yanta_officer).get(f"/ratings/work/{r.pk}/").status_code == 404
    assert logged_in(rworld.clerk).get("/ratings/work/").status_code == 403


def test_supervisors_see_overdue_warnings_and_decide_appeals(rworld, deliver):
    rating = rating_give(actor=rworld.citizen, case=deliver(), now=at(dt.date(2026, 9, 28)), **BAD)
    rectifications_mark_overdue(today=dt.date(2026, 10, 26))
    appeal = appeal_file(actor=rworld.officer, rectification=rating.rectification, ground="malicious",
                         reason="评价人来电承认是误操作", today=dt.date(2026, 9, 29))
    supervisor = logged_in(rworld.supervisor)
    page = supervisor.get("/ratings/supervision/")
    assert page.status_code == 200
    assert "超期未反馈的差评整改（1）" in text(page) and "待复核的申诉（1）" in text(page)
    assert logged_in(rworld.officer).get(f"/ratings/supervision/appeals/{appeal.pk}/").status_code == 200
    refused = logged_in(rworld.officer).post(f"/ratings/supervision/appeals/{appeal.pk}/", {"upheld": "yes", "reason": "自己定"})
    assert refused.status_code == 400 and "上级单位" in text(refused)
    supervisor.post(f"/ratings/supervision/appeals/{appeal.pk}/", {"upheld": "yes", "reason": "经核实为误操作"})
    appeal.refresh_from_db()
    assert appeal.status == "upheld" and Rectification.objects.get().status == S.EXCLUDED
    assert "超期未反馈的差评整改（0）" in text(supervisor.get("/ratings/supervision/"))
    assert "不计入统计" in text(logged_in(rworld.citizen).get(f"/ratings/mine/{rating.pk}/"))


def test_the_indicator_page_draws_svg_charts_without_script(rworld, deliver):
    rating_give(actor=rworld.citizen, case=deliver(), level="satisfied")
    page = logged_in(rworld.supervisor).get("/ratings/indicators/?by=staff")
    body = page.content.decode()
    assert page.status_code == 200 and body.count("<svg") == 3 and "各工作人员满意率" in body
    assert "100.0%" in body and "<script" not in body.split("<main")[1]
    assert "cdn" not in body.lower()
    assert logged_in(rworld.supervisor).get("/ratings/indicators/?since=2026-13-01").status_code == 200
    assert logged_in(rworld.citizen).get("/ratings/indicators/").status_code == 403


def test_the_public_page_applies_the_sample_size(rworld, deliver, settings):
    for level in ("satisfied", "very_satisfied", "satisfied"):
        rating_give(actor=rworld.citizen, case=deliver(), level=level)
    anonymous = Client()
    assert "暂无达到公布条件的部门" in text(anonymous.get("/ratings/"))
    settings.YIWANG_RATINGS_MIN_SAMPLE = 3
    page = text(anonymous.get("/ratings/"))
    assert "西安市市场监督管理局 3 100.0%" in page and "评价数达到 3 条" in page
    assert rworld.citizen.real_name not in page


def test_the_admin_is_read_only_even_for_a_superuser(rworld, deliver):
    from yiwang.accounts.tests.factories import StaffFactory

    rating = rating_give(actor=rworld.citizen, case=deliver(), **BAD)
    admin = StaffFactory(is_superuser=True, is_staff=True)
    client = logged_in(admin)
    assert client.get("/admin/ratings/rating/").status_code == 200
    assert client.get("/admin/ratings/rating/add/").status_code == 403
    view = client.get(f"/admin/ratings/rating/{rating.pk}/change/")
    assert view.status_code == 200 and 'name="level"' not in view.content.decode()
    changed = client.post(f"/admin/ratings/rating/{rating.pk}/change/", {"level": "very_satisfied", "comment": "改好评"})
    assert changed.status_code == 403
    assert client.post(f"/admin/ratings/rating/{rating.pk}/delete/", {"post": "yes"}).status_code == 403
    bulk = client.post("/admin/ratings/rating/", {"action": "delete_selected", "_selected_action": [rating.pk]})
    assert bulk.status_code in (200, 302)
    kept = Rating.objects.get(pk=rating.pk)
    assert (kept.level, kept.comment) == ("very_dissatisfied", BAD["comment"])
    assert client.get(f"/admin/ratings/rectification/{rating.rectification.pk}/change/").status_code == 200
    assert client.post(f"/admin/ratings/rectification/{rating.rectification.pk}/change/", {"status": "closed"}).status_code == 403
    assert Rectification.objects.get().status == S.VERIFYING and not RatingAppeal.objects.exists()
