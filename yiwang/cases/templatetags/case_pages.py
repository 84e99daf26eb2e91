"""Small display helpers for the case pages: the tone (colour tag) of a status and of a clock,
what a status means for the page (`facts`), file sizes, the errors of one input from a page's
ErrorList, and the panels higher apps add to a case page. No rules: the clock's colour is computed
by yiwang.cases.deadlines (selectors.case_clock), who may act by access.case_actions_for.

    {% load case_pages %}
    <span class="tag tag--{{ case.status|status_tone }}">{{ case.get_status_display }}</span>
    <span class="tag tag--{{ clock|clock_tone }}">{{ clock.label }}</span>
    {% with state=case.status|facts %}{% if state.revoked %}…{% endif %}{% endwith %}
    {% for panel in panels %}{% case_panel panel %}{% endfor %}
"""

from django import forms, template
from django.template.loader import get_template

from yiwang.cases.constants import CaseStatus, TaskStatus, WarningKind
from yiwang.cases.lifecycle import status_facts

register = template.Library()

_STATUS_TONE = {
    CaseStatus.AWAITING_CONFIRMATION: "yellow",
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
    """The clock's tag colour, as deadlines.clock_tone computed it for the clock's day."""
    return getattr(clock, "tone", "") if clock is not None else ""


@register.filter
def facts(status: str):
    """What a status means for the page (lifecycle.status_facts)."""
    return status_facts(status)


_WARNING_TONE = {WarningKind.OVERDUE: "red", WarningKind.DUE_SOON: "yellow", WarningKind.ACCEPTANCE_LATE: "red",
                 WarningKind.DELIVERY_LATE: "red", WarningKind.DEFERRED_MATERIALS_OVERDUE: "red",
                 WarningKind.COMMITMENT_VERIFICATION_DUE: "yellow"}


@register.filter
def task_status_tone(status: str) -> str:
    return "blue" if status == TaskStatus.CLAIMED else ""


@register.filter
def warning_tone(kind: str) -> str:
    return _WARNING_TONE.get(kind, "")


@register.simple_tag(takes_context=True)
def case_panel(context, panel) -> str:
    """A panel a higher app answered to the cases.case_page_panels hook: (template, context)."""
    template_name, panel_context = panel
    request = context.get("request")
    return get_template(template_name).render({**panel_context}, request)


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
    return isinstance(bound_field.field.widget, forms.RadioSelect | forms.CheckboxSelectMultiple)
