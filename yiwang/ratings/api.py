"""Ratings API: the citizen's own ratings, the channel systems (kiosk, phone system, SMS gateway),
the public code sets and indicators. Every error leaves as {"code", "message", "detail"}.

Channel systems (docs/ratings.md §API): a kiosk, the phone system or the SMS gateway calls with
its own bearer token (`manage.py register_rating_channel` links the token's account to a channel)
and says how it identified the applicant — the ID card in the reader (`id_card`: `id_number`, plus
`uscc` for an enterprise's legal representative) or the calling number (`phone_number`: `phone`).
The server checks that identity against the case's applicant; a staff account's token is refused.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from ninja import Router, Schema, Status
from pydantic import Field

from yiwang.accounts.auth import session_or_token
from yiwang.core.errors import MAX_DB_ID, FieldError, ValidationFailed
from yiwang.ratings import policy, selectors, services
from yiwang.ratings.access import access_case_to_rate, access_own_rating, applicant_via_channel
from yiwang.ratings.constants import (
    GBT_39046_CODES,
    BadReason,
    RatingChannel,
    RatingStage,
    SatisfactionLevel,
)

router = Router(tags=["ratings"], auth=session_or_token)

DbId = Annotated[int, Field(ge=1, le=MAX_DB_ID)]
Level = Literal["very_satisfied", "satisfied", "basically_satisfied", "dissatisfied", "very_dissatisfied"]
Stage = Literal["overall", "acceptance", "review", "delivery"]
Reason = Annotated[str, Field(max_length=40)]
ERRORS = {400: dict, 401: dict, 403: dict, 404: dict, 409: dict}


class CodeOut(Schema):
    value: str
    label: str
    gbt39046_code: str | None = None


class CodeSetsOut(Schema):
    levels: list[CodeOut]
    bad_levels: list[str]
    reasons: list[CodeOut]
    stages: list[CodeOut]
    channels: list[CodeOut]


class RectificationOut(Schema):
    status: str
    status_label: str
    due_on: date
    result_on: date | None
    result: str
    followed_up: bool
    fix_level: str


class RatingOut(Schema):
    id: int
    case_id: int
    case_number: str
    item_name: str
    agency: str
    stage: str
    level: str
    level_label: str
    channel: str
    reasons: list[str]
    comment: str
    rated_at: datetime
    counts_in_statistics: bool
    rectification: RectificationOut | None


class RatingIn(Schema):
    case_id: DbId
    stage: Stage = "overall"
    level: Level
    reasons: list[Reason] = Field(default_factory=list, max_length=len(BadReason.values))
    comment: str = Field("", max_length=500, description="必填于差评：遇到的问题")
    channel: Literal["pc", "mobile"] = "mobile"


class FixIn(Schema):
    level: Level
    comment: str = Field("", max_length=500)


class IdentityIn(Schema):
    identity_check: Literal["id_card", "phone_number"] = Field(
        description="id_card：读卡器读取的居民身份证（企业另附 uscc，身份证为法定代表人的）；phone_number：来电或短信号码")
    id_number: str = Field("", max_length=18)
    uscc: str = Field("", max_length=18)
    phone: str = Field("", max_length=20)


class RateableCaseOut(Schema):
    case_number: str
    item_name: str
    agency: str
    delivered_on: date | None


class RateableOut(Schema):
    cases: list[RateableCaseOut]


class ChannelRatingIn(IdentityIn):
    case_number: str = Field(min_length=1, max_length=40)
    stage: Stage = "overall"
    level: Level | None = Field(None, description="评价等级（含义）；与 gbt39046_code 二选一")
    gbt39046_code: Literal["1", "2", "3", "4", "5"] | None = Field(
        None, description="GB/T 39046 满意度代码（1 非常满意 … 5 非常不满意），如短信回复的数字")
    reasons: list[Reason] = Field(default_factory=list, max_length=len(BadReason.values))
    comment: str = Field("", max_length=500)


class ChannelRatingOut(Schema):
    id: int
    case_number: str
    level: str
    channel: str
    rated_at: datetime


class IndicatorOut(Schema):
    name: str
    ratings: int
    satisfaction_rate: float | None
    bad_rate: float | None
    rectification_rate: float | None
    on_time_rate: float | None
    follow_up_rate: float | None


class IndicatorsOut(Schema):
    since: date
    until: date
    minimum_sample: int
    rows: list[IndicatorOut]


def _rating_out(rating) -> dict:
    r = getattr(rating, "rectification", None)
    return {
        "id": rating.pk, "case_id": rating.case_id, "case_number": rating.case_number, "item_name": rating.item_name,
        "agency": rating.agency.name, "stage": rating.stage, "level": rating.level, "level_label": rating.get_level_display(),
        "channel": rating.channel, "reasons": list(rating.reasons), "comment": rating.comment, "rated_at": rating.rated_at,
        "counts_in_statistics": rating.counts_in_statistics,
        "rectification": None if r is None else {
            "status": r.status, "status_label": r.get_status_display(), "due_on": r.due_on, "result_on": r.result_on,
            "result": r.result_text if r.result_on else "", "followed_up": r.followed_up_on is not None,
            "fix_level": r.fix_level},
    }


def _choices(choices) -> list[dict]:
    return [{"value": v, "label": label} for v, label in choices]


@router.get("/code-sets", response=CodeSetsOut, auth=None, summary="评价等级、差评原因、环节与渠道代码")
def code_sets(request):
    codes = {level: code for code, level in GBT_39046_CODES.items()}
    return {"levels": [{"value": v, "label": label, "gbt39046_code": codes[v]} for v, label in SatisfactionLevel.choices],
            "bad_levels": ["dissatisfied", "very_dissatisfied"], "reasons": _choices(BadReason.choices),
            "stages": _choices(RatingStage.choices), "channels": _choices(RatingChannel.choices)}


@router.post("/", response={201: RatingOut, **ERRORS}, summary="申请人评价本人的办件")
def rate(request, payload: RatingIn):
    case = access_case_to_rate(actor=request.auth, case_id=payload.case_id)
    rating = services.rating_give(actor=request.auth, case=case, stage=payload.stage, level=payload.level,
                                  reasons=payload.reasons, comment=payload.comment, channel=payload.channel)
    return Status(201, _rating_out(rating))


@router.get("/mine", response={200: list[RatingOut], 401: dict}, summary="本人的评价及差评处理结果")
def my_ratings(request):
    return [_rating_out(r) for r in selectors.ratings_of_rater(request.auth)[:200]]


@router.get("/mine/{rating_id}", response={200: RatingOut, 401: dict, 404: dict}, summary="本人的一条评价")
def my_rating(request, rating_id: DbId):
    return _rating_out(access_own_rating(actor=request.auth, rating_id=rating_id))


@router.post("/mine/{rating_id}/fix", response={200: RatingOut, **ERRORS}, summary="评价差评的处理结果")
def rate_fix(request, rating_id: DbId, payload: FixIn):
    rating = access_own_rating(actor=request.auth, rating_id=rating_id)
    services.fix_rate(actor=request.auth, rating=rating, level=payload.level, comment=payload.comment)
    return _rating_out(access_own_rating(actor=request.auth, rating_id=rating_id))


@router.post("/channel/lookup", response={200: RateableOut, **ERRORS}, summary="渠道系统：查询已核验身份的申请人待评价的办件")
def channel_lookup(request, payload: IdentityIn):
    _, applicant = applicant_via_channel(actor=request.auth, identity_check=payload.identity_check,
                                         id_number=payload.id_number, uscc=payload.uscc, phone=payload.phone)
    return {"cases": [{"case_number": c.number, "item_name": c.version.name, "agency": c.agency.name,
                       "delivered_on": c.delivered_on} for c in selectors.cases_awaiting_rating(applicant)[:50]]}


@router.post("/channel/ratings", response={201: ChannelRatingOut, **ERRORS}, summary="渠道系统：提交申请人的评价")
def channel_rate(request, payload: ChannelRatingIn):
    if (payload.level is None) == (payload.gbt39046_code is None):
        raise ValidationFailed([FieldError("level", "required", "请提供 level（评价等级）或 gbt39046_code（代码）之一。")])
    level = payload.level or GBT_39046_CODES[payload.gbt39046_code]  # codes are translated here, at the edge
    rating = services.rating_give_via_channel(
        actor=request.auth, case_number=payload.case_number, identity_check=payload.identity_check,
        id_number=payload.id_number, uscc=payload.uscc, phone=payload.phone, level=level, reasons=payload.reasons,
        comment=payload.comment, stage=payload.stage)
    return Status(201, {"id": rating.pk, "case_number": rating.case_number, "level": rating.level,
                        "channel": rating.channel, "rated_at": rating.rated_at})


@router.get("/indicators", response={200: IndicatorsOut, 400: dict}, auth=None,
            summary="公开的好差评指标（评价数达到最小样本量的部门或区划）")
def public_indicators(request, by: Literal["agency", "district"] = "agency"):
    period = selectors.Period.last_year()
    rows = selectors.public_indicators(dimension=by, period=period)
    return {"since": period.since, "until": period.until, "minimum_sample": policy.min_public_sample(),
            "rows": [{"name": r.name, "ratings": r.ratings, "satisfaction_rate": r.satisfaction_rate, "bad_rate": r.bad_rate,
                      "rectification_rate": r.rectification_rate, "on_time_rate": r.on_time_rate,
                      "follow_up_rate": r.follow_up_rate} for r in rows]}
