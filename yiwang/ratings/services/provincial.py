"""The upload to the provincial rating system: an idempotent job with retries.

Each rating has one `ProvincialUpload` row. The job sends the row's current revision; success sets
`sent_revision`, so running the job again sends nothing new. A row is claimed with SKIP LOCKED, so
two workers never send the same row at once; the province de-duplicates on (record number,
revision), so a send whose answer was lost is harmless when repeated. Transient failures back off
exponentially (1, 2, 4 … minutes, at most 6 hours) until `policy.provincial_max_attempts()`; then,
and at once for a refused record, the row is `failed` and waits for a person (admin action).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from yiwang.core.audit import record_event
from yiwang.core.errors import Conflict
from yiwang.ratings import policy
from yiwang.ratings.constants import UploadState
from yiwang.ratings.locks import claim_upload
from yiwang.ratings.models import ProvincialUpload, Rating
from yiwang.ratings.provincial import ProvincialClient, UploadFailed, UploadRejected, configured_client, record_for

MAX_BACKOFF = timedelta(hours=6)


@dataclass
class UploadReport:
    sent: list[int] = field(default_factory=list)
    retrying: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    skipped: bool = False  # upload switched off (no endpoint configured)


def _backoff(attempts: int) -> timedelta:
    return min(timedelta(minutes=2 ** max(attempts - 1, 0)), MAX_BACKOFF)


def provincial_upload_run(*, client: ProvincialClient | None = None, now: datetime | None = None,
                          limit: int = 200) -> UploadReport:
    """Send what is due. Idempotent and safe to run from several workers at once."""
    client = client or configured_client()
    report = UploadReport()
    if client is None:
        report.skipped = True
        return report
    now = now or timezone.now()
    due = list(ProvincialUpload.objects.filter(state=UploadState.PENDING, next_attempt_at__lte=now)
               .order_by("next_attempt_at", "id").values_list("pk", flat=True)[:limit])
    for upload_id in due:
        outcome = _upload_one(upload_id, client=client, now=now)
        if outcome:
            getattr(report, outcome).append(upload_id)
    return report


@transaction.atomic
def _upload_one(upload_id: int, *, client: ProvincialClient, now: datetime) -> str:
    upload = claim_upload(upload_id)
    if upload is None or upload.state != UploadState.PENDING or upload.sent_revision >= upload.revision:
        return ""
    rating = (Rating.objects.select_related("rater", "agency", "division", "implementation", "rectification")
              .get(pk=upload.rating_id))
    revision = upload.revision
    upload.attempts += 1
    upload.last_attempt_at = now
    try:
        remote_id = client.submit(record_for(rating, revision=revision))
    except UploadRejected as exc:
        upload.state, upload.last_error = UploadState.FAILED, str(exc)[:300]
        outcome = "failed"
    except UploadFailed as exc:
        upload.last_error = str(exc)[:300]
        if upload.attempts >= policy.provincial_max_attempts():
            upload.state, outcome = UploadState.FAILED, "failed"
        else:
            upload.next_attempt_at, outcome = now + _backoff(upload.attempts), "retrying"
    else:
        upload.sent_revision, upload.sent_at, upload.state = revision, now, UploadState.SENT
        upload.remote_id, upload.last_error = remote_id or upload.remote_id, ""
        outcome = "sent"
    upload.save(update_fields=["attempts", "last_attempt_at", "state", "last_error", "next_attempt_at", "sent_revision",
                               "sent_at", "remote_id", "updated_at"])
    if outcome != "retrying":
        record_event(actor="provincial-upload", action=f"provincial_upload.{outcome}", obj=upload,
                     details={"rating": rating.pk, "revision": revision, "error": upload.last_error})
    return outcome


@transaction.atomic
def provincial_upload_retry(*, actor, upload: ProvincialUpload) -> ProvincialUpload:
    """An administrator sends a failed record again (after fixing what the province refused)."""
    from yiwang.orgs.access import is_system_or_superuser
    from yiwang.orgs.constants import Role
    from yiwang.orgs.selectors import has_role

    if not (is_system_or_superuser(actor) or has_role(actor, Role.ADMINISTRATOR)):
        raise Conflict("只有系统管理员可以重新上报。", code="not_administrator")
    upload = ProvincialUpload.objects.select_for_update().get(pk=upload.pk)
    if upload.state != UploadState.FAILED:
        raise Conflict("只有上报失败的记录需要重新上报。", code="upload_not_failed")
    upload.state, upload.attempts, upload.next_attempt_at = UploadState.PENDING, 0, timezone.now()
    upload.save(update_fields=["state", "attempts", "next_attempt_at", "updated_at"])
    record_event(actor=actor, action="provincial_upload.retry", obj=upload)
    return upload
