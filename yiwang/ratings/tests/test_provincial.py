"""The provincial upload against a local fake of the provincial endpoint (real HTTP on a free port):
codes translated at the edge (and configurable), idempotency, retries with back-off, refusals."""

import datetime as dt

import pytest
from django.utils import timezone

from yiwang.ratings.constants import UploadState
from yiwang.ratings.models import ProvincialUpload
from yiwang.ratings.provincial import record_number
from yiwang.ratings.services import (
    provincial_upload_retry,
    provincial_upload_run,
    rating_give,
    rectification_report,
    rectification_verify,
)
from yiwang.ratings.tests.fake_province import FakeProvince

pytestmark = pytest.mark.django_db


@pytest.fixture
def province(settings):
    fake = FakeProvince().start()
    settings.YIWANG_RATINGS_PROVINCIAL_URL = fake.url
    settings.YIWANG_RATINGS_PROVINCIAL_TOKEN = fake.token
    yield fake
    fake.stop()


@pytest.fixture
def two_ratings(rworld, deliver):
    good = rating_give(actor=rworld.citizen, case=deliver(), level="satisfied", comment="快")
    bad = rating_give(actor=rworld.citizen, case=deliver(), level="very_dissatisfied", reasons=["service_attitude"],
                      comment="态度差")
    return good, bad


def _sent(fake, rating, revision=1):
    return fake.records[(record_number(rating.pk), revision)]


def test_records_arrive_once_with_the_gbt_39046_codes(province, two_ratings, rworld):
    good, bad = two_ratings
    report = provincial_upload_run()
    assert len(report.sent) == 2 and province.requests == 2
    record = _sent(province, good)
    assert (record["level"], record["channel"], record["caseNumber"]) == ("2", "1", good.case_number)
    assert record["rater"] == {"type": "1", "name": rworld.citizen.real_name, "idNumber": rworld.citizen.id_number}
    assert record["divisionCode"] == "610100" and record["agencyName"] == "西安市市场监督管理局"
    assert _sent(province, bad)["level"] == "5" and _sent(province, bad)["rectification"]["status"] == "verifying"
    # Running again sends nothing: every row is at its sent revision.
    assert provincial_upload_run().sent == [] and province.requests == 2
    upload = ProvincialUpload.objects.get(rating=good)
    assert (upload.state, upload.sent_revision, upload.remote_id) == (UploadState.SENT, 1, record["_id"])


def test_the_reversed_code_order_is_a_setting(province, two_ratings, settings):
    settings.YIWANG_RATINGS_PROVINCIAL_LEVEL_CODES = "reversed"
    good, bad = two_ratings
    provincial_upload_run()
    assert (_sent(province, good)["level"], _sent(province, bad)["level"]) == ("4", "1")


def test_an_explicit_mapping_is_checked(settings, two_ratings):
    from yiwang.ratings.policy import provincial_level_codes

    settings.YIWANG_RATINGS_PROVINCIAL_LEVEL_CODES = {"very_satisfied": "A", "satisfied": "A"}
    with pytest.raises(ValueError):
        provincial_level_codes()
    settings.YIWANG_RATINGS_PROVINCIAL_LEVEL_CODES = {"very_satisfied": "10", "satisfied": "8", "basically_satisfied": "6",
                                                      "dissatisfied": "4", "very_dissatisfied": "2"}
    assert provincial_level_codes()["basically_satisfied"] == "6"


def test_transient_failures_back_off_then_succeed(province, two_ratings):
    good, _ = two_ratings
    now = timezone.now()
    province.fail_next = 3  # both rows fail on the first run, the first row once more on the second
    report = provincial_upload_run(now=now)
    assert report.sent == [] and len(report.retrying) == 2
    upload = ProvincialUpload.objects.get(rating=good)
    assert (upload.attempts, upload.next_attempt_at, upload.state) == (1, now + dt.timedelta(minutes=1), UploadState.PENDING)
    assert "503" in upload.last_error
    assert provincial_upload_run(now=now + dt.timedelta(seconds=30)).retrying == []  # not due yet: nothing sent
    assert province.requests == 2
    report = provincial_upload_run(now=now + dt.timedelta(minutes=1))
    assert len(report.retrying) == 1 and len(report.sent) == 1
    upload.refresh_from_db()
    assert (upload.attempts, upload.next_attempt_at) == (2, now + dt.timedelta(minutes=3))  # 1 + 2 minutes
    report = provincial_upload_run(now=now + dt.timedelta(minutes=3))
    assert report.sent == [upload.pk]
    assert len(province.records) == 2


