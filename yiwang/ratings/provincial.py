"""The edge to the provincial 好差评 system (seed 001 §15: 与省政务服务“好差评”系统对接，评价同源、
数据实时全量上报): the record we send and the client that sends it.

Codes are translated here and only here. The rating stores meanings; the province receives its own
codes: the level by `policy.provincial_level_codes()` (GB/T 39046 order by default, the reversed
order or an explicit mapping where the provincial interface wants it), the channel by
`CHANNEL_CODES`.

The interface (as deployed by the province; the fields are ours to map): `POST {base}/evaluations`
with a JSON record and `Authorization: Bearer <token>`. 200/201 with `{"code": "0", "id": …}` is
accepted; 409 means the province already holds this record number and revision (accepted too:
the job is idempotent); other 4xx mean the record was refused (no retry: a person must look);
5xx, 429, timeouts and broken answers are retried later.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Protocol

from django.conf import settings

from yiwang.ratings import policy
from yiwang.ratings.constants import RatingChannel

# Channel codes of the provincial interface (unverified: the common 1–7 order of provincial
# 好差评 interfaces; adjust here when the province publishes its code table).
CHANNEL_CODES = {
    RatingChannel.PC: "1",
    RatingChannel.MOBILE: "2",
    RatingChannel.QR: "3",
    RatingChannel.TABLET: "4",
    RatingChannel.TERMINAL: "5",
    RatingChannel.PHONE: "6",
    RatingChannel.SMS: "7",
}


class UploadFailed(Exception):
    """A transient failure: try again later."""


class UploadRejected(Exception):
    """The province refused the record: retrying the same record will not help."""


class ProvincialClient(Protocol):
    def submit(self, record: dict) -> str:
        """Send one record; return the province's id for it. Raise UploadFailed / UploadRejected."""


def record_number(rating_id: int) -> str:
    prefix = getattr(settings, "YIWANG_RATINGS_PROVINCIAL_PREFIX", "XA")
    return f"{prefix}{rating_id:012d}"


def record_for(rating, *, revision: int) -> dict:
    """The provincial record of a rating (STANDARDS §4: case number, channel, rater, time, level,
    text, division), with what happened since: exclusion, rectification, follow-up."""
    levels = policy.provincial_level_codes()
    rater = rating.rater
    is_person = not getattr(rater, "uscc", "")
    record = {
        "recordNo": record_number(rating.pk),
        "revision": revision,
        "caseNumber": rating.case_number,
        "itemCode": rating.implementation.implementation_code,
        "itemName": rating.item_name,
        "agencyName": rating.agency.name,
        "agencyCode": rating.agency.uscc,
        "divisionCode": rating.division.code if rating.division_id else "",
        "stage": rating.stage,
        "channel": CHANNEL_CODES[rating.channel],
        "level": levels[rating.level],
        "reasons": list(rating.reasons),
        "comment": rating.comment,
        "ratedAt": rating.rated_at.isoformat(),
        "rater": {"type": "1" if is_person else "2", "name": rater.display_name,
                  "idNumber": rater.id_number if is_person else rater.uscc},
        "counted": rating.counts_in_statistics,
        "rectification": None,
    }
    rectification = getattr(rating, "rectification", None)
    if rectification is not None:
        record["rectification"] = {
            "status": rectification.status,
            "dueOn": rectification.due_on.isoformat(),
            "resultOn": rectification.result_on.isoformat() if rectification.result_on else None,
            "result": rectification.result_text,
            "followedUpOn": rectification.followed_up_on.isoformat() if rectification.followed_up_on else None,
            "followUpReached": rectification.follow_up_reached,
            "fixLevel": levels[rectification.fix_level] if rectification.fix_level else None,
        }
    return record


class HttpProvincialClient:
    """The real client: JSON over HTTPS with a bearer token (stdlib only; no payload is logged)."""

    def __init__(self, base_url: str, token: str, *, timeout: float = 10.0):
        if not base_url.startswith(("https://", "http://")):
            raise ValueError("YIWANG_RATINGS_PROVINCIAL_URL must be an http(s) URL")
        self.url = base_url.rstrip("/") + "/evaluations"
        self.token = token
        self.timeout = timeout

    def submit(self, record: dict) -> str:
        body = json.dumps(record, ensure_ascii=False).encode("utf-8")
        request = urllib.request.Request(self.url, data=body, method="POST", headers={  # noqa: S310
            "Content-Type": "application/json; charset=utf-8", "Authorization": f"Bearer {self.token}"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310 (scheme checked in __init__)
                return self._accepted(response.status, response.read())
        except urllib.error.HTTPError as exc:
            content = exc.read() if exc.fp else b""
            if exc.code == 409:
                return self._accepted(409, content)
            if exc.code == 429 or exc.code >= 500:
                raise UploadFailed(f"省级系统暂不可用（HTTP {exc.code}）") from None
            raise UploadRejected(f"省级系统拒收（HTTP {exc.code}）：{content[:200].decode('utf-8', 'replace')}") from None
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise UploadFailed(f"连接省级系统失败：{exc}"[:300]) from None

    @staticmethod
    def _accepted(status: int, content: bytes) -> str:
        try:
            answer = json.loads(content.decode("utf-8") or "{}")
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise UploadFailed(f"省级系统应答无法解析（HTTP {status}）") from None
        if not isinstance(answer, dict):
            raise UploadFailed(f"省级系统应答无法解析（HTTP {status}）")
        if status != 409 and (status not in (200, 201) or str(answer.get("code", "0")) != "0"):
            raise UploadFailed(f"省级系统应答异常（HTTP {status}）")
        return str(answer.get("id", ""))[:64]


def configured_client() -> ProvincialClient | None:
    """The client of the configured endpoint, or None when the upload is switched off."""
    url, token = policy.provincial_endpoint()
    return HttpProvincialClient(url, token) if url else None
