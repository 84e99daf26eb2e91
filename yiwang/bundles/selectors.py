"""Reads over bundles: the published ones with their figures, one bundle's guide and its checklist
for the answers given, the city-wide overview, and what catalog staff work on.

A member's facts (limits, visits, materials, form, result) always come from its guide in force,
read through yiwang.catalog.selectors; nothing about a member is copied into the bundle, so the
figures follow the catalog when a guide is republished.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Case, IntegerField, Prefetch, Q, QuerySet, Value, When

from yiwang.bundles import access
from yiwang.bundles.checklist import Checklist, build_checklist
from yiwang.bundles.constants import EDITABLE_STATUSES, REPORTED_REDUCTIONS, REPORTED_SOURCE, BundleCaseStatus, MemberState, VersionStatus
from yiwang.bundles.definition import Definition, Member
from yiwang.bundles.figures import Figures, city_totals
from yiwang.bundles.merge_forms import FieldSpec
from yiwang.bundles.merge_materials import MaterialSpec, MergedMaterial
from yiwang.bundles.models import Bundle, BundleCase, BundleCaseMember, BundleMember, BundleQuestion, BundleReview, BundleVersion
from yiwang.bundles.rules import definition_problems
from yiwang.bundles.situations import Option, Question, answer_errors
from yiwang.catalog import selectors as catalog_selectors
from yiwang.core import hooks
from yiwang.core.errors import MAX_DB_ID, FieldError, NotFound, ValidationFailed
from yiwang.orgs.constants import Role

# --- From the database to a Definition ---------------------------------------------------------


def _hashable(value):
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return value


def field_spec(form_field) -> FieldSpec:
    """A catalog form field (with its data element loaded) as merge_forms reads it: the field's
    options and validation override the element's."""
    element = form_field.data_element
    options = form_field.options or element.options or []
    validation = {**(element.validation or {}), **(form_field.validation or {})}
    return FieldSpec(
        element=element.key, element_name=element.name, data_type=element.data_type, label=form_field.label,
        required=form_field.required, options=tuple((str(o.get("value", "")), str(o.get("label", o.get("value", "")))) for o in options),
        validation=tuple(sorted((k, _hashable(v)) for k, v in validation.items())), help_text=form_field.help_text,
        section=form_field.section, personal=element.is_personal, profile_source=element.profile_source,
    )


def material_spec(material) -> MaterialSpec:
    return MaterialSpec(name=material.name, necessity=material.necessity, source_channel=material.source_channel,
                        licence_type_code=material.licence_type_code, material_type=material.material_type, medium=material.medium,
                        original_copies=material.original_copies, copy_copies=material.copy_copies,
                        issuing_body=material.issuing_body, notes=material.filling_notes)


def limit_text(limit, unit: str) -> str:
    if unit == "immediate":
        return "即办"
    number = Decimal(limit or 0)
    text = str(int(number)) if number == number.to_integral_value() else format(number.normalize(), "f")
    return f"{text}个{'工作日' if unit == 'working_day' else '自然日'}"


def _ids(values) -> frozenset[int]:
    return frozenset(int(v) for v in values or [] if isinstance(v, int) and not isinstance(v, bool))


def question_of(row: BundleQuestion) -> Question:
    options = []
    for option in row.options or []:
        options.append(Option(
            value=str(option.get("value", "")), label=str(option.get("label", "")), excludes=_ids(option.get("excludes")),
            drops=tuple((int(d["member"]), str(d["material"])) for d in option.get("drops") or []),
            adds=tuple((int(a["member"]), MaterialSpec(name=str(a["name"]), notes=str(a.get("notes", ""))))
                       for a in option.get("adds") or []),
        ))
    return Question(key=row.key, text=row.text, options=tuple(options), help_text=row.help_text)


