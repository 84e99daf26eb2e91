"""The client's IP address, for login records. Behind a reverse proxy the address comes from
X-Forwarded-For, but only as many hops as settings.YIWANG_TRUSTED_PROXY_COUNT says are ours (default
0: use REMOTE_ADDR) — otherwise anyone could write any address into the header."""

from __future__ import annotations

import ipaddress

from django.conf import settings


def _valid(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request) -> str | None:
    if request is None:
        return None
    trusted = int(getattr(settings, "YIWANG_TRUSTED_PROXY_COUNT", 0))
    if trusted > 0:
        hops = [h for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
        if len(hops) >= trusted:
            # Each trusted proxy appends the address it received the request from; the client is
            # the entry our outermost trusted proxy appended.
            return _valid(hops[-trusted])
    return _valid(request.META.get("REMOTE_ADDR", ""))
