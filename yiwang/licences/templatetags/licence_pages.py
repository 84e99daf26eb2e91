"""Display helpers for the licence pages: status and outcome tones."""

from django import template

from yiwang.licences.constants import LicenceStatus, VerificationOutcome

register = template.Library()

_STATUS_TONE = {
    LicenceStatus.VALID: "green", LicenceStatus.EXPIRED: "yellow", LicenceStatus.REVOKED: "red",
    LicenceStatus.CANCELLED: "red", LicenceStatus.WITHDRAWN: "red", LicenceStatus.SUPERSEDED: "",
}
_OUTCOME_NOTICE = {
    VerificationOutcome.VALID: "success", VerificationOutcome.EXPIRED: "warning", VerificationOutcome.SUPERSEDED: "warning",
    VerificationOutcome.TOKEN_EXPIRED: "warning",
}


@register.filter
def licence_tone(status: str) -> str:
    return _STATUS_TONE.get(status, "")


@register.filter
def licence_status_label(status: str) -> str:
    return LicenceStatus(status).label if status in LicenceStatus.values else status


@register.filter
def outcome_notice(outcome: str) -> str:
    return _OUTCOME_NOTICE.get(outcome, "error")


@register.filter
def outcome_label(outcome: str) -> str:
    return VerificationOutcome(outcome).label if outcome in VerificationOutcome.values else outcome


@register.filter
def percent(value) -> str:
    """0.1234 → 12.3%."""
    try:
        return f"{float(value) * 100:.1f}%"
    except (TypeError, ValueError):
        return ""
