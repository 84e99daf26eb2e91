"""Writes to the service catalog. Every function is keyword-only, takes the acting person first,
runs in one transaction, checks the actor's role over the implementing agency, and records an
audit event.

The life of a version (lifecycle.py): an editor starts a draft (a copy of the published guide),
edits it, submits it (the consistency rules of rules.py must pass), a second person holding the
reviewer role approves or returns it, an editor or reviewer publishes it; the previous published
version is then superseded — kept, never changed — because cases pin the version they were filed
under.

Signatures here are used by other apps (cases, bundles, the seed loaders): keep them stable.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.db.models import FileField
from django.utils import timezone

from yiwang.catalog import access, lifecycle
from yiwang.catalog.constants import EDITABLE_STATUSES, ErrorCode, HandlingItemKind, ItemType, VersionAction, VersionStatus
from yiwang.catalog.locks import lock_implementation, lock_version
from yiwang.catalog.models import (
    BaseItem,
    DataElement,
    ImplementationVersion,
    ItemImplementation,
    VersionReview,
)
from yiwang.catalog.rules import version_problems
from yiwang.catalog.selectors.editing import base_item_by_code
from yiwang.catalog.version_input import (
    CHILD_MODELS,
    ChildRow,
    clean_child_rows,
    clean_version_data,
    element_label,
    has_control_characters,
)
from yiwang.core.audit import record_event
from yiwang.core.errors import Conflict, DomainError, FieldError, PermissionDenied, ValidationFailed
from yiwang.orgs.constants import ExerciseLevel, Role
from yiwang.orgs.selectors import has_role, organisations_by_id

if TYPE_CHECKING:
    from yiwang.orgs.models import Organisation

CHILD_KINDS = ("materials", "fee_items", "faqs", "places", "form_fields")

# Fields copied from the published version into a new draft: every element of the guide, none of
# the review trail.
_NOT_COPIED = {"id", "implementation", "number", "status", "change_note", "created_by", "submitted_by",
               "submitted_at", "reviewed_by", "reviewed_at", "published_by", "published_at", "superseded_at",
               "created_at", "updated_at"}


@dataclass(frozen=True)
class _Children:
    materials: list | None = None
    fee_items: list | None = None
    faqs: list | None = None
    places: list | None = None
    form_fields: list | None = None


# --- Base catalog ------------------------------------------------------------------------------


@transaction.atomic
def base_item_create(*, actor, basic_code: str, name: str, item_type: str, legal_basis: list | None = None,
                     parent: BaseItem | None = None) -> BaseItem:
    """Add a base catalog entry (基本目录). Any catalog editor may; the national/provincial list is
    the source, so the code must not exist yet."""
    if not has_role(actor, Role.CATALOG_EDITOR):
        raise PermissionDenied("只有事项编辑可以新增基本目录事项。")
    errors = []
    basic_code = (basic_code or "").strip()
    name = (name or "").strip()
    if has_control_characters(basic_code) or has_control_characters(name):
        errors.append(FieldError("basic_code", ErrorCode.FIELD_INVALID, "基本编码或名称含有不可见的控制字符，请删除后重新输入。"))
    elif not basic_code:
        errors.append(FieldError("basic_code", ErrorCode.FIELD_REQUIRED, "请填写基本编码。"))
    elif len(basic_code) > 40:
        errors.append(FieldError("basic_code", ErrorCode.FIELD_TOO_LONG, "基本编码最多 40 位。"))
    elif BaseItem.objects.filter(basic_code=basic_code).exists():
        errors.append(FieldError("basic_code", ErrorCode.IMPLEMENTATION_CODE_TAKEN,
                                 f"基本编码 {basic_code} 已存在，请直接选用该基本目录事项。"))
    if not name:
        errors.append(FieldError("base_name", ErrorCode.FIELD_REQUIRED, "请填写基本目录事项名称。"))
    elif len(name) > 200:
        errors.append(FieldError("base_name", ErrorCode.FIELD_TOO_LONG, "基本目录事项名称最多 200 个字。"))
    if item_type not in ItemType.values:
        options = "、".join(f"{c.value}（{c.label}）" for c in ItemType)
        errors.append(FieldError("item_type", ErrorCode.FIELD_INVALID_CHOICE,
                                 f"事项类型「{item_type}」无效，请从以下选择：{options}。"))
    if errors:
        raise ValidationFailed(errors)
    item = BaseItem.objects.create(basic_code=basic_code, name=name, item_type=item_type,
                                   legal_basis=legal_basis or [], parent=parent)
    record_event(actor=actor, action="catalog.base_item_created", obj=item,
                 details={"basic_code": basic_code, "name": name, "item_type": item_type})
    return item


# --- Implementations and versions --------------------------------------------------------------


@transaction.atomic
def implementation_create(*, actor, base_item: BaseItem, agency: Organisation, exercise_level: str,
                          implementation_code: str, handling_item_kind: str = HandlingItemKind.NEW,
                          handling_item_code: str = "", data: dict) -> ItemImplementation:
    """A new implementation (实施清单) of `base_item` by `agency`, with draft version 1 holding
    `data` (the same elements as version_update; `name` and `legal_basis` default to the base
    item's). Raises PermissionDenied without catalog_editor over the agency, ValidationFailed
    naming every bad element."""
    access.require_editor(actor, agency)
    errors: list[FieldError] = []
    code = (implementation_code or "").strip()
    if has_control_characters(code) or has_control_characters(handling_item_code or ""):
        errors.append(FieldError("implementation_code", ErrorCode.FIELD_INVALID, "编码含有不可见的控制字符，请删除后重新输入。"))
    elif not code:
        errors.append(FieldError("implementation_code", ErrorCode.FIELD_REQUIRED, "请填写实施编码。"))
    elif len(code) > 40:
        errors.append(FieldError("implementation_code", ErrorCode.FIELD_TOO_LONG, "实施编码最多 40 位。"))
    elif ItemImplementation.objects.filter(implementation_code=code).exists():
        errors.append(FieldError("implementation_code", ErrorCode.IMPLEMENTATION_CODE_TAKEN,
                                 f"实施编码 {code} 已被其他实施清单使用，请核对编码。"))
    if exercise_level not in ExerciseLevel.values:
        options = "、".join(f"{c.value}（{c.label}）" for c in ExerciseLevel)
        errors.append(FieldError("exercise_level", ErrorCode.FIELD_INVALID_CHOICE,
                                 f"行使层级「{exercise_level}」无效，请从以下选择：{options}。"))
    if handling_item_kind not in HandlingItemKind.values:
        options = "、".join(f"{c.value}（{c.label}）" for c in HandlingItemKind)
        errors.append(FieldError("handling_item_kind", ErrorCode.FIELD_INVALID_CHOICE,
                                 f"办理项类型「{handling_item_kind}」无效，请从以下选择：{options}。"))
    if len(handling_item_code or "") > 60:
        errors.append(FieldError("handling_item_code", ErrorCode.FIELD_TOO_LONG, "业务办理项编码最多 60 位。"))
    data = dict(data or {})
    data.setdefault("name", base_item.name)
    data.setdefault("legal_basis", base_item.legal_basis or [])
    cleaned, data_errors = clean_version_data(data)
    errors.extend(data_errors)
    if errors:
        raise ValidationFailed(errors)
    try:
        with transaction.atomic():
            implementation = ItemImplementation.objects.create(
                base_item=base_item, agency=agency, exercise_level=exercise_level, implementation_code=code,
                handling_item_kind=handling_item_kind, handling_item_code=(handling_item_code or "").strip(),
            )
    except IntegrityError:
        raise ValidationFailed([FieldError("implementation_code", ErrorCode.IMPLEMENTATION_CODE_TAKEN,
                                           f"实施编码 {code} 已被其他实施清单使用，请核对编码。")]) from None
    version = ImplementationVersion(implementation=implementation, number=1, status=VersionStatus.DRAFT,
                                    created_by=actor, name=cleaned["name"])
    _apply_elements(version, cleaned, new=True)
    record_event(actor=actor, action="catalog.implementation_created", obj=implementation,
                 details={"implementation_code": code, "agency_id": agency.pk, "base_item_id": base_item.pk,
                          "version_id": version.pk})
    return implementation


@transaction.atomic
def version_start_draft(*, actor, implementation: ItemImplementation) -> ImplementationVersion:
    """A new draft copied from the current published version, with all its materials, fee items,
    FAQs, places, form fields, co-agencies and result sample; number = highest + 1. Only one open
    (unpublished) version may exist: Conflict `draft_exists` otherwise."""
    implementation = lock_implementation(implementation.pk)
    access.require_editor(actor, implementation.agency)
    open_version = implementation.versions.exclude(status__in=[VersionStatus.PUBLISHED, VersionStatus.SUPERSEDED]).first()
    if open_version is not None:
        raise Conflict(f"该事项已有未发布的版本 v{open_version.number}（{open_version.get_status_display()}），"
                       "请继续处理该版本，不能再新建草稿。", code=ErrorCode.DRAFT_EXISTS,
                       detail={"version_id": open_version.pk})
    source = implementation.versions.filter(status=VersionStatus.PUBLISHED).first()
    if source is None:
        raise Conflict("该事项还没有已发布的版本可供复制。", code=ErrorCode.NO_PUBLISHED_VERSION)
    number = (implementation.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    draft = ImplementationVersion(implementation=implementation, number=number, status=VersionStatus.DRAFT,
                                  created_by=actor)
    for model_field in ImplementationVersion._meta.concrete_fields:
        if model_field.name not in _NOT_COPIED:
            setattr(draft, model_field.attname, getattr(source, model_field.attname))
    # The sample file is shared, not duplicated: stored files are never overwritten, so the
    # published version keeps pointing at the same bytes even if the draft uploads a new one.
    draft.result_sample = source.result_sample.name
    draft.save(force_insert=True)
    draft.co_agencies.set(source.co_agencies.all())
    for kind in CHILD_KINDS:
        model = CHILD_MODELS[kind]
        copies = []
        for row in getattr(source, kind).all():
            row.pk = None
            row.id = None
            row._state.adding = True
            row.version = draft
            copies.append(row)
        model.objects.bulk_create(copies)
    record_event(actor=actor, action="catalog.version_draft_started", obj=draft,
                 details={"implementation_id": implementation.pk, "number": number, "copied_from": source.pk})
    return draft


@transaction.atomic
def version_update(*, actor, version: ImplementationVersion, data: dict, materials: list[dict] | None = None,
                   fee_items: list[dict] | None = None, faqs: list[dict] | None = None, places: list[dict] | None = None,
                   form_fields: list[dict] | None = None) -> ImplementationVersion:
    """Change an editable (draft or returned) version. `data` holds elements to change (others are
    left as they are); each child list, when given, replaces that list (rows with an `id` update
    the existing row and keep its files). Every problem is reported at once (ValidationFailed);
    nothing is written unless all is well."""
    version = lock_version(version)
    access.require_editor(actor, version.implementation.agency)
    _require_editable(version)
    cleaned, errors = clean_version_data(data or {})
    children = _Children(materials, fee_items, faqs, places, form_fields)
    checked: dict[str, list[ChildRow]] = {}
    for kind in CHILD_KINDS:
        rows = getattr(children, kind)
        if rows is None:
            continue
        existing = set(getattr(version, kind).values_list("pk", flat=True))
        result, problems = clean_child_rows(kind, rows, existing_ids=existing)
        errors.extend(problems)
        checked[kind] = result
    errors.extend(_resolve_references(cleaned, checked))
    if errors:
        raise ValidationFailed(errors)
    changed = _apply_elements(version, cleaned, new=False)
    for kind, rows in checked.items():
        _replace_children(version, kind, rows)
    record_event(actor=actor, action="catalog.version_updated", obj=version,
                 details={"elements": sorted(changed), "lists": sorted(checked)})
    return version


@transaction.atomic
def version_submit(*, actor, version: ImplementationVersion) -> ImplementationVersion:
    """Send a draft (or a returned version, after edits) for review. The consistency rules must all
    pass: otherwise ValidationFailed lists every problem, each naming the element and the fix."""
    version = lock_version(version)
    access.require_editor(actor, version.implementation.agency)
    new_status = lifecycle.next_status(version.status, VersionAction.SUBMIT)
    problems = version_problems(version)
    if problems:
        raise ValidationFailed(problems, message=f"提交未通过：共有 {len(problems)} 处需要修改。"
                               + "；".join(p.message for p in problems))
    version.status = new_status
    version.submitted_by = actor
    version.submitted_at = timezone.now()
    version.save(update_fields=["status", "submitted_by", "submitted_at", "updated_at"])
    record_event(actor=actor, action="catalog.version_submitted", obj=version,
                 details={"implementation_id": version.implementation_id, "number": version.number})
    return version


@transaction.atomic
def version_review(*, actor, version: ImplementationVersion, decision: str, comment: str) -> VersionReview:
    """Approve or return a submitted version. The reviewer holds catalog_reviewer over the agency
    and is neither the submitter nor the draft's creator (code `self_review`); returning needs a
    comment that says what to change."""
    version = lock_version(version)
    access.require_reviewer(actor, version.implementation.agency)
    comment = (comment or "").strip()
    if decision not in VersionReview.Decision.values:
        raise ValidationFailed([FieldError("decision", ErrorCode.FIELD_INVALID_CHOICE,
                                           "审核结论应为 approve（通过）或 return（退回修改）。")])
    action = VersionAction.APPROVE if decision == VersionReview.Decision.APPROVE else VersionAction.RETURN
    new_status = lifecycle.next_status(version.status, action)
    if actor.pk in {version.submitted_by_id, version.created_by_id}:
        raise PermissionDenied("不能审核自己起草或提交的版本，请由另一位事项审核人员审核。", code=ErrorCode.SELF_REVIEW)
    if action == VersionAction.RETURN and not comment:
        raise ValidationFailed([FieldError("comment", ErrorCode.COMMENT_REQUIRED,
                                           "退回修改时请填写审核意见，说明需要修改的内容。")])
    if has_control_characters(comment):
        raise ValidationFailed([FieldError("comment", ErrorCode.FIELD_INVALID, "审核意见含有不可见的控制字符，请删除后重新输入。")])
    if len(comment) > 5000:
        raise ValidationFailed([FieldError("comment", ErrorCode.FIELD_TOO_LONG, "审核意见最多 5000 字，请精简。")])
    review = VersionReview.objects.create(version=version, reviewer=actor, decision=decision, comment=comment)
    version.status = new_status
    version.reviewed_by = actor
    version.reviewed_at = review.created_at
    version.save(update_fields=["status", "reviewed_by", "reviewed_at", "updated_at"])
    record_event(actor=actor, action=f"catalog.version_{'approved' if decision == 'approve' else 'returned'}",
                 obj=version, details={"review_id": review.pk, "comment": comment})
    return review


@transaction.atomic
def version_publish(*, actor, version: ImplementationVersion) -> ImplementationVersion:
    """Put an approved version in force: it becomes the implementation's current version and the
    previous published one is superseded (kept unchanged, with superseded_at)."""
    version = lock_version(version)
    implementation = version.implementation
    access.require_publisher(actor, implementation.agency)
    new_status = lifecycle.next_status(version.status, VersionAction.PUBLISH)
    now = timezone.now()
    previous = implementation.versions.filter(status=VersionStatus.PUBLISHED).exclude(pk=version.pk).first()
    if previous is not None:
        # First, because at most one version is published at a time (a database constraint).
        previous.status = lifecycle.next_status(previous.status, VersionAction.SUPERSEDE)
        previous.superseded_at = now
        previous.save(update_fields=["status", "superseded_at", "updated_at"])
        record_event(actor=actor, action="catalog.version_superseded", obj=previous,
                     details={"superseded_by": version.pk})
    version.status = new_status
    version.published_by = actor
    version.published_at = now
    version.save(update_fields=["status", "published_by", "published_at", "updated_at"])
    implementation.current_version = version
    implementation.save(update_fields=["current_version", "updated_at"])
    record_event(actor=actor, action="catalog.version_published", obj=version,
                 details={"implementation_id": implementation.pk, "number": version.number,
                          "previous_version_id": previous.pk if previous else None})
    return version


# --- Internals ---------------------------------------------------------------------------------


def _require_editable(version: ImplementationVersion) -> None:
    if version.status not in EDITABLE_STATUSES:
        status = VersionStatus(version.status).label
        if version.is_frozen:
            raise DomainError(f"版本 v{version.number} 已{status}，内容不能修改。请新建草稿版本后修改。",
                              code=ErrorCode.VERSION_IMMUTABLE)
        raise DomainError(f"版本 v{version.number} 当前为「{status}」，审核期间不能修改；如需修改，请审核人员退回。",
                          code=ErrorCode.VERSION_NOT_EDITABLE)


def _resolve_references(cleaned: dict, checked: dict[str, list[ChildRow]]) -> list[FieldError]:
    """Turn organisation ids and data-element keys into rows, reporting the unknown ones."""
    errors: list[FieldError] = []
    if "co_agencies" in cleaned:
        ids = cleaned["co_agencies"]
        found = organisations_by_id(ids)
        missing = [str(i) for i in ids if i not in found]
        if missing:
            errors.append(FieldError("co_agencies", ErrorCode.FIELD_INVALID,
                                     f"联办机构编号 {'、'.join(missing)} 不存在，请重新选择。"))
        cleaned["co_agencies"] = [found[i] for i in ids if i in found]
    outlet_ids = {row.values["outlet"] for row in checked.get("places", []) if row.values.get("outlet")}
    outlets = organisations_by_id(outlet_ids)
    for index, row in enumerate(checked.get("places", [])):
        outlet = row.values.get("outlet")
        if outlet is not None:
            if outlet not in outlets:
                errors.append(FieldError(f"places[{index}].outlet", ErrorCode.FIELD_INVALID,
                                         f"第 {index + 1} 个办理地点关联的服务大厅编号 {outlet} 不存在，请重新选择或清空。"))
            else:
                row.values["outlet"] = outlets[outlet]
    rows = checked.get("form_fields", [])
    refs = {row.values["data_element"] for row in rows if "data_element" in row.values}
    if refs:
        by_key = {e.key: e for e in DataElement.objects.filter(key__in=[r for r in refs if isinstance(r, str)])}
        by_id = {e.pk: e for e in DataElement.objects.filter(pk__in=[r for r in refs if isinstance(r, int)])}
        for index, row in enumerate(rows):
            ref = row.values.get("data_element")
            if ref is None:
                continue
            element = by_key.get(ref) if isinstance(ref, str) else by_id.get(ref)
            if element is None:
                errors.append(FieldError(f"form_fields[{index}].data_element", ErrorCode.FIELD_INVALID,
                                         f"第 {index + 1} 个表单字段引用的数据元「{ref}」不存在，请先在数据元字典中登记或改选。"))
            else:
                row.values["data_element"] = element
    return errors


def _apply_elements(version: ImplementationVersion, cleaned: dict, *, new: bool) -> list[str]:
    """Write checked elements onto the version (saving it); returns the names that changed."""
    co_agencies = cleaned.pop("co_agencies", None)
    sample = cleaned.pop("result_sample", None) if "result_sample" in cleaned else None
    has_sample_change = sample is not None
    changed = []
    for key, value in cleaned.items():
        if new or getattr(version, key) != value:
            setattr(version, key, value)
            changed.append(key)
    if has_sample_change:
        if sample == "":
            version.result_sample = ""
        else:
            # A new name every time: stored files are never overwritten (earlier versions share them).
            version.result_sample.save(sample.name.rsplit("/", 1)[-1], sample, save=False)
        changed.append("result_sample")
    if new:
        version.save(force_insert=True)
    elif changed:
        version.save(update_fields=[*changed, "updated_at"])
    if co_agencies is not None:
        before = set(version.co_agencies.values_list("pk", flat=True)) if not new else set()
        if before != {o.pk for o in co_agencies}:
            version.co_agencies.set(co_agencies)
            changed.append("co_agencies")
    return changed


def _replace_children(version: ImplementationVersion, kind: str, rows: list[ChildRow]) -> None:
    model = CHILD_MODELS[kind]
    existing = {obj.pk: obj for obj in getattr(version, kind).all()}
    kept = {row.id for row in rows if row.id is not None}
    stale = [pk for pk in existing if pk not in kept]
    if stale:
        model.objects.filter(pk__in=stale).delete()
    for order, row in enumerate(rows):
        obj = existing[row.id] if row.id is not None else model(version=version)
        obj.order = order
        for key, value in row.values.items():
            if isinstance(model._meta.get_field(key), FileField):
                if value == "":
                    setattr(obj, key, "")
                elif value is not None:
                    getattr(obj, key).save(value.name.rsplit("/", 1)[-1], value, save=False)
            else:
                setattr(obj, key, value)
        obj.save()


def element_name(key: str) -> str:
    """The Chinese name of a version element, for messages and the editor."""
    return element_label(ImplementationVersion, key)



@transaction.atomic
def implementation_create_with_base_item(
    *, actor, basic_code: str, base_name: str, item_type: str, agency: Organisation | None, exercise_level: str,
    implementation_code: str, handling_item_kind: str, handling_item_code: str, name: str,
) -> ItemImplementation:
    """The editor's "new item": the base item (found by its code, or added), then the
    implementation; one transaction, so a refused implementation leaves no new base item behind."""
    problems: list[FieldError] = []
    basic_code = basic_code.strip()
    base_item = base_item_by_code(basic_code)
    if not basic_code:
        problems.append(FieldError("basic_code", "required", "请填写基本编码。"))
    if agency is None:
        problems.append(FieldError("agency", "required", "请选择实施主体。"))
    if problems:
        raise ValidationFailed(problems)
    if base_item is None:
        base_item = base_item_create(actor=actor, basic_code=basic_code, name=base_name or name, item_type=item_type)
    payload = {"name": name} if name.strip() else {}
    return implementation_create(
        actor=actor, base_item=base_item, agency=agency, exercise_level=exercise_level,
        implementation_code=implementation_code, handling_item_kind=handling_item_kind or "new",
        handling_item_code=handling_item_code, data=payload)
