"""Write the Xi'an seed: organisations, data elements, the catalog and the life-cycle trees.

Idempotent and keyed by codes: organisations by USCC, data elements by key, base items by basic
code, implementations by implementation code, stages/themes/events by name within their parent.
A row that exists is left exactly as it is — an administrator may have published a newer version
of a guide since — so a second run creates nothing. Everything runs in one transaction: if any new
guide breaks a consistency rule (catalog/rules.py), nothing is written and the error lists every
problem by item.

Published versions are written directly (status "published", number 1) inside
`published_content_writes()`, the one door the immutability guard leaves for seed loaders.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from yiwang.catalog.constants import LifeSubject, VersionStatus
from yiwang.catalog.models import (
    FAQ,
    BaseItem,
    DataElement,
    FeeItem,
    FormField,
    ImplementationVersion,
    ItemImplementation,
    LifeEvent,
    LifeStage,
    LifeTheme,
    Material,
    ServicePlace,
    published_content_writes,
)
from yiwang.catalog.rules import version_problems
from yiwang.catalog.seed import catalog, life_tree
from yiwang.catalog.seed import standard as st
from yiwang.catalog.seed.data_elements import ELEMENTS
from yiwang.catalog.seed.result_samples import cached_sample_pdf, sample_storage_name
from yiwang.core import hooks
from yiwang.core.audit import record_event
from yiwang.orgs.seed import xian_organisations as og
from yiwang.orgs.seed.loader import ACTOR, load_organisations

if TYPE_CHECKING:
    from yiwang.orgs.models import Organisation

CHANGE_NOTE = "西安市种子数据首次发布（manage.py load_xian）"
SUBJECTS = {life_tree.PERSON: LifeSubject.PERSON, life_tree.ENTERPRISE: LifeSubject.ENTERPRISE}


class SeedDataInvalid(Exception):
    """The seed data breaks a rule; the message lists every problem (nothing was written)."""


@dataclass
class LoadResult:
    divisions: int = 0
    organisations: int = 0
    data_elements: int = 0
    base_items: int = 0
    implementations: int = 0
    samples: int = 0
    stages: int = 0
    themes: int = 0
    events: int = 0
    new_implementation_ids: list[int] = field(default_factory=list)
    # What the seed steps of higher apps created ("catalog.xian_seed_loaded" hook): label -> rows.
    steps: dict[str, int] = field(default_factory=dict)

    @property
    def created_anything(self) -> bool:
        return any((self.divisions, self.organisations, self.data_elements, self.base_items, self.implementations,
                    self.stages, self.themes, self.events, *self.steps.values()))


@transaction.atomic
def load_xian() -> LoadResult:
    """Create whatever of the Xi'an seed is missing; see the module docstring."""
    specs = catalog.item_specs()  # expands and checks every spec before anything is written
    orgs = load_organisations()
    result = LoadResult(divisions=orgs.divisions_created, organisations=orgs.organisations_created)
    elements = _load_data_elements(result)
    new_versions = _load_catalog(specs, orgs.by_short_name, elements, result)
    _check_versions(new_versions, specs)
    _load_life_tree(result)
    # Apps above the catalog keep real Xi'an data that builds on it (the bundles of seed 003):
    # their seed steps run here, in the same transaction, so one failure writes nothing at all.
    # Each handler returns {label: rows created}; it raises SeedDataInvalid to refuse the run.
    for created in hooks.call("catalog.xian_seed_loaded"):
        result.steps.update(created or {})
    return result


def _load_data_elements(result: LoadResult) -> dict[str, DataElement]:
    existing = {e.key: e for e in DataElement.objects.all()}
    missing = [DataElement(key=key, name=name, data_type=data_type, options=options, validation=validation, description=description,
                           profile_source=source, is_personal=personal)
               for key, name, data_type, options, validation, description, source, personal in ELEMENTS if key not in existing]
    DataElement.objects.bulk_create(missing)
    result.data_elements = len(missing)
    return {e.key: e for e in DataElement.objects.filter(key__in=[row[0] for row in ELEMENTS])}


