"""API fuzzing over the OpenAPI schema (schemathesis): no input, however odd, gives a 5xx.

Every operation of /api/v1/ is called with generated parameters and bodies, as a logged-in
citizen (bearer token) over a small catalog; the only check is "not a server error" — the domain
errors (400/401/403/404/409) are the API doing its job. Examples per operation are few to keep CI
fast; run with YIWANG_FUZZ_EXAMPLES=200 for a deeper pass.
"""

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from config.wsgi_test import application

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
EXAMPLES = int(os.environ.get("YIWANG_FUZZ_EXAMPLES", "12"))


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """Django closes "obsolete" connections when a request ends; the test client switches that off
    while it runs a request, and calls made straight through WSGI must too, or the connection
    holding the test's transaction is closed under it (PostgreSQL)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def token(db):
    from yiwang.accounts.services import api_token_create
    from yiwang.accounts.tests.factories import UserFactory
    from yiwang.catalog.tests.factories import PublishedVersionFactory

    PublishedVersionFactory()
    user = UserFactory()
    return api_token_create(actor=None, user=user, name="fuzz")[1]


@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_input_makes_the_api_fail(case, token):
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=[not_a_server_error])
