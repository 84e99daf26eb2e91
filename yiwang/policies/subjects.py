"""From a licences profile (as `licences.selectors.profile_attributes` gives it) to the values
rules are written over. Pure: the day of matching is passed in."""

from __future__ import annotations

import datetime as dt

from yiwang.policies.constants import ATTRIBUTES, SubjectKind


def full_years(since: dt.date | None, on: dt.date) -> int | None:
    """Whole years from `since` to `on` (an age; a 29 February start counts from 1 March)."""
    if since is None:
        return None
    return on.year - since.year - ((on.month, on.day) < (since.month, since.day))


def subject_attributes(profile: dict, *, on: dt.date) -> dict:
    """The rule attributes of one subject; an unregistered value is None."""
    if profile["kind"] == SubjectKind.PERSON:
        return {
            "age": full_years(profile.get("birth_date"), on),
            "residence_division": profile.get("residence_division") or None,
            # The profile's empty grade reads 无 (no disability certificate on record).
            "disability_grade": profile.get("disability_grade") or "none",
            "employment_status": profile.get("employment_status") or None,
            "household_kind": profile.get("household_kind") or None,
            "household_size": profile.get("household_size"),
        }
    return {
        "industry_code": profile.get("industry_code") or None,
        "enterprise_size": profile.get("enterprise_size") or None,
        "district": profile.get("district") or None,
        "credit_grade": profile.get("credit_grade") or None,
        "years_since_founding": full_years(profile.get("founded_on"), on),
        "employees": profile.get("employees"),
    }


def attributes_of_kind(kind: str) -> list[str]:
    return [a.name for a in ATTRIBUTES.values() if a.subject_kind == kind]
