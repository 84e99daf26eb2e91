"""One set of materials for a bundle (一次提交). Pure: no database.

Each material a member's guide lists ends up in exactly one place: in one entry of the merged
list (which says which members' materials it stands for), or among the dropped ones with the
reason. Nothing is lost silently. The rules, in the order they apply:

1. 信息免交 (necessity "exempt"): the agency gets the information itself — dropped, reason shown.
2. Provided by an earlier member: a member that this one waits for (directly or through others)
   issues, as its result, the very document asked for — the 营业执照 of 个体工商户设立登记 for
   小餐饮经营许可 — so it is not asked for: dropped, naming that member. "The very document" means the
   same e-licence type *and* the same document by name (after the normalisation below, a trailing
   bracketed qualifier aside): a material of the same type held by someone else (代领人有效身份证件)
   is not the result. Without a licence type the names must agree exactly (出口许可证).
3. 多表合一: every material filled in online (在线填报: application forms, declarations, signed
   promises and authorisations) is part of the one online application of the bundle, so they are
   one entry, 一件事联办申请表, that lists the forms it covers.
4. The same material asked by several members is submitted once. "The same" means: the same
   e-licence type (or none) and the same name once normalised — whitespace and bracket widths
   ignored, a leading 有效 and the form words 原件/复印件/正副本… at the end dropped, so
   "营业执照副本原件及复印件" and "营业执照正副本" are one material (and, for a document with a licence
   type, a trailing bracketed qualifier is dropped too: 营业执照（事业单位法人证书）). Names that still differ stay apart,
   even for one licence type ("法定代表人居民身份证" ≠ "经办人居民身份证"): merging too little costs the
   applicant a sheet of paper, merging too much loses a document. The merged entry asks for the
   most any member asks: original and/or copy, the largest number of copies, the strongest
   necessity (必要 > 容缺后补 > 非必要).
5. Held by the government (免提交): `held` maps merged-entry keys to a reason, answered by the
   apps that know what an applicant already holds (the `bundles.held_materials` hook, called by
   selectors.py; the e-licence app answers it, checklist.py turns its answers into reasons). Those
   entries are dropped with the reason.

Order-independent (members sorted by bundle order and id) and idempotent (a member given twice,
or the merged list merged again, changes nothing).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

NECESSITY_RANK = {"required": 3, "deferrable": 2, "optional": 1, "exempt": 0}
SUBMITTED = frozenset({"required", "deferrable"})  # what an applicant must hand in (now or later)
ONLINE_FORM = "online_form"
FORM_KEY = "form:merged"
FORM_NAME = "一件事联办申请表（多表合一）"
_FORM_WORDS = ("原件及复印件", "原件和复印件", "原件或复印件", "复印件", "原件", "正副本", "副本", "正本")


@dataclass(frozen=True)
class MaterialSpec:
    name: str
    necessity: str = "required"
    source_channel: str = "applicant"
    licence_type_code: str = ""
    material_type: str = "original"
    medium: str = "both"
    original_copies: int = 1
    copy_copies: int = 0
    issuing_body: str = ""
    notes: str = ""


@dataclass(frozen=True)
class MaterialPart:
    """One member's materials, with what it issues and which members it waits for (transitively,
    among the members that apply)."""

    member: int
    order: int
    title: str
    materials: tuple[MaterialSpec, ...]
    result_name: str = ""
    result_licence_type_code: str = ""
    prerequisites: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Covered:
    member: int
    title: str
    material: MaterialSpec


@dataclass(frozen=True)
class MergedMaterial:
    key: str
    name: str
    necessity: str
    source_channel: str
    licence_type_code: str
    material_type: str
    medium: str
    original_copies: int
    copy_copies: int
    issuing_body: str
    notes: str
    covers: tuple[Covered, ...]

    @property
    def submitted(self) -> bool:
        return self.necessity in SUBMITTED

    @property
    def members(self) -> tuple[int, ...]:
        return tuple(dict.fromkeys(c.member for c in self.covers))

    @property
    def member_titles(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(c.title for c in self.covers))

    def as_spec(self) -> MaterialSpec:
        return MaterialSpec(self.name, self.necessity, self.source_channel, self.licence_type_code, self.material_type, self.medium,
                            self.original_copies, self.copy_copies, self.issuing_body, self.notes)


@dataclass(frozen=True)
class DroppedMaterial:
    member: int
    title: str
    material: MaterialSpec
    reason_code: str  # exempt | provided | held | answer
    reason: str


@dataclass(frozen=True)
class MaterialMerge:
    merged: tuple[MergedMaterial, ...]
    dropped: tuple[DroppedMaterial, ...]

    @property
    def submitted_count(self) -> int:
        return sum(1 for m in self.merged if m.submitted)


def core_name(name: str) -> str:
    """A material's name as compared (rule 4)."""
    text = re.sub(r"\s+", "", name or "").replace("(", "（").replace(")", "）")
    if text.startswith("有效"):
        text = text[2:]
    changed = True
    while changed:
        changed = False
        for word in _FORM_WORDS:
            if text.endswith(word) and len(text) > len(word):
                text = text[: -len(word)]
                changed = True
    return text


