"""Template helpers of the appointment pages: one accessible form row (label, hint, error beside
the input with aria-describedby / aria-invalid), minutes as words, shares as percentages."""

from django import template

register = template.Library()


@register.inclusion_tag("appointments/_field_row.html")
def field_row(name, label, value="", error="", max_length=None, kind="text", hint=""):
    return {"name": name, "id": f"id_{name}", "label": label, "value": "" if value is None else value,
            "error": error, "max_length": max_length, "kind": kind, "hint": hint}


@register.filter
def minutes(value):
    """12.5 → "12.5 分钟"; None → "—"."""
    if value is None or value == "":
        return "—"
    return f"{value:g} 分钟" if isinstance(value, float) else f"{value} 分钟"


@register.filter
def percent(value):
    if value is None:
        return "—"
    return f"{value * 100:.1f}%"


@register.filter
def wait_minutes(ticket, now):
    """Minutes since the number was taken, for the waiting list."""
    return int((now - ticket.taken_at).total_seconds() // 60)
