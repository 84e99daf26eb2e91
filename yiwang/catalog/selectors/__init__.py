"""Reads over the service catalog: public search and detail over published guides, versions and
their history for catalog staff, and the difference between two versions.

Signatures here are used by the public pages, the API, cases and bundles: keep them stable.
"""

from __future__ import annotations

import logging
import math
import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from typing import Any

import jieba
from django.db.models import Case, F, IntegerField, Prefetch, Q, QuerySet, Value, When

from yiwang.catalog import access, element_text
from yiwang.catalog.constants import (
    CATALOG_FLAGS,
    EDITABLE_STATUSES,
    DataType,
    ErrorCode,
    ItemType,
    LifeSubject,
    ServiceObject,
    VersionStatus,
)
from yiwang.catalog.models import (
    DataElement,
    FormField,
    ImplementationVersion,
    ItemImplementation,
    LifeEvent,
    LifeStage,
    Material,
    VersionReview,
)
from yiwang.catalog.rules import limit_number
from yiwang.catalog.version_input import (
    CHILD_ELEMENTS,
    CHILD_LABELS,
    CHILD_MODELS,
    LIST_ELEMENTS,
    VERSION_ELEMENTS,
    is_id,
)
from yiwang.core.errors import FieldError, NotFound, ValidationFailed
from yiwang.orgs.constants import Role
from yiwang.orgs.selectors import organisation_path, organisations_where

jieba.setLogLevel(logging.WARNING)

MAX_PAGE_SIZE = 100
# Words that say nothing about which item is meant ("怎么办理营业执照" is about 营业执照).
_STOP_WORDS = frozenset({
    "办理", "申请", "怎么", "如何", "怎样", "在哪", "哪里", "的", "了", "我", "要", "想", "需要", "去", "办", "吗",
    "呢", "啊", "和", "与", "及", "在", "是",
})
_PUNCTUATION = re.compile(r"^[\s\W_]+$", re.UNICODE)

# Who the item serves, for browsing by subject: persons are 自然人; everything else is a 法人 or
# an organisation.
_SUBJECT_OBJECTS = {LifeSubject.PERSON: ("1",), LifeSubject.ENTERPRISE: ("2", "3", "4", "6")}


@dataclass
class CatalogPage:
    """One page of results with the total count (Page-like: has_next, num_pages …)."""

    items: list
    total: int
    page: int
    page_size: int

    @property
    def num_pages(self) -> int:
        return max(1, math.ceil(self.total / self.page_size))

    @property
    def has_next(self) -> bool:
        return self.page < self.num_pages

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def next_page_number(self) -> int:
        return self.page + 1

    @property
    def previous_page_number(self) -> int:
        return self.page - 1

    def __iter__(self):
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)


def clean_query(q: str) -> str:
    """The query as searched: control characters (NUL above all: PostgreSQL rejects it) become
    spaces, runs of spaces one, at most 100 characters."""
    return " ".join("".join(ch if ch.isprintable() else " " for ch in (q or "")).split())[:100]


def search_tokens(q: str) -> list[str]:
    """The words of a query that must each match (jieba precise mode, stop words dropped)."""
    q = clean_query(q)
    if not q:
        return []
    tokens = []
    for token in jieba.lcut(q):
        token = token.strip()
        if not token or _PUNCTUATION.match(token) or token in _STOP_WORDS or token in tokens:
            continue
        tokens.append(token)
    return tokens or [q]


def published_versions() -> QuerySet[ImplementationVersion]:
    """Every guide in force (one per implementation), with what lists and cards show."""
    return (ImplementationVersion.objects.filter(status=VersionStatus.PUBLISHED)
            .select_related("implementation__agency", "implementation__base_item"))


