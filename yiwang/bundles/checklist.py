"""The merged checklist of a bundle for the answers given: which members apply (and why the others
do not), in which order they run, the one form, the one set of materials, and the figures. Pure
over a Definition (definition.py); `held_lookup` is how selectors.py lets the apps that know what
an applicant already holds take part (the `bundles.held_materials` hook) without this module
touching the database.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from yiwang.bundles.definition import Definition, Member
from yiwang.bundles.figures import Figures, MemberLoad, bundle_figures
from yiwang.bundles.graph import prerequisites, start_order
from yiwang.bundles.merge_forms import FormMerge, FormPart, merge_forms
from yiwang.bundles.merge_materials import (
    ONLINE_FORM,
    SUBMITTED,
    DroppedMaterial,
    MaterialMerge,
    MaterialPart,
    MergedMaterial,
    merge_materials,
)
from yiwang.bundles.situations import Selection, apply_answers

# A handler of `bundles.held_materials` answers per merged entry key either a reason (str: held,
# dropped with that reason) or an offer {"satisfies": bool, "message": str, "identifier": str,
# "licence_name": str, ...}: satisfying → held (dropped, the message is the reason, the identifier
# kept); not satisfying (an expired or revoked licence) → still to be handed in, the message told.
HeldLookup = Callable[[tuple[MergedMaterial, ...]], Mapping[str, "str | Mapping"]]


@dataclass(frozen=True)
class HeldMaterial:
    """A merged entry the government holds for the applicant (免提交), with what said so."""

    entry: MergedMaterial
    reason: str
    identifier: str = ""
    licence_name: str = ""


@dataclass
class Checklist:
    definition: Definition
    selection: Selection
    members: list[Member]
    excluded: list[tuple[Member, str]]
    waves: list[list[Member]]
    waits_for: dict[int, frozenset[int]]
    form: FormMerge
    materials: MaterialMerge
    dropped: list[DroppedMaterial] = field(default_factory=list)  # by answers and by the merge
    figures: Figures | None = None
    held: list[HeldMaterial] = field(default_factory=list)  # entries dropped as held, with the source
    notices: dict[str, str] = field(default_factory=dict)  # entry key -> why a held document does not serve

    @property
    def submitted(self) -> list[MergedMaterial]:
        return [m for m in self.materials.merged if m.submitted]

    @property
    def optional(self) -> list[MergedMaterial]:
        return [m for m in self.materials.merged if not m.submitted]


def _material_part(member: Member, selection: Selection, waits: frozenset[int]) -> tuple[MaterialPart, list[DroppedMaterial]]:
    kept, dropped = [], []
    for material in member.materials:
        why = selection.drops.get((member.id, material.name))
        if why:
            dropped.append(DroppedMaterial(member.id, member.title, material, "answer", f"{why}，无需提交「{material.name}」。"))
        else:
            kept.append(material)
    kept.extend(selection.adds.get(member.id, []))
    return MaterialPart(member.id, member.order, member.title, tuple(kept), member.result_name, member.result_licence_type_code, waits), dropped


def build_checklist(definition: Definition, answers: Mapping[str, str] | None = None, *, held_lookup: HeldLookup | None = None) -> Checklist:
    answers = answers or {}
    ordered = sorted(definition.members, key=lambda m: (m.order, m.id))
    selection = apply_answers(definition.questions, [m.id for m in ordered], answers)
    applicable = [m for m in ordered if m.id in set(selection.applicable)]
    excluded = [(m, selection.excluded[m.id]) for m in ordered if m.id in selection.excluded]
    waits_for = prerequisites([m.id for m in ordered], definition.depends_on, among=[m.id for m in applicable])

    parts, answer_drops = [], []
    for member in applicable:
        part, dropped = _material_part(member, selection, waits_for[member.id])
        parts.append(part)
        answer_drops.extend(dropped)
    materials = merge_materials(parts)
    held_entries: list[HeldMaterial] = []
    notices: dict[str, str] = {}
    if held_lookup is not None:
        held, held_entries, notices = _held_answers(materials.merged, held_lookup(materials.merged) or {})
        if held:
            materials = merge_materials(parts, held=held)
    form = merge_forms([FormPart(m.id, m.order, m.title, m.fields) for m in applicable], separate=definition.separate_elements)

    by_id = {m.id: m for m in applicable}
    waves = [[by_id[i] for i in wave] for wave in start_order([m.id for m in applicable], waits_for)]
    before = sum(1 for part in parts for material in part.materials if material.necessity in SUBMITTED)
    figures = bundle_figures([MemberLoad(m.id, m.agency_id, m.days, m.visits) for m in applicable], waits_for,
                             materials_before=before, materials_after=materials.submitted_count,
                             fields_before=form.fields_before, fields_after=form.fields_after)
    return Checklist(definition=definition, selection=selection, members=applicable, excluded=excluded, waves=waves,
                     waits_for=waits_for, form=form, materials=materials, dropped=[*answer_drops, *materials.dropped],
                     figures=figures, held=held_entries, notices=notices)


def _held_answers(merged: tuple[MergedMaterial, ...], answers: Mapping) -> tuple[dict[str, str], list[HeldMaterial], dict[str, str]]:
    """Split the handlers' answers into held reasons (for merge_materials), the held entries with
    their source, and the notices for entries a held document does not serve (expired, revoked)."""
    by_key = {entry.key: entry for entry in merged}
    held: dict[str, str] = {}
    entries: list[HeldMaterial] = []
    notices: dict[str, str] = {}
    for key, answer in answers.items():
        entry = by_key.get(key)
        if entry is None or entry.source_channel == ONLINE_FORM:
            continue
        if isinstance(answer, str):
            held[key] = answer
            entries.append(HeldMaterial(entry, answer))
        elif isinstance(answer, Mapping) and answer.get("satisfies"):
            reason = str(answer.get("message") or "")
            held[key] = reason
            entries.append(HeldMaterial(entry, reason, str(answer.get("identifier") or ""), str(answer.get("licence_name") or "")))
        elif isinstance(answer, Mapping) and answer.get("message"):
            notices[key] = str(answer["message"])
    return held, entries, notices
