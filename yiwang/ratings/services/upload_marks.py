"""Marking a rating's provincial record as changed (a new revision to send)."""

from __future__ import annotations

from django.db.models import F
from django.utils import timezone

from yiwang.ratings.constants import UploadState
from yiwang.ratings.models import ProvincialUpload


def upload_changed(rating) -> None:
    """The province must hear the rating's new state (an exclusion, a result, a follow-up): raise
    the revision and queue it at once; a failed row gets a fresh set of attempts."""
    ProvincialUpload.objects.filter(rating_id=rating.pk).update(
        revision=F("revision") + 1, state=UploadState.PENDING, attempts=0, next_attempt_at=timezone.now(),
        last_error="", updated_at=timezone.now())