def _check_search_input(*, agency_id, item_type, flags, subject, page, page_size) -> list[FieldError]:
    errors = []
    if agency_id is not None and not is_id(agency_id):
        errors.append(FieldError("agency", ErrorCode.FIELD_INVALID, "部门编号无效，请从部门列表中选择。"))
    if item_type not in (None, "") and item_type not in ItemType.values:
        options = "、".join(f"{c.value}（{c.label}）" for c in ItemType)
        errors.append(FieldError("type", ErrorCode.FIELD_INVALID_CHOICE,
                                 f"事项类型「{item_type}」无效，请从以下选择：{options}。"))
    for key in flags or {}:
        if key not in CATALOG_FLAGS:
            errors.append(FieldError(key, ErrorCode.FIELD_UNKNOWN,
                                     f"没有名为「{key}」的清单，可用：{'、'.join(CATALOG_FLAGS)}。"))
    if subject not in (None, "") and subject not in LifeSubject.values:
        errors.append(FieldError("subject", ErrorCode.FIELD_INVALID_CHOICE, "服务对象应为 person（个人）或 enterprise（法人）。"))
    if not isinstance(page, int) or page < 1:
        errors.append(FieldError("page", ErrorCode.FIELD_OUT_OF_RANGE, "页码应为从 1 开始的整数。"))
    if not isinstance(page_size, int) or not 1 <= page_size <= MAX_PAGE_SIZE:
        errors.append(FieldError("page_size", ErrorCode.FIELD_OUT_OF_RANGE, f"每页条数应在 1 到 {MAX_PAGE_SIZE} 之间。"))
    return errors


def catalog_search(*, q: str = "", agency_id: int | None = None, item_type: str | None = None,
                   flags: dict[str, bool] | None = None, subject: str | None = None, page: int = 1,
                   page_size: int = 20) -> CatalogPage:
    """Search the published catalog. `q` is split into words (jieba); every word must occur in the
    name, an implementation/basic/handling-item code or the agency's name. `agency_id` keeps the
    agency and the organisations under it; `flags` maps list names (CATALOG_FLAGS, e.g.
    {"high_frequency": True}) to the wanted value; `subject` is "person" or "enterprise" (by
    service object). Raises ValidationFailed for bad input (page 0, unknown type …); a page past
    the end is empty. Items are published ImplementationVersions with implementation, agency and
    base item loaded."""
    errors = _check_search_input(agency_id=agency_id, item_type=item_type, flags=flags, subject=subject, page=page, page_size=page_size)
    if errors:
        raise ValidationFailed(errors)
    qs = published_versions()
    for token in search_tokens(q):
        qs = qs.filter(
            Q(name__icontains=token) | Q(implementation__implementation_code__icontains=token)
            | Q(implementation__base_item__basic_code__icontains=token)
            | Q(implementation__handling_item_code__icontains=token)
            | Q(implementation__agency__name__icontains=token)
            | Q(implementation__agency__short_name__icontains=token)
        )
    if agency_id is not None:
        agency_path = organisation_path(agency_id)
        if agency_path is None:
            return CatalogPage(items=[], total=0, page=page, page_size=page_size)
        qs = qs.filter(implementation__agency__path__startswith=agency_path)
    if item_type:
        qs = qs.filter(implementation__base_item__item_type=item_type)
    for key, wanted in (flags or {}).items():
        if wanted is not None:
            qs = qs.filter(**{key: bool(wanted)})
    if subject:
        # Service objects are a JSON list of codes; matching the quoted code in its JSON text works
        # on SQLite and PostgreSQL alike (JSON "contains" does not exist on SQLite).
        subject_q = Q(pk__in=[])
        for code in _SUBJECT_OBJECTS[LifeSubject(subject)]:
            subject_q |= Q(service_objects__icontains=f'"{code}"')
        qs = qs.filter(subject_q)
    total = qs.count()
    q_text = clean_query(q)
    order = ["-high_frequency", "name", "pk"]
    if q_text:
        qs = qs.annotate(_whole=Case(When(name__icontains=q_text, then=Value(0)), default=Value(1),
                                     output_field=IntegerField()))
        order = ["_whole", *order]
    offset = (page - 1) * page_size
    items = list(qs.order_by(*order)[offset:offset + page_size]) if offset < total else []
    return CatalogPage(items=items, total=total, page=page, page_size=page_size)