def _base_items(specs: list[dict], result: LoadResult) -> dict[str, BaseItem]:
    """The base items (and main items) the new implementations need, by basic code."""
    wanted: dict[str, dict] = {}
    for spec in specs:
        if spec["parent_basic"]:
            code, name, type_label = spec["parent_basic"]
            wanted.setdefault(code, {"name": name, "item_type": st.ITEM_TYPES[type_label], "legal_basis": spec["legal_basis"],
                                     "is_demo": spec["is_demo"], "parent": None})
        wanted.setdefault(spec["basic_code"], {"name": spec["base_name"], "item_type": spec["item_type"], "legal_basis": spec["legal_basis"],
                                               "is_demo": spec["is_demo"], "parent": spec["parent_basic"][0] if spec["parent_basic"] else None})
    items = {b.basic_code: b for b in BaseItem.objects.filter(basic_code__in=wanted)}
    for parents_first in (True, False):
        batch = [BaseItem(basic_code=code, name=row["name"], item_type=row["item_type"], legal_basis=row["legal_basis"], is_demo=row["is_demo"],
                          parent=items.get(row["parent"]) if row["parent"] else None)
                 for code, row in wanted.items() if code not in items and (row["parent"] is None) == parents_first]
        for item in BaseItem.objects.bulk_create(batch):
            items[item.basic_code] = item
        result.base_items += len(batch)
    return items


def _result_samples(specs: list[dict], result: LoadResult) -> dict[str, str]:
    """Storage names of the result samples, one PDF per distinct result name, written once: the name is
    derived from the result name, so a rerun (or another item with the same result) finds it."""
    names = {}
    for result_name, result_type in dict.fromkeys((s["result_name"], s["result_type"]) for s in specs):
        if result_name in names:
            continue
        name = sample_storage_name(result_name)
        if not default_storage.exists(name):
            name = default_storage.save(name, ContentFile(cached_sample_pdf(result_name, result_type)))
            result.samples += 1
        names[result_name] = name
    return names


def _load_catalog(specs: dict[str, dict], orgs: dict[str, Organisation], elements: dict[str, DataElement],
                  result: LoadResult) -> list[ImplementationVersion]:
    existing = set(ItemImplementation.objects.filter(implementation_code__in=[s["implementation_code"] for s in specs.values()])
                   .values_list("implementation_code", flat=True))
    new = [s for s in specs.values() if s["implementation_code"] not in existing]
    if not new:
        return []
    base_items = _base_items(new, result)
    samples = _result_samples(new, result)
    implementations = ItemImplementation.objects.bulk_create([
        ItemImplementation(base_item=base_items[s["basic_code"]], implementation_code=s["implementation_code"],
                           handling_item_code=s["handling_item_code"], handling_item_kind=s["handling_item_kind"], agency=orgs[s["agency"]],
                           exercise_level=s["exercise_level"], is_demo=s["is_demo"])
        for s in new])
    now = timezone.now()
    base_url = getattr(settings, "YIWANG_PUBLIC_BASE_URL", "").rstrip("/")
    with published_content_writes():
        pairs = list(zip(new, implementations, strict=True))
        versions = ImplementationVersion.objects.bulk_create(
            [_version(spec, implementation, samples[spec["result_name"]], now, base_url) for spec, implementation in pairs])
        for implementation, version in zip(implementations, versions, strict=True):
            implementation.current_version = version
        ItemImplementation.objects.bulk_update(implementations, ["current_version"])
        _children(new, versions, orgs, elements)
    for spec, implementation in zip(new, implementations, strict=True):
        record_event(actor=ACTOR, action="catalog.seeded", obj=implementation,
                     details={"implementation_code": spec["implementation_code"], "name": spec["name"], "agency": spec["agency"],
                              "is_demo": spec["is_demo"]})
    result.implementations = len(implementations)
    result.new_implementation_ids = [i.pk for i in implementations]
    return versions


def _version(spec: dict, implementation: ItemImplementation, sample: str, now, base_url: str) -> ImplementationVersion:
    names = ("name", "legal_basis", "agency_nature", "service_objects", "person_themes", "enterprise_themes", "statutory_limit",
             "statutory_limit_unit", "statutory_limit_note", "promised_limit", "promised_limit_unit", "promised_limit_note", "case_kind",
             "special_procedures", "acceptance_conditions", "process", "intermediary_services", "quantity_limit", "handling_forms",
             "online_depth", "visits", "visits_reason", "supports_appointment", "supports_online_payment", "supports_express_delivery",
             "supports_online_handling", "cross_region_scope", "result_name", "result_type", "result_licence_type_code", "fee_charged",
             "fee_basis", "consultation_phone", "complaint_phone", "commitment_eligible", "deferred_material_eligible", "high_frequency",
             "city_wide", "in_hall", "weekend_service", "no_materials_required", "provenance_note")
    values = {name: spec[name] for name in names if name in spec}
    values["statutory_limit_unit"] = spec["statutory_limit_unit"] or ""
    online_url = f"{base_url}/items/{implementation.pk}/" if spec["supports_online_handling"] and base_url else ""
    return ImplementationVersion(implementation=implementation, number=1, status=VersionStatus.PUBLISHED, change_note=CHANGE_NOTE,
                                 published_at=now, result_sample=sample, online_url=online_url, **values)


