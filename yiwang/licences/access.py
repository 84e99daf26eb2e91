"""Who may see and do what with licences and profiles. Missing and forbidden look alike (not found).

- A **holder** sees the licences whose holder identifier is theirs (matched by blind index, so a
  licence imported before the person registered shows up too) and their own profile.
- **Licence officers** (and administrators) see and change licences whose issuing agency lies in
  the subtree where their role is granted.
- **Profiles**: staff in the roles below see a profile when the subject's division (residence for
  a person, district for an enterprise) lies within the division of an organisation where they
  hold the role; a role at the city government covers the whole city. Only licence officers and
  administrators edit. Every staff view is recorded (services.profiles.profile_record_access).
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from yiwang.core.errors import NotFound
from yiwang.licences.constants import ErrorCode, LicenceStatus
from yiwang.licences.lifecycle import STAFF_ACTIONS, allowed_actions
from yiwang.licences.models import Licence, Profile
from yiwang.licences.subjects import division_scope_prefix, division_within, subject_index, subject_of_user
from yiwang.orgs.constants import Role
from yiwang.orgs.selectors import has_role, role_grants_for, scope_filter

LICENCE_STAFF_ROLES = (Role.LICENCE_OFFICER, Role.ADMINISTRATOR)
PROFILE_VIEW_ROLES = (Role.LICENCE_OFFICER, Role.ADMINISTRATOR, Role.WINDOW_CLERK, Role.DEPT_REVIEWER, Role.DEPT_APPROVER,
                      Role.SERVICE_ASSISTANT, Role.POLICY_OFFICER, Role.SUPERVISOR)
PROFILE_EDIT_ROLES = (Role.LICENCE_OFFICER, Role.ADMINISTRATOR)


def _licence_not_found() -> NotFound:
    return NotFound("未找到该电子证照。", code=ErrorCode.LICENCE_NOT_FOUND)


def _profile_not_found() -> NotFound:
    return NotFound("未找到该档案，或不在您的数据范围内。", code=ErrorCode.PROFILE_NOT_FOUND)


def _as_id(value) -> int | None:
    try:
        pk = int(value)
    except (TypeError, ValueError):
        return None
    return pk if 0 < pk < 2**63 else None


def is_licence_staff(actor) -> bool:
    return bool(getattr(actor, "is_authenticated", False) and getattr(actor, "is_staff_member", False)
                and role_grants_for(actor, LICENCE_STAFF_ROLES))


def holder_indexes(actor) -> list[str]:
    subject = subject_of_user(actor)
    return [subject_index(subject.identifier)] if subject else []


def licences_of_holder(actor) -> QuerySet[Licence]:
    indexes = holder_indexes(actor)
    return Licence.objects.filter(holder_id_index__in=indexes) if indexes else Licence.objects.none()


def licences_for_staff(actor) -> QuerySet[Licence]:
    return Licence.objects.filter(scope_filter(actor, LICENCE_STAFF_ROLES, path_field="issuer__path"))


def access_licence_for_holder(*, actor, licence_id) -> Licence:
    pk = _as_id(licence_id)
    licence = (licences_of_holder(actor).select_related("licence_type", "signed_key", "issuer").filter(pk=pk).first()
               if pk else None)
    if licence is None:
        raise _licence_not_found()
    return licence


def access_licence_for_staff(*, actor, licence_id) -> Licence:
    pk = _as_id(licence_id)
    licence = (licences_for_staff(actor).select_related("licence_type", "signed_key", "issuer").filter(pk=pk).first()
               if pk and is_licence_staff(actor) else None)
    if licence is None:
        raise _licence_not_found()
    return licence


def require_licence_staff(*, actor, licence: Licence) -> None:
    if not has_role(actor, LICENCE_STAFF_ROLES, licence.issuer):
        raise _licence_not_found()


def require_licence_staff_for_issuer(*, actor, issuer) -> None:
    if not has_role(actor, LICENCE_STAFF_ROLES, issuer):
        raise NotFound(f"您无权管理「{issuer.name}」签发的证照。", code=ErrorCode.LICENCE_NOT_FOUND)


def licence_actions_for(*, actor, licence: Licence) -> dict:
    """What the actor may do with this licence now (pages, API and templates use this alone)."""
    holder = bool(holder_indexes(actor)) and licence.holder_id_index in holder_indexes(actor)
    staff = bool(getattr(actor, "is_staff_member", False)) and has_role(actor, LICENCE_STAFF_ROLES, licence.issuer)
    possible = set(allowed_actions(licence.status))
    return {
        "show": holder and licence.status == LicenceStatus.VALID,
        "download": holder or staff,
        "see_verifications": holder or staff,
        "status_actions": [a for a in STAFF_ACTIONS if a in possible] if staff else [],
        "new_version": staff and "supersede" in possible,
    }


# --- Profiles ----------------------------------------------------------------------------------


def _scope_prefixes(actor, roles) -> list[str]:
    prefixes = []
    for grant in role_grants_for(actor, roles):
        division = getattr(grant.organisation, "division", None)
        prefix = division_scope_prefix(getattr(division, "code", ""))
        if prefix:
            prefixes.append(prefix)
    return prefixes


def profiles_in_scope(actor, roles=PROFILE_VIEW_ROLES) -> QuerySet[Profile]:
    if not getattr(actor, "is_staff_member", False):
        return Profile.objects.none()
    q = Q(pk__in=[])
    for prefix in _scope_prefixes(actor, roles):
        q |= Q(kind="person", residence_division__startswith=prefix) | Q(kind="enterprise", district__startswith=prefix)
    return Profile.objects.filter(q)


def profile_in_scope(actor, profile: Profile, roles=PROFILE_VIEW_ROLES) -> bool:
    if not getattr(actor, "is_staff_member", False):
        return False
    return any(division_within(profile.division_code, prefix) for prefix in _scope_prefixes(actor, roles))


def access_profile_for_staff(*, actor, profile_id) -> Profile:
    pk = _as_id(profile_id)
    profile = Profile.objects.filter(pk=pk).select_related("user").first() if pk else None
    if profile is None or not profile_in_scope(actor, profile):
        raise _profile_not_found()
    return profile


def access_profile_by_subject(*, actor, subject_id: str) -> Profile:
    """A staff member looks a subject up by ID number / USCC (blind index: no table scan)."""
    profile = Profile.objects.filter(subject_id_index=subject_index(subject_id or "")).select_related("user").first()
    if profile is None or not profile_in_scope(actor, profile):
        raise _profile_not_found()
    return profile


def require_profile_edit(*, actor, profile: Profile) -> None:
    if not profile_in_scope(actor, profile, PROFILE_EDIT_ROLES):
        raise _profile_not_found()


def profile_actions_for(*, actor, profile: Profile) -> dict:
    own = profile.subject_id_index in holder_indexes(actor)
    return {"edit": profile_in_scope(actor, profile, PROFILE_EDIT_ROLES), "export": profile_in_scope(actor, profile, PROFILE_EDIT_ROLES),
            "own": own}
