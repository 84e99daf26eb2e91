"""Giving a rating: by the real-name applicant only, once per case and stage, a bad one with reasons
and words; the invitation after delivery, once; signed links; channel systems; immutability."""

import datetime as dt
import time

import pytest
from django.core import signing

from yiwang.core import hooks
from yiwang.core.errors import Conflict, DomainError, NotFound, PermissionDenied, ValidationFailed
from yiwang.notifications.models import Notification
from yiwang.ratings import tokens
from yiwang.ratings.constants import RatingChannel, RectificationStatus
from yiwang.ratings.models import ProvincialUpload, Rating, RatingInvitation, Rectification
from yiwang.ratings.services import (
    channel_system_register,
    fix_rate,
    invitation_send,
    rating_give,
    rating_give_by_link,
    rating_give_via_channel,
)
from yiwang.ratings.tests.conftest import at

pytestmark = pytest.mark.django_db

BAD = {"level": "very_dissatisfied", "reasons": ["service_attitude"], "comment": "窗口人员不耐烦，解释不清。"}


def test_the_applicant_rates_a_delivered_case_once(rworld, deliver):
    case = deliver()
    rating = rating_give(actor=rworld.citizen, case=case, level="satisfied", comment="很快就办好了", channel="mobile")
    assert (rating.level, rating.channel, rating.rater, rating.stage) == ("satisfied", "mobile", rworld.citizen, "overall")
    # The snapshot of what was rated: agency, window, division, item, the clerk who served.
    assert (rating.agency, rating.outlet_id, rating.division, rating.staff) == (
        rworld.agency, case.outlet_id, rworld.city, rworld.clerk)
    assert rating.item_name == "食品经营许可（新办）" and rating.case_number == case.number
    assert not Rectification.objects.exists()  # a good rating opens no rectification
    assert ProvincialUpload.objects.get(rating=rating).revision == 1
    with pytest.raises(Conflict) as err:
        rating_give(actor=rworld.citizen, case=case, level="very_satisfied")
    assert err.value.code == "already_rated"


@pytest.mark.parametrize("who", ["clerk", "reviewer", "approver", "supervisor", "officer"])
def test_staff_can_never_rate_even_a_case_in_their_scope(rworld, deliver, who):
    case = deliver()
    with pytest.raises(PermissionDenied) as err:
        rating_give(actor=getattr(rworld, who), case=case, level="very_satisfied")
    assert err.value.code == "staff_cannot_rate"
    assert not Rating.objects.exists()


def test_another_citizen_cannot_rate_someone_elses_case(rworld, deliver):
    case = deliver()
    with pytest.raises(NotFound):
        rating_give(actor=rworld.other_citizen, case=case, level="very_satisfied")


def test_a_case_is_rated_only_after_delivery(rworld, submit):
    case = submit()
    with pytest.raises(Conflict) as err:
        rating_give(actor=rworld.citizen, case=case, level="satisfied")
    assert err.value.code == "rating_stage_not_open"


def test_a_bad_rating_needs_standard_reasons_and_words_and_opens_the_loop(rworld, deliver):
    case = deliver()
    with pytest.raises(ValidationFailed) as err:
        rating_give(actor=rworld.citizen, case=case, level="dissatisfied", comment="  ")
    assert {(e.field, e.code) for e in err.value.errors} == {
        ("reasons", "bad_rating_reasons_required"), ("comment", "bad_rating_comment_required")}
    with pytest.raises(ValidationFailed) as err:
        rating_give(actor=rworld.citizen, case=case, level="dissatisfied", reasons=["rude"], comment="态度差")
    assert err.value.errors[0].field == "reasons"
    rating = rating_give(actor=rworld.citizen, case=case, now=at(dt.date(2026, 11, 16)), **BAD)
    rectification = rating.rectification
    assert rectification.status == RectificationStatus.VERIFYING and rectification.unit == rworld.agency
    assert rectification.opened_on == dt.date(2026, 11, 16) and rectification.deadline_days == 15


def test_a_good_rating_may_add_words_but_names_no_reason(rworld, deliver):
    case = deliver()
    with pytest.raises(ValidationFailed) as err:
        rating_give(actor=rworld.citizen, case=case, level="satisfied", reasons=["efficiency"])
    assert err.value.errors[0].code == "reasons_for_good_rating"


