"""Writes over the organisation tree and staff roles. Every write checks the actor's scope
(orgs.access), validates its input (all problems at once), and records an audit event."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Value
from django.db.models.functions import Concat, Substr

from yiwang.core.audit import record_event
from yiwang.core.errors import FieldError, ValidationFailed
from yiwang.core.identifiers import normalise_uscc, uscc_errors
from yiwang.orgs.access import require_administrator
from yiwang.orgs.constants import ExerciseLevel, OrganisationKind, Role
from yiwang.orgs.models import Division, Organisation, RoleGrant

# The fields organisation_update may change; the parent changes only through organisation_move,
# because it rewrites the paths of the whole subtree.
UPDATABLE_FIELDS = ("name", "short_name", "kind", "uscc", "level", "division", "phone", "address", "is_demo")
_PATH_MAX = Organisation._meta.get_field("path").max_length


def _organisation_lock(organisation: Organisation) -> Organisation:
    return Organisation.objects.select_for_update().get(pk=organisation.pk)


def organisation_errors(
    *, name: str, kind: str, level: str, division: Division | None, uscc: str = "", short_name: str = "",
    parent: Organisation | None = None, instance: Organisation | None = None,
) -> list[FieldError]:
    """Every problem with an organisation's data (used by the services and the admin form)."""
    errors: list[FieldError] = []
    name = (name or "").strip()
    if not name:
        errors.append(FieldError("name", "required", "请填写机构名称。"))
    elif len(name) > 200:
        errors.append(FieldError("name", "too_long", f"机构名称最多 200 个字，当前为 {len(name)} 个字。"))
    elif any(ord(ch) < 32 or ord(ch) == 127 for ch in name):
        errors.append(FieldError("name", "name_format", "机构名称含有不可见的控制字符，请重新输入。"))
    else:
        siblings = Organisation.objects.filter(parent=parent, name=name)
        if instance is not None and instance.pk:
            siblings = siblings.exclude(pk=instance.pk)
        if siblings.exists():
            where = f"“{parent.name}”下" if parent else "顶层"
            errors.append(FieldError("name", "duplicate", f"{where}已有名为“{name}”的机构，请换一个名称或选择其他上级机构。"))
    if len(short_name or "") > 100:
        errors.append(FieldError("short_name", "too_long", "简称最多 100 个字。"))
    if kind not in OrganisationKind.values:
        allowed = "、".join(f"{v}（{label}）" for v, label in OrganisationKind.choices)
        errors.append(FieldError("kind", "invalid_choice", f"机构类型“{kind}”无效，应为：{allowed}。"))
    if level not in ExerciseLevel.values:
        allowed = "、".join(f"{v}（{label}）" for v, label in ExerciseLevel.choices)
        errors.append(FieldError("level", "invalid_choice", f"行使层级“{level}”无效，应为：{allowed}。"))
    if division is None:
        errors.append(FieldError("division", "required", "请选择所属行政区划。"))
    if uscc:
        errors.extend(uscc_errors(uscc, field="uscc"))
    return errors


def _clean_text(value: str | None) -> str:
    return (value or "").strip()


@transaction.atomic
def organisation_create(
    *, actor, name: str, kind: str, level: str, division: Division | None, parent: Organisation | None = None,
    short_name: str = "", uscc: str = "", phone: str = "", address: str = "", is_demo: bool = False,
) -> Organisation:
    """Add an organisation under `parent` (a new root when None: system or superuser only)."""
    require_administrator(actor, parent, doing="新建下级机构")
    name, short_name, phone, address = (_clean_text(v) for v in (name, short_name, phone, address))
    uscc = normalise_uscc(uscc)
    errors = organisation_errors(name=name, kind=kind, level=level, division=division, uscc=uscc,
                                 short_name=short_name, parent=parent)
    if errors:
        raise ValidationFailed(errors)
    if parent is not None and len(parent.path) + 21 > _PATH_MAX:
        raise ValidationFailed([FieldError("parent", "too_deep", "机构层级过深，无法再添加下级机构。")])
    organisation = Organisation(
        name=name, short_name=short_name, kind=kind, level=level, division=division, parent=parent,
        uscc=uscc, phone=phone, address=address, is_demo=is_demo,
    )
    try:
        with transaction.atomic():
            organisation.save()
    except IntegrityError as exc:  # a concurrent twin with the same name under the same parent
        raise ValidationFailed([FieldError("name", "duplicate", f"同一上级下已有名为“{name}”的机构。")]) from exc
    record_event(actor=actor, action="orgs.organisation_created", obj=organisation, details={
        "name": name, "kind": kind, "level": level, "division": division.code if division else "",
        "parent_id": parent.pk if parent else None, "uscc": uscc,
    })
    return organisation