def _member(row: BundleMember, guide) -> Member:
    implementation = row.implementation
    if guide is None:
        return Member(id=implementation.pk, order=row.order, name=implementation.base_item.name, agency_id=implementation.agency_id,
                      agency=implementation.agency.name, listed_as=row.listed_as,
                      is_lead=row.is_lead, depends_on=_ids(row.depends_on), published=False)
    return Member(
        id=implementation.pk, order=row.order, name=guide.name, agency_id=implementation.agency_id,
        agency=implementation.agency.name, listed_as=row.listed_as, is_lead=row.is_lead, depends_on=_ids(row.depends_on),
        promised_limit=guide.promised_limit, promised_unit=guide.promised_limit_unit,
        promised_text=limit_text(guide.promised_limit, guide.promised_limit_unit), visits=guide.visits,
        result_name=guide.result_name, result_licence_type_code=guide.result_licence_type_code,
        fields=tuple(field_spec(f) for f in guide.form_fields.all()),
        materials=tuple(material_spec(m) for m in guide.materials.all()),
    )


def _with_parts(qs: QuerySet[BundleVersion]) -> QuerySet[BundleVersion]:
    members = BundleMember.objects.select_related("implementation__agency", "implementation__base_item").order_by("order", "id")
    return (qs.select_related("bundle__steward", "stage", "life_event", "lead_agency", "created_by", "submitted_by", "reviewed_by",
                              "published_by")
            .prefetch_related(Prefetch("members", queryset=members), Prefetch("questions", queryset=BundleQuestion.objects.order_by("order", "id")),
                              Prefetch("reviews", queryset=BundleReview.objects.select_related("reviewer"))))


def definitions_of(versions: Iterable[BundleVersion]) -> dict[int, Definition]:
    """The Definition of each version (members and questions prefetched by _with_parts), reading
    every member's guide in one go."""
    versions = list(versions)
    guides = catalog_selectors.guide_facts({m.implementation_id for v in versions for m in v.members.all()})
    result = {}
    for version in versions:
        result[version.pk] = Definition(
            name=version.name, members=tuple(_member(m, guides.get(m.implementation_id)) for m in version.members.all()),
            questions=tuple(question_of(q) for q in version.questions.all()),
            separate_elements=frozenset(version.separate_elements or []), lead_agency_id=version.lead_agency_id,
            lead_agency=version.lead_agency.name if version.lead_agency_id else "", stage_id=version.stage_id,
        )
    return result


def definition_of(version: BundleVersion) -> Definition:
    return definitions_of([version])[version.pk]


# --- Public ------------------------------------------------------------------------------------


