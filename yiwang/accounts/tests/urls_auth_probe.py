"""A tiny API that only exists in tests, to prove `session_or_token` on a write (POST)."""

from django.urls import path
from ninja import NinjaAPI

from yiwang.accounts.auth import session_or_token

probe_api = NinjaAPI(urls_namespace="auth_probe", docs_url=None)


@probe_api.post("/echo", auth=session_or_token)
def echo(request):
    return {"username": request.auth.username, "request_user": request.user.username}


urlpatterns = [path("probe/", probe_api.urls)]
