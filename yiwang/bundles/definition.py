"""A bundle as pure data: its members with the facts of their guides in force, its questions and
the elements asked per member. selectors.py builds one from the database; everything that
decides something about a bundle (checklist.py, rules.py, figures.py) works on this, so it is
tested without a database and gives the same answer on the public page, in the API and at review.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from yiwang.bundles.figures import working_days
from yiwang.bundles.merge_forms import FieldSpec
from yiwang.bundles.merge_materials import MaterialSpec
from yiwang.bundles.situations import Question


@dataclass(frozen=True)
class Member:
    id: int  # the implementation's id: stable across versions of the bundle and of the item
    order: int
    name: str  # the guide's name
    agency_id: int
    agency: str
    listed_as: str = ""  # the name in the city's list (seed 003), when it differs
    is_lead: bool = False
    depends_on: frozenset[int] = frozenset()
    promised_limit: Decimal | None = Decimal(0)
    promised_unit: str = "working_day"
    promised_text: str = ""
    visits: int = 0
    result_name: str = ""
    result_licence_type_code: str = ""
    fields: tuple[FieldSpec, ...] = ()
    materials: tuple[MaterialSpec, ...] = ()
    published: bool = True  # the implementation has a guide in force

    @property
    def days(self) -> Decimal:
        return working_days(self.promised_limit, self.promised_unit)

    @property
    def title(self) -> str:
        return self.name


@dataclass(frozen=True)
class Definition:
    name: str
    members: tuple[Member, ...]
    questions: tuple[Question, ...] = ()
    separate_elements: frozenset[str] = frozenset()
    lead_agency_id: int | None = None
    lead_agency: str = ""
    stage_id: int | None = None

    def member(self, member_id: int) -> Member | None:
        return next((m for m in self.members if m.id == member_id), None)

    @property
    def depends_on(self) -> dict[int, frozenset[int]]:
        return {m.id: m.depends_on for m in self.members}
