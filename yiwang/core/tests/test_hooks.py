from yiwang.core import hooks


def test_handlers_run_in_registration_order_and_return_their_results():
    seen = []

    def first(*, value):
        seen.append(("first", value))
        return value + 1

    def second(*, value):
        seen.append(("second", value))
        return value * 10

    hooks.register("test.order", first)
    hooks.register("test.order", second)
    hooks.register("test.order", first)  # twice: kept once

    assert hooks.call("test.order", value=2) == [3, 20]
    assert seen == [("first", 2), ("second", 2)]


def test_a_hook_nobody_registered_returns_nothing():
    assert hooks.call("test.nobody", value=1) == []