def _with_content(qs: QuerySet[ImplementationVersion]) -> QuerySet[ImplementationVersion]:
    return (qs.select_related("implementation__agency", "implementation__base_item", "created_by", "submitted_by",
                              "reviewed_by", "published_by")
            .prefetch_related("materials", "fee_items", "faqs", "places__outlet", "co_agencies",
                              Prefetch("form_fields", queryset=FormField.objects.select_related("data_element")),
                              Prefetch("reviews", queryset=VersionReview.objects.select_related("reviewer"))))


def implementation_detail(implementation_id) -> ImplementationVersion:
    """The published version of an implementation with its materials, fee items, FAQs, places,
    form fields (with data elements) and co-agencies loaded. NotFound if there is none."""
    try:
        pk = int(implementation_id)
    except (TypeError, ValueError, OverflowError):
        pk = 0
    if not is_id(pk):
        raise NotFound(f"未找到编号为 {implementation_id} 的已发布事项。")
    version = _with_content(ImplementationVersion.objects.filter(implementation_id=pk, status=VersionStatus.PUBLISHED)).first()
    if version is None:
        raise NotFound(f"未找到编号为 {implementation_id} 的已发布事项。")
    return version


def version_detail(version_id) -> ImplementationVersion:
    """One version of any status with its content loaded (no permission check: callers obtain the
    id through access.py or only show published versions)."""
    try:
        pk = int(version_id)
    except (TypeError, ValueError, OverflowError):
        pk = 0
    if not is_id(pk):
        raise NotFound(f"未找到编号为 {version_id} 的事项版本。")
    version = _with_content(ImplementationVersion.objects.filter(pk=pk)).first()
    if version is None:
        raise NotFound(f"未找到编号为 {version_id} 的事项版本。")
    return version


def versions_of(implementation: ItemImplementation) -> list[ImplementationVersion]:
    """Every version of an implementation, newest first, with its review trail."""
    return list(implementation.versions.select_related("created_by", "submitted_by", "reviewed_by", "published_by")
                .prefetch_related(Prefetch("reviews", queryset=VersionReview.objects.select_related("reviewer")))
                .order_by("-number"))


# --- For the apps that build on the catalog (bundles) ------------------------------------------


def published_guides(implementation_ids) -> dict[int, ImplementationVersion]:
    """The guides in force of the given implementations, by implementation id, with agency, base
    item, materials, form fields (with their data elements) and co-agencies loaded: a fixed number of
    queries however many ids. Implementations without a published guide are simply absent."""
    ids = {int(i) for i in implementation_ids if is_id(i)}
    if not ids:
        return {}
    versions = _with_content(ImplementationVersion.objects.filter(implementation_id__in=ids, status=VersionStatus.PUBLISHED))
    return {v.implementation_id: v for v in versions}


# The elements other apps compute with (bundles: limits, visits, result, materials, form); the
# rest of a guide (process, FAQs, places, legal basis …) is not loaded.
_FACT_FIELDS = ("implementation_id", "status", "name", "statutory_limit", "statutory_limit_unit", "promised_limit", "promised_limit_unit",
                "case_kind", "visits", "result_name", "result_type", "result_licence_type_code", "implementation")
_MATERIAL_FACTS = ("version_id", "order", "name", "issuing_body", "material_type", "medium", "original_copies", "copy_copies", "necessity",
                   "source_channel", "licence_type_code", "filling_notes")


