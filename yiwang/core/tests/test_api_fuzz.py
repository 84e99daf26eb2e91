"""API fuzzing over the OpenAPI schema (schemathesis): no input, however odd, gives a 5xx.

Every operation of /api/v1/ is called with generated parameters and bodies under five identities —
anonymous, a citizen by bearer token and by session (with its CSRF token), a staff member holding
every role at a city organisation by token and by session — over a small catalog and one case.
The only check is "not a server error": the domain errors (400/401/403/404/409/413/429) are the
API doing its job. Examples per operation and identity are few to keep CI within a few minutes;
run with YIWANG_FUZZ_EXAMPLES=200 for a deeper pass (docs/security.md gives the figures).
"""

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from config.wsgi_test import application

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
EXAMPLES = int(os.environ.get("YIWANG_FUZZ_EXAMPLES", "5"))
IDENTITIES = ["anonymous", "citizen-token", "citizen-session", "staff-token", "staff-session"]


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


def _credentials(user, how: str) -> dict:
    from django.test import Client
    from django.utils.crypto import get_random_string

    from yiwang.accounts.services import api_token_create

    if how == "token":
        return {"headers": {"Authorization": f"Bearer {api_token_create(actor=None, user=user, name='fuzz')[1]}"}}
    client = Client()
    client.force_login(user)
    csrf = get_random_string(32)
    return {"headers": {"X-CSRFToken": csrf}, "cookies": {"sessionid": client.cookies["sessionid"].value, "csrftoken": csrf}}


@pytest.fixture(params=IDENTITIES)
def identity(request, db):
    from yiwang.accounts.tests.factories import StaffFactory, UserFactory
    from yiwang.catalog.tests.factories import PublishedVersionFactory
    from yiwang.orgs.constants import Role
    from yiwang.orgs.models import RoleGrant

    version = PublishedVersionFactory()
    if request.param == "anonymous":
        return {}
    kind, how = request.param.split("-")
    if kind == "citizen":
        return _credentials(UserFactory(), how)
    staff = StaffFactory()
    organisation = version.implementation.agency
    for role in Role.values:
        RoleGrant.objects.create(user=staff, organisation=organisation, role=role)
    return _credentials(staff, how)


@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_input_makes_the_api_fail(case, identity):
    case.call_and_validate(headers=identity.get("headers"), cookies=identity.get("cookies"), checks=[not_a_server_error])
