"""Per-process copies of the dispatch catalogue's routing rules and service levels, read on every
intake. They change a few times a month (an administrator edits the catalogue), so each process
keeps them for CACHE_SECONDS; an edit is in force everywhere within that time. A ticket copies the
limits it was dispatched under, so a later change never alters it (indicators stay put)."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings

_STORE: dict[tuple, tuple[float, Any]] = {}


def cache_seconds() -> float:
    return float(getattr(settings, "HOTLINE_CATALOGUE_CACHE_SECONDS", 30.0))


def cached(key: tuple, load):
    hit = _STORE.get(key)
    now = time.monotonic()
    if hit is not None and now - hit[0] < cache_seconds():
        return hit[1]
    value = load()
    _STORE[key] = (now, value)
    return value


def clear() -> None:
    _STORE.clear()
