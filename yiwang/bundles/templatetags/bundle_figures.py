"""How bundle figures read on a page: reductions as "减少 30.6%", days without trailing zeros."""

from decimal import Decimal

from django import template

from yiwang.bundles.presenters import NECESSITY, SOURCE, copies

register = template.Library()


@register.filter
def reduction(value) -> str:
    if value is None:
        return "—"
    value = Decimal(value)
    if value > 0:
        return f"减少 {value:.1f}%"
    if value < 0:
        return f"增加 {-value:.1f}%"
    return "持平"


@register.filter
def days(value) -> str:
    if value is None:
        return "—"
    value = Decimal(value)
    return str(int(value)) if value == value.to_integral_value() else format(value.normalize(), "f")


@register.filter
def necessity_label(value: str) -> str:
    return NECESSITY.get(value, value)


@register.filter
def source_label(value: str) -> str:
    return SOURCE.get(value, value)


@register.filter
def material_copies(material) -> str:
    return copies(material)


@register.filter
def member_name(members: dict, member_id) -> str:
    member = members.get(member_id)
    return member.name if member else ""


@register.filter
def get_item(mapping, key):
    return (mapping or {}).get(key)