def test_a_lost_answer_is_repeated_harmlessly(province, two_ratings):
    good, bad = two_ratings
    province.lose_next = 1  # the first record arrives but its answer is lost
    now = timezone.now()
    first = provincial_upload_run(now=now)
    assert len(first.retrying) == 1 and len(first.sent) == 1
    second = provincial_upload_run(now=now + dt.timedelta(minutes=5))
    assert len(second.sent) == 1  # the province answers 409: it already holds this record and revision
    assert len(province.records) == 2
    assert {u.state for u in ProvincialUpload.objects.all()} == {UploadState.SENT}


def test_a_refused_record_fails_at_once_and_an_administrator_sends_it_again(province, two_ratings, rworld):
    good, _ = two_ratings
    province.reject_next = 1
    report = provincial_upload_run()
    assert len(report.failed) == 1
    failed = ProvincialUpload.objects.get(state=UploadState.FAILED)
    assert "拒收" in failed.last_error and failed.attempts == 1
    assert provincial_upload_run().failed == []  # a failed row waits for a person
    from yiwang.core.errors import Conflict

    with pytest.raises(Conflict):
        provincial_upload_retry(actor=rworld.clerk, upload=failed)
    provincial_upload_retry(actor=None, upload=failed)
    assert provincial_upload_run().sent == [failed.pk]


def test_attempts_run_out(province, two_ratings, settings):
    settings.YIWANG_RATINGS_PROVINCIAL_MAX_ATTEMPTS = 2
    province.fail_next = 10
    now = timezone.now()
    provincial_upload_run(now=now)
    report = provincial_upload_run(now=now + dt.timedelta(hours=1))
    assert len(report.failed) == 2
    assert set(ProvincialUpload.objects.values_list("state", flat=True)) == {UploadState.FAILED}


def test_a_wrong_token_is_a_refusal(province, two_ratings, settings):
    settings.YIWANG_RATINGS_PROVINCIAL_TOKEN = "wrong"
    assert len(provincial_upload_run().failed) == 2 and province.records == {}


def test_a_rectification_result_goes_up_as_a_new_revision(province, two_ratings, rworld):
    _, bad = two_ratings
    provincial_upload_run()
    r = bad.rectification
    rectification_verify(actor=rworld.officer, rectification=r, finding_true=True, finding_reasonable=True,
                         finding_malicious=False, handling="fix_now", note="属实")
    rectification_report(actor=rworld.officer, rectification=r, result_text="已批评教育当事人")
    assert provincial_upload_run().sent == [bad.provincial_upload.pk]
    second = _sent(province, bad, revision=2)
    assert second["rectification"]["status"] == "following_up" and second["rectification"]["result"] == "已批评教育当事人"
    assert (record_number(bad.pk), 1) in province.records  # the first revision stays as it was


def test_without_an_endpoint_the_upload_is_off(two_ratings, settings):
    settings.YIWANG_RATINGS_PROVINCIAL_URL = ""
    report = provincial_upload_run()
    assert report.skipped and set(ProvincialUpload.objects.values_list("state", flat=True)) == {UploadState.PENDING}


def test_an_unreachable_endpoint_is_retried(two_ratings, settings):
    settings.YIWANG_RATINGS_PROVINCIAL_URL = "http://127.0.0.1:9"  # the discard port: nobody listens
    report = provincial_upload_run()
    assert len(report.retrying) == 2
    assert "连接省级系统失败" in ProvincialUpload.objects.first().last_error
