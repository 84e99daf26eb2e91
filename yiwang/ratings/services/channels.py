"""Registering a channel system (kiosk, phone system, SMS gateway): its own account and API token."""

from __future__ import annotations

import secrets

from django.db import transaction

from yiwang.core.audit import record_event
from yiwang.core.errors import FieldError, PermissionDenied, ValidationFailed
from yiwang.ratings.constants import SYSTEM_CHANNELS, RatingChannel
from yiwang.ratings.models import ChannelSystem
from yiwang.ratings.services.inputs import clean_text


@transaction.atomic
def channel_system_register(*, actor, name: str, channel: str, username: str, outlet=None) -> tuple[ChannelSystem, str]:
    """A new system account (no roles: it can do nothing but post ratings of applicants it
    identified), its channel registration and a bearer token, shown once."""
    from yiwang.accounts.services import api_token_create, staff_account_create
    from yiwang.orgs.access import is_system_or_superuser

    if not is_system_or_superuser(actor):
        raise PermissionDenied("只有系统管理员可以登记评价渠道系统。", code="not_administrator")
    errors: list[FieldError] = []
    text = clean_text(name, field="name", label="名称", max_length=100, required=True, errors=errors)
    if channel not in SYSTEM_CHANNELS:
        labels = "、".join(f"{c.value}（{c.label}）" for c in RatingChannel if c in SYSTEM_CHANNELS)
        errors.append(FieldError("channel", "invalid_choice", f"渠道应为：{labels}。"))
    if errors:
        raise ValidationFailed(errors)
    # The account's name is a label for people reading the audit trail; the system's own name may hold digits.
    account = staff_account_create(actor=actor, username=username, real_name="好差评渠道系统",
                                   password=secrets.token_urlsafe(24))
    system = ChannelSystem.objects.create(name=text, account=account, channel=channel, outlet=outlet)
    _, token = api_token_create(actor=actor, user=account, name=f"好差评渠道：{text}"[:100])
    record_event(actor=actor, action="rating_channel.registered", obj=system, details={"channel": channel})
    return system, token