def identity(material: MaterialSpec) -> str:
    """Rule 4's key. A document with a licence type is named by its base name, so a bracketed
    qualifier (营业执照（事业单位法人证书）) does not make it another document."""
    if material.source_channel == ONLINE_FORM:
        return FORM_KEY
    name = base_name(material.name) if material.licence_type_code else core_name(material.name)
    return f"{material.licence_type_code}|{name}"


def base_name(name: str) -> str:
    """A core name without a trailing bracketed qualifier: 营业执照（个体工商户） -> 营业执照."""
    text = core_name(name)
    if text.endswith("）") and "（" in text:
        stem = text[: text.rindex("（")]
        return stem or text
    return text


def is_result_of(material: MaterialSpec, part: MaterialPart) -> bool:
    """Rule 2: `material` is the document `part` issues as its result — the same e-licence type
    and the same document by name (a bracketed qualifier aside: 营业执照 is 营业执照（个体工商户）).
    Without a licence type on either side the names must agree exactly (after normalisation)."""
    if material.licence_type_code != part.result_licence_type_code or not part.result_name:
        return False
    if material.licence_type_code:
        return base_name(material.name) == base_name(part.result_name)
    return core_name(material.name) == core_name(part.result_name)


def _combine(key: str, covers: list[Covered]) -> MergedMaterial:
    specs = [c.material for c in covers]
    first = specs[0]
    types = {s.material_type for s in specs}
    needs_original = bool(types & {"original", "original_and_copy"})
    needs_copy = bool(types & {"copy", "original_and_copy"})
    if needs_original and needs_copy:
        material_type = "original_and_copy"
    elif needs_original:
        material_type = "original"
    elif needs_copy:
        material_type = "copy"
    else:
        material_type = first.material_type
    media = {s.medium for s in specs}
    necessity = max((s.necessity for s in specs), key=lambda n: NECESSITY_RANK.get(n, 3))
    if key == FORM_KEY:
        names = "、".join(dict.fromkeys(c.material.name for c in covers))
        return MergedMaterial(key, FORM_NAME, necessity, ONLINE_FORM, "", "original", "electronic", 1, 0, "申请人",
                              f"在线一次填写、一次签署，包含：{names}。", tuple(covers))
    return MergedMaterial(
        key=key, name=first.name, necessity=necessity, source_channel=first.source_channel,
        licence_type_code=first.licence_type_code, material_type=material_type,
        medium=media.pop() if len(media) == 1 else "both",
        original_copies=max(s.original_copies for s in specs), copy_copies=max(s.copy_copies for s in specs),
        issuing_body=first.issuing_body, notes=next((s.notes for s in specs if s.notes), ""), covers=tuple(covers),
    )


def merge_materials(parts: Iterable[MaterialPart], *, held: Mapping[str, str] | None = None) -> MaterialMerge:
    """The merged materials of `parts` and the dropped ones (see the module docstring)."""
    ordered = sorted(set(parts), key=lambda p: (p.order, p.member, repr(p)))
    by_member = {p.member: p for p in ordered}
    groups: dict[str, list[Covered]] = {}
    dropped: list[DroppedMaterial] = []
    for part in ordered:
        seen_in_part: set[MaterialSpec] = set()
        for material in part.materials:
            if material in seen_in_part:
                continue
            seen_in_part.add(material)
            if material.necessity == "exempt":
                dropped.append(DroppedMaterial(part.member, part.title, material, "exempt",
                                               f"信息免交：「{material.name}」由「{part.title}」的办理部门通过共享数据获取。"))
                continue
            provider = next((by_member[m] for m in sorted(part.prerequisites, key=lambda m: (by_member[m].order, m))
                             if m in by_member and is_result_of(material, by_member[m])), None)
            if provider is not None:
                dropped.append(DroppedMaterial(part.member, part.title, material, "provided",
                                               f"「{material.name}」由本一件事中先办理的「{provider.title}」出具（{provider.result_name}），"
                                               "部门间直接共享，无需提交。"))
                continue
            groups.setdefault(identity(material), []).append(Covered(part.member, part.title, material))
    merged = [_combine(key, covers) for key, covers in groups.items()]
    held = held or {}
    kept = []
    for entry in merged:
        if entry.key in held:
            dropped.extend(DroppedMaterial(c.member, c.title, c.material, "held", held[entry.key]) for c in entry.covers)
        else:
            kept.append(entry)
    return MaterialMerge(merged=tuple(kept), dropped=tuple(dropped))
