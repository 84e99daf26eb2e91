"""Who may change the working-day calendar: staff holding the administrator role."""

from yiwang.orgs.constants import Role
from yiwang.orgs.selectors import has_role


def can_manage_calendar(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "is_staff_member", False)
                and has_role(user, Role.ADMINISTRATOR))
