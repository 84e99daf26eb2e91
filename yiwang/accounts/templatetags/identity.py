"""Personal identifiers in templates: full to their owner, masked to everyone else.

    {% load identity %}
    {{ user_obj|id_for:request.user }}      6101**********123X unless request.user is user_obj
    {{ user_obj|phone_for:request.user }}   139****5678
    {{ user_obj|legal_rep_id_for:request.user }}
"""

from django import template

from yiwang.accounts.selectors import identifier_for_viewer

register = template.Library()


@register.filter
def id_for(subject, viewer) -> str:
    return identifier_for_viewer(subject=subject, viewer=viewer, field="id_number")


@register.filter
def phone_for(subject, viewer) -> str:
    return identifier_for_viewer(subject=subject, viewer=viewer, field="phone")


@register.filter
def legal_rep_id_for(subject, viewer) -> str:
    return identifier_for_viewer(subject=subject, viewer=viewer, field="legal_rep_id_number")
