"""Who may change the working-day calendar: staff holding the administrator role.

The calendar sits below the organisation tree (app order, docs/architecture.md), so it cannot read
role grants itself. It asks through the named hook `workdays.may_manage_calendar(user)`; orgs,
which owns the roles, answers it (orgs.access.may_manage_calendar, registered in OrgsConfig.ready).
Nobody answering yes (orgs not installed) means nobody may: the safe default.
"""

from yiwang.core import hooks

MAY_MANAGE_CALENDAR = "workdays.may_manage_calendar"


def can_manage_calendar(user) -> bool:
    if not (getattr(user, "is_authenticated", False) and getattr(user, "is_staff_member", False)):
        return False
    return any(hooks.call(MAY_MANAGE_CALENDAR, user=user))