def _children(specs: list[dict], versions: list[ImplementationVersion], orgs: dict[str, Organisation],
              elements: dict[str, DataElement]) -> None:
    materials, fees, faqs, places, fields, co = [], [], [], [], [], []
    through = ImplementationVersion.co_agencies.through
    for spec, version in zip(specs, versions, strict=True):
        materials += [Material(version=version, order=i, **m) for i, m in enumerate(spec["materials"])]
        fees += [FeeItem(version=version, order=i, name=n, standard=s, reduction=r) for i, (n, s, r) in enumerate(spec["fee_items"])]
        faqs += [FAQ(version=version, order=i, question=q, answer=a) for i, (q, a) in enumerate(spec["faqs"])]
        hours = og.WEEKEND_HOURS if spec["weekend_service"] else og.HALL_HOURS
        for i, short_name in enumerate(_places(spec)):
            org = orgs[short_name]
            places.append(ServicePlace(version=version, order=i, name=org.name, address=org.address, phone=org.phone, outlet=org,
                                       hours=hours if org.kind != "department" else og.HALL_HOURS))
        for i, f in enumerate(spec["form_fields"]):
            fields.append(FormField(version=version, data_element=elements[f["key"]], order=i, section=f["section"], label=f["label"],
                                    required=f["required"], help_text=f["help_text"], options=f["options"]))
        co += [through(implementationversion_id=version.pk, organisation_id=orgs[name].pk) for name in spec["co_agencies"]]
    Material.objects.bulk_create(materials)
    FeeItem.objects.bulk_create(fees)
    FAQ.objects.bulk_create(faqs)
    ServicePlace.objects.bulk_create(places)
    FormField.objects.bulk_create(fields)
    through.objects.bulk_create(co)


def _places(spec: dict) -> list[str]:
    """Where the item is handled: its own list, else the hall its agency sits in, else the agency."""
    if spec["places"]:
        return spec["places"]
    return [catalog.hall_for(spec["agency"])] if spec["in_hall"] else [spec["agency"]]


def _check_versions(versions: list[ImplementationVersion], specs: dict[str, dict]) -> None:
    """Every new guide must pass the rules editors' guides pass (STANDARDS §1); fail listing them all."""
    if not versions:
        return
    by_code = {s["implementation_code"]: s["key"] for s in specs.values()}
    checked = (ImplementationVersion.objects.filter(pk__in=[v.pk for v in versions])
               .select_related("implementation__base_item")
               .prefetch_related("materials", "fee_items", "faqs"))
    lines = [f"{by_code[v.implementation.implementation_code]}（{v.name}）：{p.field} — {p.message}"
             for v in checked for p in version_problems(v)]
    if lines:
        raise SeedDataInvalid(f"西安种子数据有 {len(lines)} 处不符合事项规则，未写入任何数据：\n" + "\n".join(lines))


def _load_life_tree(result: LoadResult) -> None:
    codes = {s["implementation_code"]: key for key, s in catalog.item_specs().items()}
    impl_by_key = {codes[code]: pk for code, pk in
                   ItemImplementation.objects.filter(implementation_code__in=codes).values_list("implementation_code", "pk")}
    new_ids = set(result.new_implementation_ids)
    stages: dict[tuple[str, str], LifeStage] = {(s.subject, s.name): s for s in LifeStage.objects.all()}
    for subject, names in life_tree.stages().items():
        for order, name in enumerate(names, start=1):
            if (SUBJECTS[subject], name) not in stages:
                stages[(SUBJECTS[subject], name)] = LifeStage.objects.create(subject=SUBJECTS[subject], name=name, order=order)
                result.stages += 1
    themes = {(t.stage_id, t.name): t for t in LifeTheme.objects.all()}
    for order, (subject, stage_name, name, code) in enumerate(life_tree.themes(), start=1):
        stage = stages[(SUBJECTS[subject], stage_name)]
        if (stage.pk, name) not in themes:
            themes[(stage.pk, name)] = LifeTheme.objects.create(stage=stage, name=name, code=code, order=order)
            result.themes += 1
    events = {(e.theme_id, e.name): e for e in LifeEvent.objects.all()}
    for order, spec in enumerate(life_tree.events(), start=1):
        theme = themes[(stages[(SUBJECTS[spec["subject"]], spec["stage"])].pk, spec["theme"])]
        ids = [impl_by_key[key] for key in spec["items"] if key in impl_by_key]
        event = events.get((theme.pk, spec["name"]))
        if event is None:
            event = LifeEvent.objects.create(theme=theme, name=spec["name"], description=spec["description"], order=order)
            events[(theme.pk, spec["name"])] = event
            result.events += 1
            event.implementations.add(*ids)
        else:  # an existing event keeps its links; only implementations created by this run join it
            event.implementations.add(*[i for i in ids if i in new_ids])
