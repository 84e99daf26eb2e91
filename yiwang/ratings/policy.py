"""Local practice, configurable with the defaults of STANDARDS §4 (settings `YIWANG_RATINGS_*`).

STANDARDS §4: a complex bad rating is fixed within a deadline — locally 5 or 15 working days,
default 15. The rest are this platform's defaults, written down in docs/ratings.md."""

from __future__ import annotations

from django.conf import settings

from yiwang.ratings.constants import GBT_39046_CODES, REVERSED_CODES, SatisfactionLevel


def _int(name: str, default: int, *, low: int = 0, high: int = 3650) -> int:
    value = int(getattr(settings, name, default))
    if not low <= value <= high:
        raise ValueError(f"{name} must lie in [{low}, {high}], got {value}")
    return value


def rectification_days() -> int:
    """Working days to report the result of a bad rating, counted from the day it was given."""
    return _int("YIWANG_RATINGS_RECTIFY_DAYS", 15, low=1, high=60)


def appeal_days() -> int:
    """Working days after the rating within which the rated unit may appeal."""
    return _int("YIWANG_RATINGS_APPEAL_DAYS", 5, low=1, high=60)


def min_public_sample() -> int:
    """Fewest ratings a unit needs before its figures are published (small samples mislead)."""
    return _int("YIWANG_RATINGS_MIN_SAMPLE", 30, low=1, high=100000)


def approval_required() -> bool:
    """Whether every result goes to a leader before the rater hears it (else the officer chooses)."""
    return bool(getattr(settings, "YIWANG_RATINGS_APPROVAL_REQUIRED", False))


def follow_up_attempts() -> int:
    """Unanswered follow-up calls after which the follow-up ends as 'not reached'."""
    return _int("YIWANG_RATINGS_FOLLOW_UP_ATTEMPTS", 3, low=1, high=20)


def invitation_link_days() -> int:
    """How long the signed link in the invitation SMS (and on the window's slip) stays valid."""
    return _int("YIWANG_RATINGS_LINK_DAYS", 30, low=1, high=365)


def tablet_link_minutes() -> int:
    """How long the code an applicant's phone shows to the hall tablet stays valid."""
    return _int("YIWANG_RATINGS_TABLET_MINUTES", 30, low=1, high=24 * 60)


def provincial_level_codes() -> dict[str, str]:
    """meaning -> code of the provincial interface. `YIWANG_RATINGS_PROVINCIAL_LEVEL_CODES` is
    "gbt39046" (1 = 非常满意, the default), "reversed" (5 = 非常满意) or a mapping {meaning: code}."""
    setting = getattr(settings, "YIWANG_RATINGS_PROVINCIAL_LEVEL_CODES", "gbt39046")
    if setting == "gbt39046":
        return {level: code for code, level in GBT_39046_CODES.items()}
    if setting == "reversed":
        return {level: code for code, level in REVERSED_CODES.items()}
    if isinstance(setting, dict) and set(setting) == set(SatisfactionLevel.values) \
            and len(set(setting.values())) == len(setting):
        return {str(k): str(v) for k, v in setting.items()}
    raise ValueError("YIWANG_RATINGS_PROVINCIAL_LEVEL_CODES: 'gbt39046', 'reversed' or a one-to-one "
                     "mapping of all five levels to codes")


def provincial_endpoint() -> tuple[str, str]:
    """(base URL, bearer token) of the provincial system; an empty URL switches the upload off."""
    return (getattr(settings, "YIWANG_RATINGS_PROVINCIAL_URL", "") or "",
            getattr(settings, "YIWANG_RATINGS_PROVINCIAL_TOKEN", "") or "")


def provincial_max_attempts() -> int:
    return _int("YIWANG_RATINGS_PROVINCIAL_MAX_ATTEMPTS", 8, low=1, high=100)