@transaction.atomic
def organisation_update(*, actor, organisation: Organisation, **changes: Any) -> Organisation:
    """Change an organisation's own data (not its place in the tree: see organisation_move)."""
    unknown = sorted(set(changes) - set(UPDATABLE_FIELDS))
    if unknown:
        raise ValidationFailed([FieldError(f, "not_updatable", "该项不能在此修改（上级机构请用“移动”）。")
                                for f in unknown])
    organisation = _organisation_lock(organisation)
    require_administrator(actor, organisation, doing="修改机构信息")
    if "uscc" in changes:
        changes["uscc"] = normalise_uscc(changes["uscc"])
    for key in ("name", "short_name", "phone", "address"):
        if key in changes:
            changes[key] = _clean_text(changes[key])
    merged = {f: changes.get(f, getattr(organisation, f)) for f in ("name", "kind", "level", "division", "uscc",
                                                                    "short_name")}
    errors = organisation_errors(**merged, parent=organisation.parent, instance=organisation)
    if errors:
        raise ValidationFailed(errors)
    changed = {}
    for field, value in changes.items():
        old = getattr(organisation, field)
        if old != value:
            changed[field] = [_plain(old), _plain(value)]
            setattr(organisation, field, value)
    if not changed:
        return organisation
    organisation.save(update_fields=[*changed, "updated_at"])
    record_event(actor=actor, action="orgs.organisation_updated", obj=organisation, details={"changes": changed})
    return organisation


def _plain(value: Any) -> Any:
    if isinstance(value, Division):
        return value.code
    return value


@transaction.atomic
def organisation_move(*, actor, organisation: Organisation, new_parent: Organisation | None) -> Organisation:
    """Put `organisation` (with its whole subtree) under `new_parent`, rewriting every path in the
    subtree with one UPDATE so role scopes follow the move at once."""
    organisation = _organisation_lock(organisation)
    if new_parent is not None:
        new_parent = _organisation_lock(new_parent)
    old_parent = organisation.parent
    require_administrator(actor, organisation, doing="移动机构")
    require_administrator(actor, new_parent, doing="接收移入的机构")
    if (new_parent.pk if new_parent else None) == organisation.parent_id:
        return organisation
    if new_parent is not None and new_parent.path.startswith(organisation.path):
        raise ValidationFailed([FieldError("parent", "cycle",
                                           f"不能把“{organisation.name}”移到它自己或它的下级机构“{new_parent.name}”之下。")])
    errors = [e for e in organisation_errors(
        name=organisation.name, kind=organisation.kind, level=organisation.level, division=organisation.division,
        parent=new_parent, instance=organisation) if e.field == "name"]
    if errors:
        raise ValidationFailed([FieldError("parent", e.code, e.message) for e in errors])

    old_path = organisation.path
    new_path = f"{new_parent.path if new_parent else '/'}{organisation.pk}/"
    subtree_paths = list(Organisation.objects.filter(path__startswith=old_path).values_list("path", flat=True))
    deepest = max((len(p) for p in subtree_paths), default=len(old_path))
    if deepest - len(old_path) + len(new_path) > _PATH_MAX:
        raise ValidationFailed([FieldError("parent", "too_deep", "移动后机构层级过深，请选择层级更浅的上级机构。")])
    organisation.parent = new_parent
    organisation.save(update_fields=["parent", "updated_at"])  # save() sets the node's own path
    Organisation.objects.filter(path__startswith=old_path).update(
        path=Concat(Value(new_path), Substr("path", len(old_path) + 1)))
    organisation.refresh_from_db(fields=["path"])
    record_event(actor=actor, action="orgs.organisation_moved", obj=organisation, details={
        "from_parent_id": old_parent.pk if old_parent else None, "to_parent_id": new_parent.pk if new_parent else None,
        "from_path": old_path, "to_path": new_path, "subtree_size": len(subtree_paths),
    })
    return organisation


