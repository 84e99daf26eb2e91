"""A small catalog team for editor tests: one agency with a department under it, an editor, a
second editor, a reviewer, a person with both roles, and an outsider (editor elsewhere)."""

from __future__ import annotations

from dataclasses import dataclass

from yiwang.catalog.tests.factories import PublishedVersionFactory, catalog_editor, catalog_reviewer
from yiwang.orgs.tests.factories import OrganisationFactory, RoleGrantFactory


@dataclass
class Team:
    bureau: object       # the agency at whose level roles are granted
    department: object   # an organisation under it (roles cover the subtree)
    other_agency: object
    editor: object
    editor2: object
    reviewer: object
    both: object         # editor and reviewer
    outsider: object     # editor of other_agency only
    published: object    # a published version of an implementation of `department`


def make_team() -> Team:
    bureau = OrganisationFactory(name="西安市测试局")
    department = OrganisationFactory(name="西安市测试局审批处", parent=bureau, division=bureau.division)
    other = OrganisationFactory(name="西安市另一局")
    both = catalog_editor(bureau, username="both")
    RoleGrantFactory(user=both, organisation=bureau, role="catalog_reviewer")
    published = PublishedVersionFactory(implementation__agency=department, name="食品经营许可（新办）")
    return Team(
        bureau=bureau, department=department, other_agency=other,
        editor=catalog_editor(bureau, username="editor"), editor2=catalog_editor(bureau, username="editor2"),
        reviewer=catalog_reviewer(bureau, username="reviewer"), both=both,
        outsider=catalog_editor(other, username="outsider"), published=published,
    )
