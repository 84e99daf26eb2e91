"""Small display helpers for the case pages: the tone (colour tag) of a status and of a clock,
file sizes, and the errors of one input from a page's ErrorList.

    {% load case_pages %}
    <span class="tag tag--{{ case.status|status_tone }}">{{ case.get_status_display }}</span>
    <span class="tag tag--{{ clock|clock_tone }}">{{ clock.label }}</span>
"""

from django import template

from yiwang.cases.constants import CaseStatus

register = template.Library()

_STATUS_TONE = {
    CaseStatus.SUBMITTED: "blue", CaseStatus.CORRECTION_REQUESTED: "yellow", CaseStatus.REFUSED: "red",
    CaseStatus.ACCEPTED: "blue", CaseStatus.UNDER_REVIEW: "blue", CaseStatus.SUSPENDED: "yellow",
    CaseStatus.APPROVED: "green", CaseStatus.DENIED: "red", CaseStatus.CONCLUDED: "green", CaseStatus.DELIVERED: "green",
    CaseStatus.WITHDRAWN: "", CaseStatus.TERMINATED: "red", CaseStatus.REVOKED: "red",
}


@register.filter
def status_tone(status: str) -> str:
    return _STATUS_TONE.get(status, "")


@register.filter
def clock_tone(clock) -> str:
    """red: overdue; yellow: within the warning window (monitoring's rule) or flagged by monitoring;
    green: running with time left; blue: paused; none: not running."""
    from yiwang.cases.services.monitoring import yellow_days

    if clock is None or clock.stopped or clock.due_on is None:
        return ""
    if clock.paused:
        return "blue"
    remaining = clock.remaining_working_days
    if clock.colour == "red" or (remaining is not None and remaining < 0):
        return "red"
    if clock.colour == "yellow" or (remaining is not None and remaining <= yellow_days()):
        return "yellow"
    return "green"


@register.filter
def errors_for(errors, name: str) -> list[str]:
    return errors.for_field(name) if errors else []


@register.filter
def filesize(size) -> str:
    try:
        size = int(size)
    except (TypeError, ValueError):
        return ""
    if size < 1024:
        return f"{size} 字节"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / 1048576:.1f} MB"


@register.filter
def days_left_label(days) -> str:
    if days is None:
        return ""
    if days < 0:
        return f"已超期 {-days} 个工作日"
    if days == 0:
        return "今天到期"
    return f"剩余 {days} 个工作日"


@register.filter
def days_tone(days) -> str:
    if days is None:
        return ""
    return "red" if days <= 0 else "yellow" if days <= 1 else "green"


@register.filter
def is_choice_group(bound_field) -> bool:
    """Radio buttons and checkbox lists are a group: a fieldset with a legend, not a label."""
    from django import forms

    return isinstance(bound_field.field.widget, forms.RadioSelect | forms.CheckboxSelectMultiple)


@register.inclusion_tag("cases/_hook_panels.html", takes_context=True)
def case_page_panels(context, case, audience: str):
    """What higher apps show on a case page (licences, ratings, bundles): the answers of the
    `cases.case_page_panels` hook, each a (template name, context) pair or None."""
    from yiwang.core import hooks

    request = context.get("request")
    actor = getattr(request, "user", None)
    panels = [p for p in hooks.call("cases.case_page_panels", case=case, actor=actor, audience=audience) if p]
    return {"panels": panels, "request": request}