@pytest.mark.parametrize("comment,code", [("很" * 501, "too_long"), ("好\x00", "control_characters"), (7, "invalid")])
def test_free_text_is_bounded_and_clean(rworld, deliver, comment, code):
    case = deliver()
    with pytest.raises(ValidationFailed) as err:
        rating_give(actor=rworld.citizen, case=case, level="satisfied", comment=comment)
    assert (err.value.errors[0].field, err.value.errors[0].code) == ("comment", code)


def test_unknown_level_stage_and_channel_are_refused_by_name(rworld, deliver):
    case = deliver()
    with pytest.raises(ValidationFailed) as err:
        rating_give(actor=rworld.citizen, case=case, level="5", stage="whole")
    assert {e.field for e in err.value.errors} == {"level", "stage"}
    with pytest.raises(ValidationFailed) as err:
        rating_give(actor=rworld.citizen, case=case, level="satisfied", channel="sms")
    assert err.value.errors[0].field == "channel"


def test_delivery_invites_once_by_inbox_and_sms(rworld, deliver):
    case = deliver()
    invitation = RatingInvitation.objects.get(case=case)
    assert invitation.rater == rworld.citizen and invitation.delivered_by == rworld.approver
    messages = Notification.objects.filter(recipient=rworld.citizen, topic="rating.invitation")
    assert sorted(messages.values_list("channel", flat=True)) == ["in_app", "sms"]
    sms = messages.get(channel="sms")
    assert "/ratings/r/" in sms.body and case.number in sms.body
    # The hook runs again (a retried delivery, a second handler call): nothing more goes out.
    hooks.call("case.delivered", case=case, actor=rworld.clerk)
    assert invitation_send(case=case, delivered_by=rworld.clerk) is None
    assert RatingInvitation.objects.filter(case=case).count() == 1 and messages.count() == 2


def _sms_token(citizen) -> str:
    body = Notification.objects.get(recipient=citizen, topic="rating.invitation", channel="sms").body
    return body.split("/ratings/r/")[1].split("/")[0]


def test_the_sms_link_rates_as_the_applicant_on_the_sms_channel(rworld, deliver):
    case = deliver()
    token = _sms_token(rworld.citizen)
    rating = rating_give_by_link(token=token, level="basically_satisfied")
    assert (rating.rater, rating.channel, rating.case) == (rworld.citizen, RatingChannel.SMS, case)
    with pytest.raises(Conflict):
        rating_give_by_link(token=token, level="very_satisfied")  # single use in effect


def test_a_link_opened_in_a_staff_or_another_persons_session_is_refused(rworld, deliver):
    deliver()
    token = _sms_token(rworld.citizen)
    with pytest.raises(PermissionDenied):
        rating_give_by_link(token=token, level="very_satisfied", session_user=rworld.clerk)
    with pytest.raises(NotFound):
        rating_give_by_link(token=token, level="very_satisfied", session_user=rworld.other_citizen)
    assert not Rating.objects.exists()
    assert rating_give_by_link(token=token, level="very_satisfied", session_user=rworld.citizen).rater == rworld.citizen


def test_forged_tampered_cross_purpose_and_expired_links_are_refused(rworld, deliver, settings, monkeypatch):
    case = deliver()
    other = deliver(rworld.other_citizen)
    forged = signing.dumps({"c": other.pk, "u": rworld.citizen.pk, "ch": "sms"}, salt="something-else")
    tampered = _sms_token(rworld.citizen)[:-2] + "xx"
    tablet_code = tokens.issue_for_tablet(case_id=case.pk, rater_id=rworld.citizen.pk)
    # A valid signature over someone else's case: the case is checked again, so it opens nothing.
    wrong_case = tokens.issue(case_id=other.pk, rater_id=rworld.citizen.pk, channel="sms")
    for token, code in ((forged, "rating_token_invalid"), (tampered, "rating_token_invalid"),
                        (tablet_code, "rating_token_invalid"), ("", "rating_token_invalid")):
        with pytest.raises(DomainError) as err:
            rating_give_by_link(token=token, level="satisfied")
        assert err.value.code == code
    with pytest.raises(NotFound):
        rating_give_by_link(token=wrong_case, level="satisfied")
    settings.YIWANG_RATINGS_LINK_DAYS = 1
    real = time.time
    with monkeypatch.context() as m:  # a link issued two days ago
        m.setattr(time, "time", lambda: real() - 2 * 86400)
        expired = tokens.issue(case_id=case.pk, rater_id=rworld.citizen.pk, channel="sms")
    with pytest.raises(DomainError) as err:
        rating_give_by_link(token=expired, level="satisfied")
    assert err.value.code == "rating_token_expired"
    assert not Rating.objects.exists()


