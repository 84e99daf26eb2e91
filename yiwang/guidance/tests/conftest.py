import pytest
from django.db import connection, transaction

from yiwang.cases.tests.conftest import world  # noqa: F401 (the cases world, for the wizard tests)


@pytest.fixture(scope="module")
def xian(django_db_setup, django_db_blocker):
    """The Xi'an seed (catalog and bundles) for the module, rolled back after it."""
    from yiwang.catalog.seed.loader import load_xian

    with django_db_blocker.unblock():
        with transaction.atomic():
            load_xian()
            yield
            transaction.set_rollback(True)
        connection.close()


@pytest.fixture
def seeded(xian, db):
    return None
