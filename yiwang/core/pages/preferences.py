"""Display preferences every visitor may set, before login too (elder mode)."""

from django.http import HttpResponseRedirect
from django.views.decorators.http import require_POST

from yiwang.core.context_processors import ELDER_COOKIE
from yiwang.core.redirects import safe_next


@require_POST
def toggle_elder(request):
    response = HttpResponseRedirect(safe_next(request))
    if request.COOKIES.get(ELDER_COOKIE) == "1":
        response.delete_cookie(ELDER_COOKIE)
    else:
        response.set_cookie(ELDER_COOKIE, "1", max_age=365 * 24 * 3600, samesite="Lax", httponly=True)
    return response