def division_create(*, code: str, name: str, level: str, parent: Division | None = None, is_demo: bool = False) -> Division:
    """A division missing from the seed (demo fallbacks). Divisions are reference data written by
    loaders, as orgs.seed.loader does: not audited."""
    return Division.objects.create(code=code, name=name, level=level, parent=parent, is_demo=is_demo)


def _forget_cached_grants(user) -> None:
    # orgs.selectors.role_grants_for caches on the instance; a grant changes what it must say.
    if hasattr(user, "_role_grant_cache"):
        del user._role_grant_cache


@transaction.atomic
def role_grant(*, actor, user, organisation: Organisation, role: str) -> RoleGrant:
    """Give `user` a staff role at `organisation` (data scope: its subtree). Idempotent: granting a
    role the user already holds there returns the existing grant and records nothing."""
    require_administrator(actor, organisation, doing="授予角色")
    errors = []
    if role not in Role.values:
        allowed = "、".join(f"{v}（{label}）" for v, label in Role.choices)
        errors.append(FieldError("role", "invalid_choice", f"角色“{role}”无效，应为：{allowed}。"))
    # Asked of the user (accounts' User.is_staff_member), not of accounts' constants: orgs sits
    # below accounts and imports nothing of it.
    if not user.is_staff_member:
        errors.append(FieldError("user", "not_staff",
                                 f"“{user.username}”不是工作人员账户（类型：{user.get_kind_display()}），不能授予工作人员角色。"))
    if not user.is_active:
        errors.append(FieldError("user", "inactive", f"“{user.username}”已停用，请先启用再授予角色。"))
    if errors:
        raise ValidationFailed(errors)
    grant, created = RoleGrant.objects.get_or_create(
        user=user, organisation=organisation, role=role,
        defaults={"granted_by": actor if getattr(actor, "pk", None) else None},
    )
    if created:
        if role == Role.ADMINISTRATOR and not user.is_staff:
            # Administrators work in the Django admin, which requires is_staff.
            user.is_staff = True
            user.save(update_fields=["is_staff"])
        record_event(actor=actor, action="orgs.role_granted", obj=grant, details={
            "user_id": user.pk, "username": user.username, "organisation_id": organisation.pk,
            "organisation": organisation.name, "role": role,
        })
    _forget_cached_grants(user)
    return grant


@transaction.atomic
def role_revoke(*, actor, grant: RoleGrant) -> None:
    """Take a role away. Revoking someone's last administrator grant also closes the admin site to
    them (unless they are a superuser)."""
    grant = RoleGrant.objects.select_for_update().select_related("user", "organisation").get(pk=grant.pk)
    require_administrator(actor, grant.organisation, doing="撤销角色")
    user = grant.user
    details = {"user_id": user.pk, "username": user.username, "organisation_id": grant.organisation_id,
               "organisation": grant.organisation.name, "role": grant.role}
    grant_id = grant.pk
    grant.delete()
    if (details["role"] == Role.ADMINISTRATOR and user.is_staff and not user.is_superuser
            and not RoleGrant.objects.filter(user=user, role=Role.ADMINISTRATOR).exists()):
        user.is_staff = False
        user.save(update_fields=["is_staff"])
    record_event(actor=actor, action="orgs.role_revoked", object_type="orgs.rolegrant", object_id=grant_id,
                 details=details)
    _forget_cached_grants(user)
