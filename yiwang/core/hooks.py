"""Named hooks: how a lower app lets the apps above it take part without importing them.

Apps are layered (docs/architecture.md): cases may not import licences, ratings or bundles, yet a
decision must issue a licence and a delivery must invite a rating. So the lower app *calls* a named
hook at the point where something happened ("case.decided"), and each higher app *registers* a
handler for it in its AppConfig.ready(). The same mechanism answers questions a lower app asks of
higher ones (e.g. "which held licences satisfy this material?"): `call` returns what the handlers
return, in registration order.

Handlers run synchronously, inside the caller's transaction: a write they make commits or rolls
back with the event. Anything slow or external (SMS, PDF rendering, a remote system) is the
handler's own `transaction.on_commit` or Celery task. A handler that raises aborts the caller's
transaction, so handlers refuse only what must make the event itself fail.

Hook names are strings `<app>.<event>`; each app documents the hooks it calls in its docs page and
in docs/architecture.md. Core knows no domain app: it only keeps the table.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

_HANDLERS: dict[str, list[Callable[..., Any]]] = defaultdict(list)


def register(hook: str, handler: Callable[..., Any]) -> None:
    """Register `handler` for `hook`; registering the same handler twice keeps one."""
    if handler not in _HANDLERS[hook]:
        _HANDLERS[hook].append(handler)


def call(hook: str, **payload: Any) -> list[Any]:
    """Run every handler of `hook` with the keyword payload; return their results in order."""
    return [handler(**payload) for handler in list(_HANDLERS.get(hook, ()))]


def handlers(hook: str) -> list[Callable[..., Any]]:
    """The registered handlers (for tests and docs)."""
    return list(_HANDLERS.get(hook, ()))
