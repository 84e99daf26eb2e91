"""Who may do what with policies and entitlements."""

from __future__ import annotations

from yiwang.core.errors import NotFound, PermissionDenied
from yiwang.orgs.constants import Role
from yiwang.orgs.selectors import has_role
from yiwang.policies.constants import EntitlementStatus, PolicyStatus
from yiwang.policies.models import Entitlement, Policy


def can_manage_policies(user) -> bool:
    """Policy officers keep the library (write, test, publish, withdraw)."""
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "is_staff_member", False)
                and has_role(user, Role.POLICY_OFFICER))


def require_policy_manager(user) -> None:
    if not can_manage_policies(user):
        raise PermissionDenied("仅政策管理人员可维护政策库。")


def policy_actions_for(*, actor, policy: Policy) -> set[str]:
    if not can_manage_policies(actor):
        return set()
    actions = {"edit", "test"}
    if policy.status != PolicyStatus.PUBLISHED:
        actions.add("publish")
    else:
        actions |= {"withdraw", "rematch"}
    return actions


def is_applicant(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and not getattr(user, "is_staff_member", False))


def access_entitlement(*, actor, entitlement_id) -> Entitlement:
    """The actor's own entitlement (another's looks missing, so existence is not leaked)."""
    try:
        entitlement = Entitlement.objects.select_related("policy").get(pk=int(entitlement_id), user_id=actor.pk)
    except (Entitlement.DoesNotExist, TypeError, ValueError):
        raise NotFound("未找到该待遇。") from None
    return entitlement


def entitlement_actions_for(entitlement: Entitlement) -> set[str]:
    return {"confirm", "decline"} if entitlement.status == EntitlementStatus.OFFERED else set()
