"""Who may act on which account: the one place accounts decides it (pages, admin, API, services).

Superusers and the system (actor None: seed and demo commands) manage every account. A holder of
the administrator role manages staff accounts whose every role lies inside the administrator's
scope (orgs.access.can_administer; a role covers its organisation's subtree). Citizens and
enterprises change their own accounts.
"""

from __future__ import annotations

from django.db.models import QuerySet

from yiwang.accounts.constants import UserKind
from yiwang.core.errors import PermissionDenied
from yiwang.orgs.access import can_administer, is_system_or_superuser
from yiwang.orgs.constants import Role
from yiwang.orgs.selectors import grants_of, has_role, holders_of_grants_outside


def require_system_or_superuser(actor, doing: str) -> None:
    if actor is None or (getattr(actor, "is_superuser", False) and getattr(actor, "is_active", False)):
        return
    raise PermissionDenied(f"无权{doing}：需要超级管理员。", code="not_superuser")


def can_manage_staff(actor) -> bool:
    """May create staff accounts: the system, an active superuser, or an active administrator."""
    if actor is None or (getattr(actor, "is_superuser", False) and getattr(actor, "is_active", False)):
        return True
    return bool(getattr(actor, "is_active", False) and has_role(actor, Role.ADMINISTRATOR))


def can_manage_user(actor, user) -> bool:
    """Superusers and the system manage every account; an administrator manages staff accounts
    whose every role lies inside the administrator's scope (a new staff account has none yet);
    citizens and enterprises are changed by themselves or a superuser."""
    if is_system_or_superuser(actor):
        return True
    if not getattr(actor, "is_active", False) or user.kind != UserKind.STAFF or user.is_superuser:
        return False
    if not can_manage_staff(actor):
        return False
    return all(can_administer(actor, g.organisation) for g in grants_of(user))


def can_change_account(actor, user) -> bool:
    """May change `user`'s identity, status or password: a manager of the account, or its owner."""
    return can_manage_user(actor, user) or (actor is not None and getattr(actor, "pk", None) == user.pk)


def can_manage_tokens_of(actor, *, user_id: int) -> bool:
    """May create or revoke API tokens of account `user_id`: the system, a superuser, the owner."""
    return actor is None or bool(getattr(actor, "is_superuser", False)) or getattr(actor, "pk", None) == user_id


def users_visible_to(actor, users: QuerySet) -> QuerySet:
    """The accounts of `users` that `actor` may see in the admin: all for the system and superusers;
    for an administrator, staff accounts (not superusers) with no role outside the actor's scope."""
    if is_system_or_superuser(actor):
        return users
    outside = holders_of_grants_outside(actor, Role.ADMINISTRATOR)
    return users.filter(kind=UserKind.STAFF, is_superuser=False).exclude(pk__in=outside)