def _pk(value) -> int | None:
    try:
        pk = int(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return pk if 1 <= pk <= MAX_DB_ID else None


def published_versions() -> QuerySet[BundleVersion]:
    return _with_parts(BundleVersion.objects.filter(status=VersionStatus.PUBLISHED))


def published_bundles(*, subject: str | None = None, stage_id: int | None = None) -> list[BundleVersion]:
    """The bundles in force, persons' first, by stage then code."""
    qs = published_versions()
    if subject:
        qs = qs.filter(stage__subject=subject)
    if stage_id:
        qs = qs.filter(stage_id=stage_id)
    return list(qs.order_by("stage__subject", "stage__order", "bundle__code"))


def published_bundle_version_id(bundle_id) -> int | None:
    """The id of a bundle's version in force (None: no such bundle, or never published)."""
    pk = _pk(bundle_id)
    return (BundleVersion.objects.filter(bundle_id=pk, status=VersionStatus.PUBLISHED).values_list("pk", flat=True).first()
            if pk else None)


def published_bundle(bundle_id) -> BundleVersion:
    """The version in force of a bundle, or NotFound (also for a bundle never published)."""
    pk = _pk(bundle_id)
    version = published_versions().filter(bundle_id=pk).first() if pk else None
    if version is None:
        raise NotFound(f"未找到编号为 {str(bundle_id)[:20]} 的一件事，或尚未发布。")
    return version


def _serves(answer) -> bool:
    return isinstance(answer, str) or bool(isinstance(answer, Mapping) and answer.get("satisfies"))


def held_lookup_for(applicant):
    """What the government already holds for `applicant` (免提交), asked of the apps that know
    (hook `bundles.held_materials(applicant, materials)`: each handler returns {merged material key:
    reason shown to the applicant, or an offer dict (checklist.HeldLookup)} or None). Nobody is
    asked for an anonymous visitor."""
    if applicant is None or not getattr(applicant, "is_authenticated", False):
        return None

    def lookup(materials: tuple[MergedMaterial, ...]) -> Mapping[str, str | Mapping]:
        held: dict[str, str | Mapping] = {}
        for answer in hooks.call("bundles.held_materials", applicant=applicant, materials=materials):
            for key, reason in (answer or {}).items():
                if key not in held or _serves(reason) and not _serves(held[key]):
                    held[key] = reason  # a document that serves wins over one that does not (expired …)
        return held

    return lookup


def bundle_checklist(version: BundleVersion, answers: Mapping[str, str] | None = None, *, applicant=None,
                     definition: Definition | None = None) -> Checklist:
    """The checklist for `answers` (question key -> option value); ValidationFailed names every
    unknown question or option."""
    definition = definition or definition_of(version)
    answers = dict(answers or {})
    errors = answer_errors(definition.questions, answers)
    if errors:
        raise ValidationFailed(errors)
    return build_checklist(definition, answers, held_lookup=held_lookup_for(applicant))


def bundle_checklist_by_id(bundle_id, answers: Mapping[str, str] | None = None, *, applicant=None) -> Checklist:
    """The checklist of the bundle in force for `answers` (NotFound, or ValidationFailed naming
    every unknown question or option)."""
    return bundle_checklist(published_bundle(bundle_id), answers, applicant=applicant)


@dataclass
class OverviewRow:
    version: BundleVersion
    definition: Definition
    figures: Figures


@dataclass
class Overview:
    rows: list[OverviewRow]
    totals: Figures
    reported: dict[str, str] = field(default_factory=lambda: dict(REPORTED_REDUCTIONS))
    reported_source: str = REPORTED_SOURCE


def overview(*, subject: str | None = None) -> Overview:
    """Every bundle in force with its figures (all members, nothing answered yet) and the sums."""
    versions = published_bundles(subject=subject)
    definitions = definitions_of(versions)
    rows = [OverviewRow(v, definitions[v.pk], build_checklist(definitions[v.pk]).figures) for v in versions]
    departments = len({m.agency_id for row in rows for m in row.definition.members})
    return Overview(rows=rows, totals=city_totals([r.figures for r in rows], departments=departments))


def bundles_for_life_event(event_id: int) -> list[BundleVersion]:
    return list(BundleVersion.objects.filter(status=VersionStatus.PUBLISHED, life_event_id=event_id).select_related("bundle")
                .order_by("bundle__code"))


# --- For catalog staff -------------------------------------------------------------------------


def version_detail(version_id) -> BundleVersion:
    """One version of any status with its members, questions and reviews (no permission check:
    callers obtain the id through access.py)."""
    pk = _pk(version_id)
    version = _with_parts(BundleVersion.objects.filter(pk=pk)).first() if pk else None
    if version is None:
        raise NotFound(f"未找到编号为 {str(version_id)[:20]} 的一件事版本。")
    return version


def version_problems(version: BundleVersion, definition: Definition | None = None) -> list[FieldError]:
    return definition_problems(definition or definition_of(version))


def versions_of(bundle: Bundle) -> list[BundleVersion]:
    return list(bundle.versions.select_related("created_by", "submitted_by", "reviewed_by", "published_by").order_by("-number"))


@dataclass
class EditorDashboard:
    drafts: list = field(default_factory=list)
    awaiting_review: list = field(default_factory=list)
    awaiting_publish: list = field(default_factory=list)
    published: list = field(default_factory=list)


def editor_dashboard(actor) -> EditorDashboard:
    base = BundleVersion.objects.select_related("bundle", "lead_agency", "created_by", "submitted_by")
    editing = access.versions_in_scope(actor, (Role.CATALOG_EDITOR,))
    reviewing = access.versions_in_scope(actor, (Role.CATALOG_REVIEWER,))
    staff = access.versions_in_scope(actor)
    mine_first = Case(When(created_by=actor, then=Value(0)), default=Value(1), output_field=IntegerField())
    return EditorDashboard(
        drafts=list(base.filter(pk__in=editing.filter(status__in=EDITABLE_STATUSES).values("pk")).annotate(_mine=mine_first)
                    .order_by("_mine", "-updated_at")),
        awaiting_review=list(base.filter(pk__in=reviewing.filter(status=VersionStatus.SUBMITTED).values("pk")).order_by("submitted_at")),
        awaiting_publish=list(base.filter(pk__in=staff.filter(status=VersionStatus.APPROVED).values("pk")).order_by("reviewed_at")),
        published=list(base.filter(pk__in=staff.filter(status=VersionStatus.PUBLISHED).values("pk")).order_by("bundle__code")),
    )


def open_version_of(bundle: Bundle) -> BundleVersion | None:
    return bundle.versions.exclude(status__in=[VersionStatus.PUBLISHED, VersionStatus.SUPERSEDED]).first()


def member_choices() -> list:
    """Every item in force, by agency then name, for adding a member."""
    return list(catalog_selectors.published_versions().order_by("implementation__agency__name", "name", "pk"))


def elements_used_twice(definition: Definition) -> list[tuple[str, str, list[str]]]:
    """(element key, element name, members' labels) of every element two or more members ask: the
    ones an editor may set to "asked per member"."""
    seen: dict[str, tuple[str, list[str]]] = {}
    for member in sorted(definition.members, key=lambda m: (m.order, m.id)):
        for spec in member.fields:
            entry = seen.setdefault(spec.element, (spec.element_name, []))
            entry[1].append(f"{member.name}：{spec.shown_label}")
    return [(key, name, labels) for key, (name, labels) in seen.items() if len(labels) > 1]


def search_versions_for_staff(actor, q: str = "") -> list[BundleVersion]:
    qs = access.versions_in_scope(actor).select_related("bundle", "lead_agency")
    q = catalog_selectors.clean_query(q)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(bundle__code__icontains=q))
    return list(qs.order_by("bundle__code", "-number")[:100])


