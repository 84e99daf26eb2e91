from django.db import connection
from django.http import HttpResponseRedirect, JsonResponse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from yiwang.core.context_processors import ELDER_COOKIE


def safe_next(request, default: str = "/") -> str:
    """The `next` parameter if it stays on this site, else `default` (no open redirects)."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return default


@require_POST
def toggle_elder(request):
    response = HttpResponseRedirect(safe_next(request))
    if request.COOKIES.get(ELDER_COOKIE) == "1":
        response.delete_cookie(ELDER_COOKIE)
    else:
        response.set_cookie(ELDER_COOKIE, "1", max_age=365 * 24 * 3600, samesite="Lax", httponly=True)
    return response


def ping(request):
    """The trivial JSON endpoint: no database, no session. Benchmarks compare real endpoints to it."""
    return JsonResponse({"ok": True})


def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