def guide_facts(implementation_ids) -> dict[int, ImplementationVersion]:
    """Like published_guides, but only the facts one computes with: limits, visits, result,
    materials, form fields with their data elements, co-agencies (the overview of all bundles reads
    some 200 guides per page). Other attributes of the returned versions load lazily if touched."""
    ids = {int(i) for i in implementation_ids if is_id(i)}
    if not ids:
        return {}
    versions = (ImplementationVersion.objects.filter(implementation_id__in=ids, status=VersionStatus.PUBLISHED)
                .select_related("implementation__agency").only(*_FACT_FIELDS)
                .prefetch_related(Prefetch("materials", queryset=Material.objects.only(*_MATERIAL_FACTS)), "co_agencies",
                                  Prefetch("form_fields", queryset=FormField.objects.select_related("data_element"))))
    return {v.implementation_id: v for v in versions}


def published_implementations_named(pairs) -> dict[tuple[str, str], list[ItemImplementation]]:
    """Implementations whose guide in force is named `name` and whose agency's short name (or full
    name) is `agency`, for each (name, agency) pair. Names compare without whitespace and with
    half-width brackets read as full-width ones (how PDF extraction and hand copies differ). A pair
    nobody matches maps to an empty list; callers decide what an ambiguous match means."""
    wanted = {(normalise_item_name(name), agency): [] for name, agency in pairs}
    if not wanted:
        return {}
    agencies = {agency for _, agency in wanted}
    versions = (published_versions().filter(Q(implementation__agency__short_name__in=agencies)
                                            | Q(implementation__agency__name__in=agencies)))
    for version in versions:
        agency = version.implementation.agency
        name = normalise_item_name(version.name)
        for label in {agency.short_name, agency.name}:
            if (name, label) in wanted:
                wanted[(name, label)].append(version.implementation)
    return wanted


def normalise_item_name(text: str) -> str:
    """An item name as compared across sources: no whitespace, full-width brackets."""
    return re.sub(r"\s+", "", text or "").replace("(", "（").replace(")", "）")


def life_stages_with_subject() -> list[LifeStage]:
    """Every life-cycle stage, persons first, in tree order (for choosing a bundle's stage)."""
    return list(LifeStage.objects.order_by("subject", "order", "id"))


def life_stage(stage_id) -> LifeStage | None:
    return LifeStage.objects.filter(pk=stage_id).first() if is_id(stage_id) else None


def life_events_named(names) -> dict[str, LifeEvent]:
    """Life events by name (the first one when two themes hold an event of the same name), with
    their theme and stage."""
    found: dict[str, LifeEvent] = {}
    for event in LifeEvent.objects.filter(name__in=list(names)).select_related("theme__stage").order_by("id"):
        found.setdefault(event.name, event)
    return found


def life_event_choices() -> list[LifeEvent]:
    return list(LifeEvent.objects.select_related("theme__stage").order_by("theme__stage__subject", "theme__stage__order",
                                                                          "theme__order", "order", "id"))


def agencies_with_published_items() -> list:
    """Organisations that implement at least one item in force, by level and name."""
    return list(organisations_where(Q(implementations__versions__status=VersionStatus.PUBLISHED))
                .distinct().order_by("level", "name"))


# --- For catalog staff -------------------------------------------------------------------------


@dataclass
class EditorDashboard:
    drafts: list = field(default_factory=list)            # editable versions the actor may edit
    awaiting_review: list = field(default_factory=list)   # submitted, the actor may review
    awaiting_publish: list = field(default_factory=list)  # approved, the actor may publish
    recently_published: list = field(default_factory=list)


def editor_dashboard(actor, *, limit: int = 50) -> EditorDashboard:
    """What a catalog editor or reviewer has to do; the actor's own drafts come first."""
    base = ImplementationVersion.objects.select_related("implementation__agency", "created_by", "submitted_by")
    editing = access.versions_in_scope(actor, (Role.CATALOG_EDITOR,))
    reviewing = access.versions_in_scope(actor, (Role.CATALOG_REVIEWER,))
    staff = access.versions_in_scope(actor)
    mine_first = Case(When(created_by=actor, then=Value(0)), default=Value(1), output_field=IntegerField())
    return EditorDashboard(
        drafts=list(base.filter(pk__in=editing.filter(status__in=EDITABLE_STATUSES).values("pk"))
                    .annotate(_mine=mine_first).order_by("_mine", "-updated_at")[:limit]),
        awaiting_review=list(base.filter(pk__in=reviewing.filter(status=VersionStatus.SUBMITTED).values("pk"))
                             .order_by("submitted_at")[:limit]),
        awaiting_publish=list(base.filter(pk__in=staff.filter(status=VersionStatus.APPROVED).values("pk"))
                              .order_by("reviewed_at")[:limit]),
        recently_published=list(base.filter(pk__in=staff.filter(status=VersionStatus.PUBLISHED).values("pk"))
                                .order_by("-published_at")[:10]),
    )


