"""Row locks of the ratings app, in one place and one order: rating before rectification before
appeal (an appeal decision touches all three; the loop's steps touch the rectification only)."""

from __future__ import annotations

from yiwang.ratings.models import ProvincialUpload, Rating, RatingAppeal, Rectification


def lock_rating(rating: Rating) -> Rating:
    list(Rating.objects.select_for_update().filter(pk=rating.pk).values_list("pk", flat=True))
    return rating


def lock_rectification(rectification: Rectification) -> Rectification:
    """Lock and re-read the row: a concurrent step may have moved it on since the page loaded."""
    fresh = Rectification.objects.select_for_update().get(pk=rectification.pk)
    for field in rectification._meta.concrete_fields:
        setattr(rectification, field.attname, getattr(fresh, field.attname))
    return rectification


def lock_appeal(appeal: RatingAppeal) -> RatingAppeal:
    fresh = RatingAppeal.objects.select_for_update().get(pk=appeal.pk)
    for field in appeal._meta.concrete_fields:
        setattr(appeal, field.attname, getattr(fresh, field.attname))
    return appeal


def claim_upload(upload_id: int) -> ProvincialUpload | None:
    """The upload row if no other worker holds it (SKIP LOCKED on PostgreSQL)."""
    return (ProvincialUpload.objects.select_for_update(skip_locked=True).select_related("rating")
            .filter(pk=upload_id).first())
