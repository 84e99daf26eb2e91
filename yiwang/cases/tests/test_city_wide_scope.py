"""全城通办: a city-wide item's case is receivable at any general window of the city (the clerk at a
district's centre opens a case of a city agency, and the other way round), other items only where
they were filed or in the agency's own scope."""

import pytest

from yiwang.cases import selectors
from yiwang.cases.access import holds_case_role, window_case_filter
from yiwang.cases.models import Case
from yiwang.catalog.models import ImplementationVersion, published_content_writes
from yiwang.orgs.constants import Role

pytestmark = pytest.mark.django_db


def _visible(actor, case) -> bool:
    return Case.objects.filter(window_case_filter(actor), pk=case.pk).exists()


def test_a_city_wide_case_is_open_to_every_general_window_of_the_city(world, submit):
    case = submit()
    assert not _visible(world.yanta_clerk, case)
    assert selectors.window_case_id_by_number(world.yanta_clerk, case.number) is None
    assert not holds_case_role(actor=world.yanta_clerk, case=case, roles=[Role.WINDOW_CLERK])

    with published_content_writes():  # a fixture arranging the catalog, not code changing it
        ImplementationVersion.objects.filter(pk=world.version.pk).update(city_wide=True)
    case = Case.objects.select_related("version", "agency").get(pk=case.pk)
    assert _visible(world.yanta_clerk, case)
    assert selectors.window_case_id_by_number(world.yanta_clerk, case.number) == case.pk
    assert holds_case_role(actor=world.yanta_clerk, case=case, roles=[Role.WINDOW_CLERK])
    # Once received (here by the city hall), the case is the receiving window's and the agency's.
    from yiwang.cases.services import case_accept

    case_accept(actor=world.clerk, case=case)
    case = Case.objects.select_related("version", "agency").get(pk=case.pk)
    assert not _visible(world.yanta_clerk, case)
    assert not holds_case_role(actor=world.yanta_clerk, case=case, roles=[Role.WINDOW_CLERK])
    # The rule opens the window's work only: a district reviewer gains nothing.
    assert not holds_case_role(actor=world.yanta_reviewer, case=case, roles=[Role.DEPT_REVIEWER])