@dataclass
class BundleGuide:
    """What the public guide page shows: the bundle, its figures with every member, and the
    checklist for the answers given (answers that do not fit are left out and named in `problems`)."""

    version: BundleVersion
    definition: Definition
    overall: Checklist
    checklist: Checklist
    answers: dict[str, str]
    problems: list[str]
    waivable: list[WaivableMaterial] = field(default_factory=list)
    signed_in: bool = False

    @property
    def answered(self) -> bool:
        return bool(self.answers)


@dataclass(frozen=True)
class WaivableMaterial:
    """A merged material the e-licence library can supply instead of the applicant (免提交), and
    what it does for this viewer: held (waived, with the identifier), not_valid (the viewer's
    licence is expired, revoked …: the message says so), not_held, or unknown (not signed in)."""

    name: str
    licence_name: str
    member_titles: tuple[str, ...]
    status: str
    message: str = ""
    identifier: str = ""


def waivable_materials(checklist: Checklist, *, signed_in: bool) -> list[WaivableMaterial]:
    """Which of the checklist's materials a held e-licence can waive (hook
    `bundles.waivable_materials(materials)`: each handler returns {merged entry key: the name of
    the document that serves} — no applicant, so it is asked for anonymous visitors too), and
    whether it does for the signed-in viewer (the checklist's held entries and notices)."""
    entries = [*checklist.materials.merged, *(h.entry for h in checklist.held)]
    if not entries:
        return []
    names: dict[str, str] = {}
    for answer in hooks.call("bundles.waivable_materials", materials=tuple(entries)):
        for key, name in (answer or {}).items():
            names.setdefault(key, str(name))
    held = {h.entry.key: h for h in checklist.held}
    rows = []
    for entry in entries:
        if entry.key not in names and entry.key not in held:
            continue
        licence_name = names.get(entry.key) or held[entry.key].licence_name or entry.name
        if entry.key in held:
            h = held[entry.key]
            rows.append(WaivableMaterial(entry.name, h.licence_name or licence_name, entry.member_titles, "held", h.reason, h.identifier))
        elif entry.key in checklist.notices:
            rows.append(WaivableMaterial(entry.name, licence_name, entry.member_titles, "not_valid", checklist.notices[entry.key]))
        else:
            rows.append(WaivableMaterial(entry.name, licence_name, entry.member_titles, "not_held" if signed_in else "unknown"))
    return rows


