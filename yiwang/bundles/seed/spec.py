"""How a seeded bundle is written down. A member is named the way the catalog's guide names it,
with its agency (the first one the seed table lists implements it; the others co-handle it), and
the seed's own wording when it differs (`listed_as`). Dependencies, questions and their effects
name members by that catalog name, so the data reads like the tables.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SeedMember:
    item: str  # the catalog guide's name
    agencies: tuple[str, ...]  # as the seed table lists them (short names); the first implements
    listed_as: str = ""  # the seed table's wording, when it differs from the guide's name
    lead: bool = False  # ★ (or our choice where the table has none, see the bundle's note)
    after: tuple[str, ...] = ()  # members (catalog names) whose result it needs first


@dataclass(frozen=True)
class SeedOption:
    value: str
    label: str
    excludes: tuple[str, ...] = ()
    drops: tuple[tuple[str, str], ...] = ()  # (member, material name in its guide)
    adds: tuple[tuple[str, str, str], ...] = ()  # (member, material name, notes)


@dataclass(frozen=True)
class SeedQuestion:
    key: str
    text: str
    help_text: str
    options: tuple[SeedOption, ...]


@dataclass(frozen=True)
class SeedBundle:
    code: str
    source: str  # internal provenance, shown to staff only
    batch: str  # 2024-1 | 2024-2 | 2024-scene | yanta-2021 (as the catalog's copy of the tables)
    no: int
    stage: str  # the seed's stage word
    name: str
    lead_agencies: tuple[str, ...]
    members: tuple[SeedMember, ...]
    questions: tuple[SeedQuestion, ...] = ()
    separate: tuple[str, ...] = ()
    steward: str = "市行政审批局"
    note: str = ""


def m(item: str, *agencies: str, listed_as: str = "", lead: bool = False, after: tuple[str, ...] | str = ()) -> SeedMember:
    return SeedMember(item, tuple(agencies), listed_as, lead, (after,) if isinstance(after, str) else tuple(after))


def o(value: str, label: str, *, excludes: tuple[str, ...] | str = (), drops=(), adds=()) -> SeedOption:
    return SeedOption(value, label, (excludes,) if isinstance(excludes, str) else tuple(excludes), tuple(drops), tuple(adds))


def q(key: str, text: str, help_text: str, *options: SeedOption) -> SeedQuestion:
    return SeedQuestion(key, text, help_text, tuple(options))


def yes_no(key: str, text: str, help_text: str = "", *, no_excludes=(), yes_excludes=(), yes: str = "是", no: str = "否") -> SeedQuestion:
    """The common question: 是 / 否, where one answer excludes members."""
    return q(key, text, help_text, o("yes", yes, excludes=yes_excludes), o("no", no, excludes=no_excludes))
