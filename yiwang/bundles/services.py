"""Writes to bundles. Keyword-only, actor first, one transaction each, the actor's role checked
over the bundle's steward, an audit event per write (as the catalog's services).

The life of a version (lifecycle.py, the catalog's table): an editor creates a bundle or starts a
draft (a copy of the published version), edits it, submits it (rules.py must pass: every problem
named with its fix), a second person holding catalog_reviewer approves or returns it, an editor or
reviewer publishes it; the previous published version is then superseded and kept unchanged,
because bundle cases pin the version they were filed under.
"""

from __future__ import annotations

import uuid

from django.db import IntegrityError, transaction
from django.utils import timezone

from yiwang.bundles import access, lifecycle
from yiwang.bundles.constants import EDITABLE_STATUSES, ErrorCode, VersionAction, VersionStatus
from yiwang.bundles.definition import Definition, Member
from yiwang.bundles.locks import lock_bundle, lock_version
from yiwang.bundles.models import Bundle, BundleMember, BundleQuestion, BundleReview, BundleVersion
from yiwang.bundles.rules import cycle_problem
from yiwang.bundles.selectors import version_detail, version_problems
from yiwang.bundles.version_input import clean_data, clean_members, clean_questions, has_control_characters
from yiwang.catalog import selectors as catalog_selectors
from yiwang.core.audit import record_event
from yiwang.core.errors import Conflict, DomainError, FieldError, PermissionDenied, ValidationFailed
from yiwang.orgs.constants import Role
from yiwang.orgs.selectors import has_role

_COPIED = ("name", "summary", "stage_id", "life_event_id", "lead_agency_id", "separate_elements", "source_reference")


@transaction.atomic
def bundle_create(*, actor, steward, name: str, code: str = "") -> BundleVersion:
    """A new bundle looked after by `steward`, with draft v1 named `name` (members, questions and
    the rest come with bundle_version_update). Needs catalog_editor over the steward."""
    if not has_role(actor, Role.CATALOG_EDITOR, steward):
        raise PermissionDenied(f"您不是「{steward}」的事项编辑，不能在该单位新建一件事。")
    cleaned, errors = clean_data({"name": name})
    code = (code or "").strip()
    if has_control_characters(code) or len(code) > 40:
        errors.append(FieldError("code", ErrorCode.FIELD_INVALID, "编码最多 40 位，不能含控制字符。"))
    elif code and Bundle.objects.filter(code=code).exists():
        errors.append(FieldError("code", ErrorCode.CODE_TAKEN, f"编码 {code} 已被另一件事使用，请换一个。"))
    if errors:
        raise ValidationFailed(errors)
    try:
        with transaction.atomic():
            bundle = Bundle.objects.create(code=code or f"tmp-{uuid.uuid4().hex[:20]}", steward=steward)
    except IntegrityError:
        raise ValidationFailed([FieldError("code", ErrorCode.CODE_TAKEN, f"编码 {code} 已被另一件事使用，请换一个。")]) from None
    if not code:
        bundle.code = f"XA-B{bundle.pk:05d}"
        bundle.save(update_fields=["code", "updated_at"])
    version = BundleVersion.objects.create(bundle=bundle, number=1, status=VersionStatus.DRAFT, name=cleaned["name"], created_by=actor)
    record_event(actor=actor, action="bundles.bundle_created", obj=bundle,
                 details={"code": bundle.code, "steward_id": steward.pk, "version_id": version.pk, "name": version.name})
    return version


