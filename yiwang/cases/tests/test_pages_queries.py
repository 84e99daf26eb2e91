"""List pages answer in a bounded number of queries, however many rows they show (measured: 5–6)."""

import datetime as dt

import pytest
from django.urls import reverse

from yiwang.cases.services import run_monitoring
from yiwang.cases.tests.page_helpers import accept, file_case, today

pytestmark = pytest.mark.django_db


@pytest.fixture
def many(world, submit):
    return [accept(world, file_case(submit)) for _ in range(4)] + [file_case(submit) for _ in range(2)]


@pytest.mark.parametrize(("who", "url_name", "rows"), [
    ("citizen", "cases:my_cases", slice(None)), ("reviewer", "cases:worklist", slice(0, 4)),
    ("clerk", "cases:clerk_workbench", slice(4, None)), ("supervisor", "cases:warnings", slice(0, 4)),
])
def test_list_pages_do_not_query_per_row(client, world, many, who, url_name, rows, django_assert_max_num_queries):
    if who == "supervisor":
        run_monitoring(today=today() + dt.timedelta(days=60))  # overdue by then: warnings to list
    client.force_login(getattr(world, who))
    with django_assert_max_num_queries(10):
        response = client.get(reverse(url_name))
    assert response.status_code == 200
    assert all(c.number in response.content.decode() for c in many[rows])
