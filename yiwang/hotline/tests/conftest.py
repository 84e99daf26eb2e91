import pytest

from yiwang.hotline.tests.world import XIAOZHAI, build_world


@pytest.fixture(autouse=True)
def _fresh_catalogue_cache():
    from yiwang.hotline.catalogue_cache import clear

    clear()
    yield
    clear()


@pytest.fixture
def hw(db):
    return build_world()


@pytest.fixture
def submit(hw):
    """File a ticket as the agent at 小寨 (street rule: automatic dispatch to the street office)."""
    from yiwang.hotline import services

    def make(**kwargs):
        defaults = {"actor": hw.agent, "channel": "phone", "ticket_type": "complaint", "description": "小寨十字每晚有摊贩占道经营",
                        "item": hw.stall, "district": hw.yanta, "street": hw.street, "location": services.Location(*XIAOZHAI),
                        "caller_name": "李明", "caller_phone": "13800000001"}
        defaults.update(kwargs)
        return services.ticket_submit(**defaults)

    return make