@transaction.atomic
def bundle_version_start_draft(*, actor, bundle: Bundle) -> BundleVersion:
    """A new draft copied from the published version (members, questions and all); only one open
    version at a time (Conflict `bundle_draft_exists`)."""
    bundle = lock_bundle(bundle.pk)
    access.require_editor(actor, bundle)
    open_version = bundle.versions.exclude(status__in=[VersionStatus.PUBLISHED, VersionStatus.SUPERSEDED]).first()
    if open_version is not None:
        raise Conflict(f"该一件事已有未发布的版本 v{open_version.number}（{open_version.get_status_display()}），请继续处理该版本。",
                       code=ErrorCode.DRAFT_EXISTS, detail={"version_id": open_version.pk})
    source = bundle.versions.filter(status=VersionStatus.PUBLISHED).first()
    if source is None:
        raise Conflict("该一件事还没有已发布的版本可供复制。", code=ErrorCode.NO_PUBLISHED_VERSION)
    number = (bundle.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    draft = BundleVersion.objects.create(bundle=bundle, number=number, status=VersionStatus.DRAFT, created_by=actor,
                                         **{name: getattr(source, name) for name in _COPIED})
    BundleMember.objects.bulk_create([BundleMember(version=draft, implementation_id=m.implementation_id, order=m.order, is_lead=m.is_lead,
                                                   listed_as=m.listed_as, depends_on=m.depends_on) for m in source.members.all()])
    BundleQuestion.objects.bulk_create([BundleQuestion(version=draft, order=q.order, key=q.key, text=q.text, help_text=q.help_text,
                                                       options=q.options) for q in source.questions.all()])
    record_event(actor=actor, action="bundles.version_draft_started", obj=draft,
                 details={"bundle_id": bundle.pk, "number": number, "copied_from": source.pk})
    return draft


def _require_editable(version: BundleVersion) -> None:
    if version.status not in EDITABLE_STATUSES:
        label = VersionStatus(version.status).label
        if version.is_frozen:
            raise DomainError(f"版本 v{version.number} 已{label}，内容不能修改。请新建草稿版本后修改。", code=ErrorCode.VERSION_IMMUTABLE)
        raise DomainError(f"版本 v{version.number} 当前为「{label}」，审核期间不能修改；如需修改，请审核人员退回。",
                          code=ErrorCode.VERSION_NOT_EDITABLE)


def _resolve(cleaned: dict, members: list[dict] | None) -> tuple[dict, list[FieldError]]:
    """Check that the rows the input names exist: stage, event, lead agency, member items (with a
    guide in force). Returns the member guides by implementation id."""
    errors: list[FieldError] = []
    if cleaned.get("stage") is not None and catalog_selectors.life_stage(cleaned["stage"]) is None:
        errors.append(FieldError("stage", ErrorCode.FIELD_INVALID, "所选生命周期阶段不存在，请重新选择。"))
    if cleaned.get("life_event") is not None and cleaned["life_event"] not in {e.pk for e in catalog_selectors.life_event_choices()}:
        errors.append(FieldError("life_event", ErrorCode.FIELD_INVALID, "所选办事场景不存在，请重新选择或留空。"))
    if cleaned.get("lead_agency") is not None and cleaned["lead_agency"] not in {o.pk for o in catalog_selectors.agencies_with_published_items()}:
        errors.append(FieldError("lead_agency", ErrorCode.FIELD_INVALID, "所选牵头部门不存在，或没有已发布的事项，请重新选择。"))
    guides = {}
    if members is not None:
        guides = catalog_selectors.published_guides([m["implementation"] for m in members if m["implementation"]])
        for index, member in enumerate(members):
            if member["implementation"] is not None and member["implementation"] not in guides:
                errors.append(FieldError(f"members[{index}].implementation", ErrorCode.MEMBER_NOT_PUBLISHED,
                                         f"第 {index + 1} 个成员（事项编号 {member['implementation']}）不存在或没有已发布的办事指南，"
                                         "请从列表中选择。"))
    return guides, errors


@transaction.atomic
def bundle_version_update(*, actor, version: BundleVersion, data: dict | None = None, members: list[dict] | None = None,
                          questions: list[dict] | None = None) -> BundleVersion:
    """Change an editable version. `data`: name, summary, stage, lead_agency, life_event,
    separate_elements, change_note, source_reference (ids for the references). `members`, when
    given, replaces the members ({implementation, is_lead, listed_as, depends_on: [implementation
    ids]}, in order); `questions` replaces the questions ({key, text, help_text, options: [{value,
    label, excludes, drops: [{member, material}], adds: [{member, name, notes}]}]}). Every problem
    at once (ValidationFailed); a dependency cycle is refused naming its members."""
    version = lock_version(version)
    access.require_editor(actor, version.bundle)
    _require_editable(version)
    cleaned, errors = clean_data(data or {})
    member_rows = question_rows = None
    if members is not None:
        member_rows, problems = clean_members(members)
        errors.extend(problems)
    if questions is not None:
        question_rows, problems = clean_questions(questions)
        errors.extend(problems)
    guides, problems = _resolve(cleaned, member_rows)
    errors.extend(problems)
    if member_rows is not None and not errors:
        sketch = Definition(name="", members=tuple(
            Member(id=row["implementation"], order=i, name=guides[row["implementation"]].name, agency_id=0, agency="",
                   depends_on=frozenset(row["depends_on"])) for i, row in enumerate(member_rows)))
        cycle = cycle_problem(sketch)
        if cycle:
            errors.append(cycle)
    if errors:
        raise ValidationFailed(errors)

    changed = []
    for key, value in cleaned.items():
        attname = f"{key}_id" if key in ("stage", "lead_agency", "life_event") else key
        if getattr(version, attname) != value:
            setattr(version, attname, value)
            changed.append(attname)
    if changed:
        version.save(update_fields=[*changed, "updated_at"])
    if member_rows is not None:
        version.members.all().delete()
        BundleMember.objects.bulk_create([BundleMember(version=version, implementation_id=row["implementation"], order=i, is_lead=row["is_lead"],
                                                       listed_as=row["listed_as"], depends_on=row["depends_on"])
                                          for i, row in enumerate(member_rows)])
    if question_rows is not None:
        version.questions.all().delete()
        BundleQuestion.objects.bulk_create([BundleQuestion(version=version, order=i, key=row["key"], text=row["text"], help_text=row["help_text"],
                                                           options=row["options"]) for i, row in enumerate(question_rows)])
    record_event(actor=actor, action="bundles.version_updated", obj=version,
                 details={"elements": sorted(changed), "members": member_rows is not None, "questions": question_rows is not None})
    return version


@transaction.atomic
def bundle_version_submit(*, actor, version: BundleVersion) -> BundleVersion:
    """Send a draft (or a returned version) for review; rules.py must pass, else ValidationFailed
    lists every problem with its fix."""
    version = lock_version(version)
    access.require_editor(actor, version.bundle)
    new_status = lifecycle.next_status(version.status, VersionAction.SUBMIT)
    problems = version_problems(version_detail(version.pk))
    if problems:
        raise ValidationFailed(problems, message=f"提交未通过：共有 {len(problems)} 处需要修改。" + "；".join(p.message for p in problems))
    version.status = new_status
    version.submitted_by = actor
    version.submitted_at = timezone.now()
    version.save(update_fields=["status", "submitted_by", "submitted_at", "updated_at"])
    record_event(actor=actor, action="bundles.version_submitted", obj=version, details={"bundle_id": version.bundle_id, "number": version.number})
    return version


@transaction.atomic
def bundle_version_review(*, actor, version: BundleVersion, decision: str, comment: str) -> BundleReview:
    """Approve or return a submitted version: a reviewer over the steward who neither drafted nor
    submitted it (`self_review`); returning says what to change."""
    version = lock_version(version)
    access.require_reviewer(actor, version.bundle)
    comment = (comment or "").strip()
    if decision not in BundleReview.Decision.values:
        raise ValidationFailed([FieldError("decision", ErrorCode.FIELD_INVALID, "审核结论应为 approve（通过）或 return（退回修改）。")])
    action = VersionAction.APPROVE if decision == BundleReview.Decision.APPROVE else VersionAction.RETURN
    new_status = lifecycle.next_status(version.status, action)
    if actor.pk in {version.submitted_by_id, version.created_by_id}:
        raise PermissionDenied("不能审核自己起草或提交的版本，请由另一位事项审核人员审核。", code=ErrorCode.SELF_REVIEW)
    if has_control_characters(comment):
        raise ValidationFailed([FieldError("comment", ErrorCode.FIELD_INVALID, "审核意见含有不可见的控制字符，请删除后重新输入。")])
    if len(comment) > 5000:
        raise ValidationFailed([FieldError("comment", ErrorCode.FIELD_TOO_LONG, "审核意见最多 5000 字，请精简。")])
    if action == VersionAction.RETURN and not comment:
        raise ValidationFailed([FieldError("comment", ErrorCode.COMMENT_REQUIRED, "退回修改时请填写审核意见，说明需要修改的内容。")])
    review = BundleReview.objects.create(version=version, reviewer=actor, decision=decision, comment=comment)
    version.status = new_status
    version.reviewed_by = actor
    version.reviewed_at = review.created_at
    version.save(update_fields=["status", "reviewed_by", "reviewed_at", "updated_at"])
    record_event(actor=actor, action=f"bundles.version_{'approved' if decision == 'approve' else 'returned'}", obj=version,
                 details={"review_id": review.pk, "comment": comment})
    return review


@transaction.atomic
def bundle_version_publish(*, actor, version: BundleVersion) -> BundleVersion:
    """Put an approved version in force; the previous published one is superseded."""
    version = lock_version(version)
    bundle = version.bundle
    access.require_publisher(actor, bundle)
    new_status = lifecycle.next_status(version.status, VersionAction.PUBLISH)
    now = timezone.now()
    previous = bundle.versions.filter(status=VersionStatus.PUBLISHED).exclude(pk=version.pk).first()
    if previous is not None:
        previous.status = lifecycle.next_status(previous.status, VersionAction.SUPERSEDE)
        previous.superseded_at = now
        previous.save(update_fields=["status", "superseded_at", "updated_at"])
        record_event(actor=actor, action="bundles.version_superseded", obj=previous, details={"superseded_by": version.pk})
    version.status = new_status
    version.published_by = actor
    version.published_at = now
    version.save(update_fields=["status", "published_by", "published_at", "updated_at"])
    bundle.current_version = version
    bundle.save(update_fields=["current_version", "updated_at"])
    record_event(actor=actor, action="bundles.version_published", obj=version,
                 details={"bundle_id": bundle.pk, "number": version.number, "previous_version_id": previous.pk if previous else None})
    return version
