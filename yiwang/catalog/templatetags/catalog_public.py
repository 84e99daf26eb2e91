"""Labels of a version for result rows (search, departments, life events, home)."""

from django import template

from yiwang.catalog import guide

register = template.Library()


@register.filter
def promised_limit(version) -> str:
    """"承诺 10 个工作日" or "即办"."""
    return guide.promised_limit_label(version)


@register.filter
def visits(version) -> str:
    """"零跑动" / "最多跑一次" / "到现场 2 次"."""
    return guide.visits_label(version)


@register.filter
def list_tags(version) -> list:
    return guide.list_tags(version)