def bundle_guide(bundle_id, raw_answers: Mapping[str, str], *, applicant=None) -> BundleGuide:
    """The public guide of a bundle; never fails on odd answers (the page says which it ignored)."""
    version = published_bundle(bundle_id)
    definition = definition_of(version)
    questions = {q.key: q for q in definition.questions}
    answers, problems = {}, []
    for key, value in raw_answers.items():
        question = questions.get(key)
        if question is None:
            continue  # a parameter that is not one of our questions (a tracking tag …): not the applicant's doing
        if question.option(value) is None:
            problems.append(f"“{question.text}”的回答无法识别，已忽略，请重新选择。")
        else:
            answers[key] = value
    lookup = held_lookup_for(applicant)
    overall = build_checklist(definition, {}, held_lookup=lookup)
    checklist = build_checklist(definition, answers, held_lookup=lookup) if answers else overall
    signed_in = lookup is not None
    return BundleGuide(version, definition, overall, checklist, answers, problems,
                       waivable_materials(checklist, signed_in=signed_in), signed_in)


@dataclass
class VersionPage:
    """Everything the staff pages show of one version: the version with its parts, its
    definition, the checklist of every member, the problems that would block submission, the
    history, and for editing the items one may add and the elements two members share."""

    version: BundleVersion
    definition: Definition
    checklist: Checklist
    problems: list[FieldError]
    history: list[BundleVersion]
    member_choices: list = field(default_factory=list)
    shared_elements: list = field(default_factory=list)
    stages: list = field(default_factory=list)
    agencies: list = field(default_factory=list)
    events: list = field(default_factory=list)

    @property
    def member_ids(self) -> list[int]:
        return [m.implementation_id for m in self.version.members.all()]

    @property
    def questions(self) -> list[dict]:
        return [{"key": q.key, "text": q.text, "help_text": q.help_text, "options": q.options} for q in self.version.questions.all()]


def version_page(version: BundleVersion, *, for_editing: bool = False) -> VersionPage:
    detail = version_detail(version.pk)
    definition = definition_of(detail)
    page = VersionPage(version=detail, definition=definition, checklist=build_checklist(definition),
                       problems=definition_problems(definition), history=versions_of(detail.bundle))
    if for_editing:
        page.member_choices = member_choices()
        page.shared_elements = elements_used_twice(definition)
        page.stages = catalog_selectors.life_stages_with_subject()
        page.agencies = catalog_selectors.agencies_with_published_items()
        page.events = catalog_selectors.life_event_choices()
    return page


# --- Bundle cases (applications.py writes them) ---------------------------------------------

def bundle_case_for(*, actor, bundle_case_id) -> BundleCase:
    """A bundle case its applicant, the lead agency's staff, or a window clerk at the outlet where
    it was filed may see; anyone else gets 404."""
    pk = _pk(bundle_case_id)
    row = (BundleCase.objects.select_related("version__bundle", "version__lead_agency", "applicant", "outlet")
           .filter(pk=pk).first() if pk else None)
    if row is None or not getattr(actor, "pk", None) or (
            row.applicant_id != actor.pk
            and not access.may_accept(actor, row)):
        raise NotFound("未找到该一件事办件。", code="not_found")
    return row


def bundle_case_by_key(*, applicant, idempotency_key: str) -> BundleCase | None:
    """The bundle case already filed for `applicant` under an idempotency key (a page sent twice)."""
    if not idempotency_key:
        return None
    return BundleCase.objects.filter(applicant=applicant, idempotency_key=idempotency_key).first()


def bundle_case_members(bundle_case: BundleCase, *, today=None) -> list[BundleCaseMember]:
    """The members in order, each with its case's clock (`member.clock`, cases.selectors.Clock:
    waiting for what it depends on, running with its due date, paused, stopped)."""
    from yiwang.cases.selectors import case_clock

    members = list(bundle_case.members.select_related("case__version", "case__agency").order_by("order"))
    for member in members:
        member.clock = case_clock(member.case, today=today)
    return members


def bundle_case_licence_materials(members: Iterable[BundleCaseMember]) -> list[dict]:
    """The materials of the member cases met from the e-licence library at filing (免提交), with
    the licence identifier each case recorded: {member, material, identifier}, in member order."""
    from yiwang.cases.selectors import licence_materials_of_cases

    members = list(members)
    found = licence_materials_of_cases([m.case_id for m in members])
    return [{"member": m.case.version.name, "material": name, "identifier": identifier}
            for m in members for name, identifier in found.get(m.case_id, [])]


