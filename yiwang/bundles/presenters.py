"""A checklist, a definition and figures as plain dicts: one shape for the API and the pages'
htmx fragments, so both say the same thing."""

from __future__ import annotations

from decimal import Decimal

from django.urls import reverse

from yiwang.bundles.checklist import Checklist
from yiwang.bundles.definition import Definition
from yiwang.bundles.figures import Figures
from yiwang.catalog.constants import DataType, MaterialNecessity, MaterialSource, MaterialType

NECESSITY = dict(MaterialNecessity.choices)
SOURCE = dict(MaterialSource.choices)
KIND = dict(MaterialType.choices)
TYPES = dict(DataType.choices)


def number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def figures(f: Figures) -> dict:
    return {
        "members": f.members, "departments": f.departments,
        "materials_before": f.materials_before, "materials_after": f.materials_after, "materials_reduction": number(f.materials_reduction),
        "visits_before": f.visits_before, "visits_after": f.visits_after, "visits_reduction": number(f.visits_reduction),
        "days_before": float(f.days_before), "days_after": float(f.days_after), "time_reduction": number(f.time_reduction),
        "fields_before": f.fields_before, "fields_after": f.fields_after, "fields_reduction": number(f.fields_reduction),
    }


def copies(material) -> str:
    """"原件1份、复印件1份" as a guide says it."""
    parts = []
    if material.material_type in ("original", "original_and_copy", "original_or_copy") and material.original_copies:
        parts.append(f"原件{material.original_copies}份")
    if material.material_type in ("copy", "original_and_copy") and material.copy_copies:
        parts.append(f"复印件{material.copy_copies}份")
    if material.material_type == "original_or_copy":
        return "原件或复印件1份"
    return "、".join(parts) or KIND.get(material.material_type, "")


def checklist(c: Checklist) -> dict:
    names = {m.id: m.name for m in c.definition.members}
    return {
        "answers": [{"key": q.key, "question": q.text, "value": o.value, "label": o.label} for q, o in c.selection.answered],
        "members": [{"id": m.id, "name": m.name, "agency": m.agency, "is_lead": m.is_lead, "promised_limit": m.promised_text,
                     "visits": m.visits, "waits_for": sorted(c.waits_for.get(m.id, ()))} for m in c.members],
        "excluded": [{"id": m.id, "name": m.name, "reason": reason} for m, reason in c.excluded],
        "waves": [[m.id for m in wave] for wave in c.waves],
        "materials": [{
            "key": x.key, "name": x.name, "necessity": x.necessity, "necessity_label": NECESSITY.get(x.necessity, x.necessity),
            "source_channel": x.source_channel, "source_label": SOURCE.get(x.source_channel, x.source_channel),
            "licence_type_code": x.licence_type_code, "copies": copies(x), "notes": x.notes, "submitted": x.submitted,
            "members": list(x.members), "member_names": [names.get(i, "") for i in x.members],
            "covers": [{"member": cov.member, "material": cov.material.name} for cov in x.covers],
            "notice": c.notices.get(x.key, ""),
        } for x in c.materials.merged],
        "held": [{"key": h.entry.key, "name": h.entry.name, "licence_name": h.licence_name, "identifier": h.identifier,
                  "reason": h.reason, "members": list(h.entry.members)} for h in c.held],
        "dropped": [{"member": d.member, "member_name": d.title, "material": d.material.name, "reason_code": d.reason_code, "reason": d.reason}
                    for d in c.dropped],
        "form": [{"name": f.name, "element": f.element, "label": f.label, "type": f.data_type, "type_label": TYPES.get(f.data_type, f.data_type),
                  "required": f.required, "options": [{"value": v, "label": lab} for v, lab in f.options], "help": f.help_text,
                  "section": f.section, "members": list(f.members)} for f in c.form.fields],
        "figures": figures(c.figures),
    }


def members(definition: Definition) -> list[dict]:
    return [{"id": m.id, "name": m.name, "listed_as": m.listed_as, "agency": m.agency, "agency_id": m.agency_id, "is_lead": m.is_lead,
             "depends_on": sorted(m.depends_on), "promised_limit": number(m.promised_limit) if m.promised_unit != "immediate" else 0.0,
             "promised_limit_unit": m.promised_unit, "promised_text": m.promised_text, "visits": m.visits,
             "guide_url": reverse("catalog:guide", args=[m.id])}
            for m in sorted(definition.members, key=lambda m: (m.order, m.id))]


def questions(definition: Definition) -> list[dict]:
    return [{"key": q.key, "text": q.text, "help_text": q.help_text, "options": [{"value": o.value, "label": o.label} for o in q.options]}
            for q in definition.questions]
