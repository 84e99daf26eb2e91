"""Where a page may send the browser next: only back onto this site (no open redirects)."""

from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request, default: str = "/") -> str:
    """The `next` parameter if it stays on this site, else `default` (no open redirects)."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return default


def is_local_link(request, link: str) -> bool:
    """True for a path on this site ("/cases/…"), never for another host or scheme."""
    return bool(link) and link.startswith("/") and url_has_allowed_host_and_scheme(link, allowed_hosts={request.get_host()})