def licence_materials_by_bundle_case(bundle_cases: Iterable[BundleCase]) -> dict[int, list[dict]]:
    """For the lead console: {bundle case id: [{member, material, identifier}]} (two queries)."""
    from yiwang.cases.selectors import licence_materials_of_cases

    members = list(BundleCaseMember.objects.filter(bundle_case__in=list(bundle_cases))
                   .select_related("case__version").order_by("bundle_case_id", "order"))
    found = licence_materials_of_cases([m.case_id for m in members])
    out: dict[int, list[dict]] = {}
    for m in members:
        for name, identifier in found.get(m.case_id, []):
            out.setdefault(m.bundle_case_id, []).append({"member": m.case.version.name, "material": name, "identifier": identifier})
    return out


def bundle_case_timeline(bundle_case: BundleCase) -> list[dict]:
    """One timeline over the bundle and every member: (when, member name or "", what)."""
    from yiwang.cases.selectors import case_timeline

    events = [{"at": bundle_case.created_at, "member": "", "text": "提交一件事申请"}]
    for member in bundle_case_members(bundle_case):
        for entry in case_timeline(member.case, staff_names=False):
            events.append({"at": entry.at, "member": member.case.version.name, "text": entry.title})
    for chase in bundle_case.chases.select_related("member__case__version"):
        events.append({"at": chase.created_at, "member": chase.member.case.version.name, "text": "牵头部门催办"})
    return sorted(events, key=lambda e: e["at"])


def late_bundle_cases(*, actor, today=None) -> list[tuple[BundleCase, list[BundleCaseMember]]]:
    """For the lead agency's console: its bundle cases in progress and their members past due."""
    from django.utils import timezone

    from yiwang.orgs.selectors import organisations_in_scope

    today = today or timezone.localdate()
    agencies = organisations_in_scope(actor, ["window_clerk", "dept_reviewer"])
    rows = (BundleCase.objects.filter(version__lead_agency__in=agencies, status=BundleCaseStatus.IN_PROGRESS)
            .select_related("version").order_by("due_on")[:200])
    out = []
    for row in rows:
        members = bundle_case_members(row, today=today)
        row.member_rows = members
        late = [m for m in members if m.state == MemberState.RUNNING and m.case.due_on and m.case.due_on < today]
        out.append((row, late))
    return out


def bundle_cases_awaiting_acceptance(*, actor) -> list[BundleCase]:
    """For the lead agency's console: bundle cases filed and not yet jointly accepted (综合受理)."""
    from yiwang.orgs.selectors import organisations_in_scope

    agencies = organisations_in_scope(actor, ["window_clerk", "dept_reviewer"])
    outlets = organisations_in_scope(actor, ["window_clerk"])  # filed at her window (综合受理 there)
    return list(BundleCase.objects.filter(Q(version__lead_agency__in=agencies) | Q(outlet__in=outlets),
                                          status=BundleCaseStatus.SUBMITTED)
                .select_related("version", "applicant", "outlet").order_by("created_at")[:200])


def is_bundle_member_case(case_id) -> bool:
    """Whether a case is a member of a bundle case (ratings offers such cases per stage)."""
    return BundleCaseMember.objects.filter(case_id=case_id).exists()


# --- The 一件事 window ---------------------------------------------------------------------------

def _excludable(definition) -> set[int]:
    """The members some answer can leave out."""
    return {m for q in definition.questions for o in q.options for m in o.excludes}


def window_bundle_rows(actor, *, q: str, subject: str | None) -> list[dict]:
    """The 一件事 window's list: the bundles in force matching `q` (name or code), each with whether
    this clerk's window can file it — every member at one of the clerk's outlets, or the members it
    cannot take could be left out by an answer — and, if not, the members that stand in the way."""
    versions = published_bundles(subject=subject)
    if q:
        versions = [v for v in versions if q in v.name or q.upper() in v.bundle.code]
    definitions = definitions_of(versions)
    rows = []
    for version in versions:
        definition = definitions[version.pk]
        fits, refused = access.window_outlets_for_members(actor, [m.id for m in definition.members])
        # The outlet that misses the fewest members says which ones (none when one fits them all).
        blocked = set() if fits or not refused else min((set(ids) for ids in refused.values()), key=len)
        names = [m.title for m in definition.members if m.id in blocked]
        ok = bool(fits) or any(set(ids) <= _excludable(definition) for ids in refused.values())
        rows.append({"version": version, "definition": definition, "ok": ok, "blocked": names,
                     "members": len(definition.members)})
    return rows
