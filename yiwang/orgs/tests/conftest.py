import pytest

from yiwang.orgs.tests.factories import build_tree


@pytest.fixture
def tree(db):
    return build_tree()