def implementations_for_staff(actor, *, q: str = "", page: int = 1, page_size: int = 20) -> CatalogPage:
    """Implementations in the actor's catalog scope, any state, matching `q` (words of the
    current or draft name, codes, agency)."""
    if page < 1:
        page = 1
    qs = access.implementations_in_scope(actor).select_related("agency", "base_item", "current_version")
    for token in search_tokens(q):
        qs = qs.filter(
            Q(versions__name__icontains=token) | Q(implementation_code__icontains=token)
            | Q(base_item__basic_code__icontains=token) | Q(base_item__name__icontains=token)
            | Q(agency__name__icontains=token)
        )
    qs = qs.distinct()
    total = qs.count()
    offset = (page - 1) * page_size
    items = list(qs.order_by("implementation_code")[offset:offset + page_size])
    open_versions = {v.implementation_id: v for v in ImplementationVersion.objects.filter(
        implementation__in=items).exclude(status__in=[VersionStatus.PUBLISHED, VersionStatus.SUPERSEDED])}
    for item in items:
        item.open_version = open_versions.get(item.pk)
    return CatalogPage(items=items, total=total, page=page, page_size=page_size)


# --- Differences between versions --------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """One difference: `element` is the machine name (`promised_limit`, `materials`,
    `materials[申请书].necessity`), `label` the Chinese one; `old`/`new` are display texts;
    `kind` is "changed", "added" or "removed"."""

    element: str
    label: str
    old: str
    new: str
    kind: str


_DIFF_ELEMENTS = tuple(e for e in VERSION_ELEMENTS if e not in ("change_note", "co_agencies"))
_CHILD_IDENTITY = {"materials": "name", "fee_items": "name", "faqs": "question", "places": "name",
                   "form_fields": "data_element"}


def _display(model, name: str, value: Any) -> str:
    """A value as people read it: labels for codes, 是/否, one line per list entry."""
    model_field = model._meta.get_field(name)
    if name in LIST_ELEMENTS:
        spec = LIST_ELEMENTS[name]
        if spec.kind == "codes":
            labels = dict(spec.choices.choices) if spec.choices else {}
            return "、".join(str(labels.get(v, v)) for v in value or [])
        if spec.kind == "texts":
            return element_text.format_lines(value)
        return element_text.format_records(name, value)
    if value is None or value == "":
        return ""
    if getattr(model_field, "choices", None):
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Decimal):
        return limit_number(value)
    if hasattr(value, "name") and hasattr(value, "storage"):  # a stored file: its name
        return value.name.rsplit("/", 1)[-1] if value.name else ""
    if hasattr(value, "pk"):
        return str(value)
    if isinstance(value, list | dict):
        return element_text.format_records("options", value) if name == "options" else str(value)
    return str(value)


def _child_value(obj, name: str):
    if name == "data_element":
        return obj.data_element.key
    if name == "outlet":
        return obj.outlet
    return getattr(obj, name)


def version_diff(old: ImplementationVersion | None, new: ImplementationVersion) -> list[Change]:
    """What changed from `old` to `new`: scalar and list elements, co-agencies, and the child
    lists (materials, fee items, FAQs, places, form fields matched by name / question / data
    element; added, removed, or changed attribute by attribute). `old` None: everything in `new`
    counts as added. Uses prefetched children when present."""
    changes: list[Change] = []
    for name in _DIFF_ELEMENTS:
        label = str(ImplementationVersion._meta.get_field(name).verbose_name)
        before = _display(ImplementationVersion, name, getattr(old, name)) if old is not None else ""
        after = _display(ImplementationVersion, name, getattr(new, name))
        if old is None:
            if after:
                changes.append(Change(name, label, "", after, "added"))
        elif before != after:
            changes.append(Change(name, label, before, after, "changed"))

    before_agencies = {o.pk: str(o) for o in old.co_agencies.all()} if old is not None else {}
    after_agencies = {o.pk: str(o) for o in new.co_agencies.all()}
    for pk in after_agencies.keys() - before_agencies.keys():
        changes.append(Change("co_agencies", "联办机构", "", after_agencies[pk], "added"))
    for pk in before_agencies.keys() - after_agencies.keys():
        changes.append(Change("co_agencies", "联办机构", before_agencies[pk], "", "removed"))

    for kind, identity in _CHILD_IDENTITY.items():
        changes.extend(_child_changes(kind, identity, getattr(old, kind).all() if old is not None else [],
                                      getattr(new, kind).all()))
    return changes


def _keyed(rows, identity: str) -> dict[str, Any]:
    keyed: dict[str, Any] = {}
    for row in rows:
        key = str(_child_value(row, identity))
        seen = 1
        unique = key
        while unique in keyed:  # the same name twice: the second is "name (2)"
            seen += 1
            unique = f"{key}（{seen}）"
        keyed[unique] = row
    return keyed


def _child_changes(kind: str, identity: str, old_rows, new_rows) -> list[Change]:
    model = CHILD_MODELS[kind]
    kind_label = CHILD_LABELS[kind]
    before, after = _keyed(old_rows, identity), _keyed(new_rows, identity)
    changes = []
    for key, row in after.items():
        if key not in before:
            changes.append(Change(kind, kind_label, "", key, "added"))
            continue
        for name in CHILD_ELEMENTS[kind]:
            if name == identity:
                continue
            old_text = _display(model, name, _child_value(before[key], name))
            new_text = _display(model, name, _child_value(row, name))
            if old_text != new_text:
                label = f"{kind_label}「{key}」· {model._meta.get_field(name).verbose_name}"
                changes.append(Change(f"{kind}[{key}].{name}", label, old_text, new_text, "changed"))
    for key in before:
        if key not in after:
            changes.append(Change(kind, kind_label, key, "", "removed"))
    return changes


# --- For intake (cases): the facts of a published version ---------------------------------------


@dataclass(frozen=True)
class VersionFacts:
    """What filing under a version needs: its owner and the form fields and material requirements,
    in order. A published version never changes (models guard it), so this is cached per process."""

    version_id: int
    implementation_id: int
    agency_id: int
    agency_path: str
    city_wide: bool
    form_fields: tuple[FormField, ...]
    materials: tuple[Material, ...]


@lru_cache(maxsize=2048)
def version_facts(version_id: int) -> VersionFacts:
    """The facts of one version (cached; `version_facts.cache_clear()` forgets them — tests only)."""
    version = ImplementationVersion.objects.select_related("implementation__agency").get(pk=version_id)
    fields = tuple(FormField.objects.filter(version_id=version_id).select_related("data_element").order_by("order", "id"))
    materials = tuple(Material.objects.filter(version_id=version_id).order_by("order", "id"))
    agency = version.implementation.agency
    return VersionFacts(version_id, version.implementation_id, agency.id, agency.path, version.city_wide, fields, materials)


def current_published_version_id(implementation_id: int) -> int | None:
    """The id of the implementation's current published version (what a filing now is pinned to),
    or None when it has none."""
    return (ImplementationVersion.objects.filter(
        implementation_id=implementation_id, status=VersionStatus.PUBLISHED, implementation__current_version=F("pk"))
        .values_list("pk", flat=True).first())


def version_by_id(version_id: int) -> ImplementationVersion:
    """One version row (no content prefetched; `version_detail` loads everything)."""
    return ImplementationVersion.objects.get(pk=version_id)


# --- For the service map: the facts of every guide in force that decide where it can be done ---


@dataclass(frozen=True)
class PublishedItem:
    """One implementation with a published guide, as the service map needs it (no content)."""

    id: int  # the implementation's id (stable across versions; the guide page's key)
    version_id: int
    name: str
    agency_id: int
    agency_name: str
    exercise_level: str
    for_persons: bool  # 服务对象 includes 自然人: a 公民个人事项
    for_enterprises: bool
    high_frequency: bool
    city_wide: bool  # 全市通办
    weekend_service: bool
    supports_express_delivery: bool  # materials and results may travel (post, lockers)
    supports_online_handling: bool
    place_outlet_ids: tuple[int, ...]  # organisations the guide names as 办理地点


def published_items(ids=None) -> list[PublishedItem]:
    """Every implementation whose current version is published (or those among `ids`), by name."""
    versions = (ImplementationVersion.objects.filter(status=VersionStatus.PUBLISHED,
                                                      implementation__current_version=F("pk"))
                .select_related("implementation__agency").prefetch_related("places").order_by("name", "pk"))
    if ids is not None:
        versions = versions.filter(implementation_id__in=list(ids))
    items = []
    for v in versions:
        objects = set(v.service_objects or [])
        items.append(PublishedItem(
            id=v.implementation_id, version_id=v.pk, name=v.name, agency_id=v.implementation.agency_id,
            agency_name=v.implementation.agency.name, exercise_level=v.implementation.exercise_level,
            for_persons=ServiceObject.NATURAL_PERSON in objects, for_enterprises=ServiceObject.ENTERPRISE in objects,
            high_frequency=v.high_frequency, city_wide=v.city_wide, weekend_service=v.weekend_service,
            supports_express_delivery=v.supports_express_delivery,
            supports_online_handling=v.supports_online_handling,
            place_outlet_ids=tuple(p.outlet_id for p in v.places.all() if p.outlet_id),
        ))
    return items


def published_material_requirements() -> QuerySet:
    """Every material of every guide in force, as plain rows (one query), for figures across the
    catalog: agency, implementation, version name, material name, necessity, source channel and
    the licence type code that can satisfy it."""
    return (Material.objects.filter(version__status=VersionStatus.PUBLISHED)
            .values("id", "name", "necessity", "source_channel", "licence_type_code", "version_id", "version__name",
                    "version__implementation_id", "version__implementation__agency_id",
                    "version__implementation__agency__name", "version__implementation__agency__path")
            .order_by("version__implementation__agency__path", "version_id", "order", "id"))


# Which data elements are not personal, for sealing filed forms (cases: Application.form_data).
# Re-read at most every few seconds: a reclassification reaches intake quickly; an element the
# cache does not know yet is sealed, which is the safe side.
_PLAIN_KEYS_TTL_SECONDS = 10.0
_plain_keys: list = [frozenset(), -1e9]


# Identifiers are personal whatever the flag says (a mis-ticked box must not publish ID numbers).
ALWAYS_PERSONAL_TYPES = (DataType.ID_NUMBER, DataType.PHONE, DataType.ADDRESS)


def non_personal_element_keys() -> frozenset:
    """Keys of the data elements the dictionary marks as not personal (is_personal False, and not
    an ID number, phone number or address)."""
    import time

    now = time.monotonic()
    if now - _plain_keys[1] > _PLAIN_KEYS_TTL_SECONDS:
        _plain_keys[0] = frozenset(DataElement.objects.filter(is_personal=False)
                                   .exclude(data_type__in=ALWAYS_PERSONAL_TYPES).values_list("key", flat=True))
        _plain_keys[1] = now
    return _plain_keys[0]


def forget_element_classification() -> None:
    """Re-read the classification on next use (tests; an edit of the dictionary)."""
    _plain_keys[1] = -1e9