def test_the_tablet_opens_the_phone_code_or_the_slip_and_records_the_tablet(rworld, deliver):
    case = deliver()
    code = tokens.issue_for_tablet(case_id=case.pk, rater_id=rworld.citizen.pk)
    assert rating_give_by_link(token=code, level="satisfied", tablet=True).channel == RatingChannel.TABLET
    second = deliver()
    slip = tokens.issue(case_id=second.pk, rater_id=rworld.citizen.pk, channel="qr")
    assert rating_give_by_link(token=slip, level="satisfied", tablet=True).channel == RatingChannel.TABLET
    third = deliver()
    sms = tokens.issue(case_id=third.pk, rater_id=rworld.citizen.pk, channel="sms")
    with pytest.raises(DomainError):  # an SMS link is the applicant's own phone, not a tablet code
        rating_give_by_link(token=sms, level="satisfied", tablet=True)


def test_a_channel_system_rates_for_the_applicant_it_identified(rworld, deliver):
    case = deliver()
    kiosk, _ = channel_system_register(actor=None, name="市政务服务中心自助终端 01", channel="terminal", username="kiosk01")
    sms_gateway, _ = channel_system_register(actor=None, name="短信平台", channel="sms", username="smsgw")
    with pytest.raises(NotFound):  # somebody else's card in the reader
        rating_give_via_channel(actor=kiosk.account, case_number=case.number, identity_check="id_card",
                                id_number=rworld.other_citizen.id_number, level="satisfied")
    with pytest.raises(ValidationFailed):  # the SMS gateway knows phone numbers, not ID cards
        rating_give_via_channel(actor=sms_gateway.account, case_number=case.number, identity_check="id_card",
                                id_number=rworld.citizen.id_number, level="satisfied")
    rating = rating_give_via_channel(actor=kiosk.account, case_number=case.number, identity_check="id_card",
                                     id_number=rworld.citizen.id_number, level="very_satisfied")
    assert (rating.rater, rating.channel, rating.entered_via, rating.identity_check) == (
        rworld.citizen, "terminal", kiosk, "id_card")


def test_a_personal_staff_token_is_not_a_channel_system(rworld, deliver):
    case = deliver()
    with pytest.raises(PermissionDenied) as err:
        rating_give_via_channel(actor=rworld.clerk, case_number=case.number, identity_check="id_card",
                                id_number=rworld.citizen.id_number, level="very_satisfied")
    assert err.value.code == "rating_channel_not_registered"


def test_a_rating_is_never_changed_or_deleted(rworld, deliver):
    case = deliver()
    rating = rating_give(actor=rworld.citizen, case=case, level="satisfied")
    rating.level = "very_satisfied"
    for call in (lambda: rating.save(), lambda: rating.save(update_fields=["level"]), rating.delete):
        with pytest.raises(DomainError) as err:
            call()
        assert err.value.code == "rating_immutable"
    assert Rating.objects.get(pk=rating.pk).level == "satisfied"


def test_the_fix_is_rated_once_by_the_rater_after_the_result(rworld, deliver):
    from yiwang.ratings.services import rectification_report, rectification_verify

    case = deliver()
    rating = rating_give(actor=rworld.citizen, case=case, **BAD)
    with pytest.raises(Conflict):
        fix_rate(actor=rworld.citizen, rating=rating, level="satisfied")
    rectification_verify(actor=rworld.officer, rectification=rating.rectification, finding_true=True,
                         finding_reasonable=True, finding_malicious=False, handling="fix_now", note="电话核实属实")
    rectification_report(actor=rworld.officer, rectification=rating.rectification, result_text="已约谈并培训窗口人员")
    with pytest.raises(PermissionDenied):
        fix_rate(actor=rworld.officer, rating=rating, level="very_satisfied")
    fix_rate(actor=rworld.citizen, rating=rating, level="satisfied", comment="态度改善了")
    with pytest.raises(Conflict):
        fix_rate(actor=rworld.citizen, rating=rating, level="very_satisfied")
    rating.rectification.refresh_from_db()
    assert rating.rectification.fix_level == "satisfied"
    assert Rating.objects.get(pk=rating.pk).level == "very_dissatisfied"  # the original stays as given
