from django import template

from yiwang.ratings.constants import STARS

register = template.Library()


@register.filter
def field_errors(errors, name: str) -> list[str]:
    """The messages of one input (PageErrors.by_field)."""
    return getattr(errors, "by_field", {}).get(name, []) if errors else []


@register.filter
def stars(level: str) -> str:
    n = STARS.get(level, 0)
    return "★" * n + "☆" * (5 - n)


@register.filter
def percent(value) -> str:
    return "—" if value is None else f"{value:.1%}"
