"""Signed single-purpose rating links (the SMS invitation, the window's slip, the hall tablet).

A token names one case and its applicant and says which channel it was issued for; it is signed
with the site's secret (HMAC, django.core.signing) under a salt of its own, so it can open nothing
but that applicant's rating screen for that case, and cannot be forged or re-pointed at another
case. It is single-use in effect: once the case is rated, the unique constraint refuses a second
rating. Nothing is stored: the rating service checks the case and applicant again on use.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core import signing

from yiwang.core.errors import DomainError
from yiwang.ratings import policy
from yiwang.ratings.constants import ErrorCode, RatingChannel

_SALT = "yiwang.ratings.rate-case.v1"
# Tablet codes are short-lived and signed apart: a slip's link does not become a tablet code.
_TABLET_SALT = "yiwang.ratings.rate-case-at-tablet.v1"
MAX_TOKEN_LENGTH = 300


@dataclass(frozen=True)
class RatingLink:
    case_id: int
    rater_id: int
    channel: str  # RatingChannel the link was issued for


def issue(*, case_id: int, rater_id: int, channel: str) -> str:
    """A link token for the SMS invitation or the printed slip (channel sms or qr)."""
    if channel not in (RatingChannel.SMS, RatingChannel.QR):
        raise ValueError("rating links are issued for the sms or qr channel")
    return signing.dumps({"c": case_id, "u": rater_id, "ch": channel}, salt=_SALT, compress=True)


def issue_for_tablet(*, case_id: int, rater_id: int) -> str:
    """The code the applicant's own phone shows to the hall tablet."""
    return signing.dumps({"c": case_id, "u": rater_id}, salt=_TABLET_SALT, compress=True)


def _load(token: str, *, salt: str, max_age: int) -> dict:
    token = (token or "").strip()
    if not token or len(token) > MAX_TOKEN_LENGTH or not token.isprintable():
        raise DomainError("评价链接无效，请使用短信或二维码中的完整链接。", code=ErrorCode.TOKEN_INVALID, field="token")
    try:
        return signing.loads(token, salt=salt, max_age=max_age)
    except signing.SignatureExpired:
        raise DomainError("评价链接已过期。您仍可登录后在“我的办件”中评价。", code=ErrorCode.TOKEN_EXPIRED,
                          field="token") from None
    except signing.BadSignature:
        raise DomainError("评价链接无效，请使用短信或二维码中的完整链接。", code=ErrorCode.TOKEN_INVALID,
                          field="token") from None


def read(token: str) -> RatingLink:
    data = _load(token, salt=_SALT, max_age=policy.invitation_link_days() * 86400)
    return RatingLink(int(data["c"]), int(data["u"]), str(data["ch"]))


def read_tablet(token: str) -> RatingLink:
    data = _load(token, salt=_TABLET_SALT, max_age=policy.tablet_link_minutes() * 60)
    return RatingLink(int(data["c"]), int(data["u"]), RatingChannel.TABLET)
