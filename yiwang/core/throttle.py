"""Counting failed guesses in fixed windows, for lookups that a secret protects.

The public progress lookup is protected by a 6-digit verification code; without a limit, a million
guesses would find any case. Failures are counted per key (the case number, the client address) in
the cache, which is shared by every web process when it is Redis (production: CACHE_URL or
REDIS_URL); the demo's per-process memory cache counts per process, which is enough for one
process. Keys are hashed, so the cache holds no case numbers or addresses.
"""

from __future__ import annotations

from django.core.cache import cache

from yiwang.core.crypto import sm3_hex


def _key(scope: str, value: str) -> str:
    return f"throttle:{scope}:{sm3_hex(value.encode())[:32]}"


def failures(scope: str, value: str) -> int:
    return int(cache.get(_key(scope, value)) or 0)


def record_failure(scope: str, value: str, *, window_seconds: int) -> int:
    """Count one failure; the window starts at the first failure and is not extended by later ones."""
    key = _key(scope, value)
    if cache.add(key, 1, timeout=window_seconds):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.add(key, 1, timeout=window_seconds)
        return 1
