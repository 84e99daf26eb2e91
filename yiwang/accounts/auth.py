"""Authentication for the API: sessions for pages (with CSRF), bearer tokens for systems.

Routers of every app use `session_or_token` for endpoints that need a logged-in caller; the caller
is `request.auth` (also set as `request.user` for token calls, so services get the same object).
"""

from __future__ import annotations

from ninja.security import HttpBearer, SessionAuth

from yiwang.accounts.services import api_token_use


class ApiTokenAuth(HttpBearer):
    """`Authorization: Bearer yw_…` — a token created with `manage.py create_api_token`."""

    def authenticate(self, request, token: str):
        user = api_token_use(token=token.strip())
        if user is not None:
            request.user = user
        return user


class SessionAuthWithCsrf(SessionAuth):
    """django-ninja's session auth (`ninja.security.django_auth`, CSRF check included), except that
    a caller with no session at all is simply not authenticated by it (401 from the API) instead
    of failing the CSRF check (403) — the CSRF check is for sessions."""

    def __call__(self, request):
        if not request.user.is_authenticated:
            return None
        return super().__call__(request)


# The token is tried first on purpose: ninja stops at the first auth class that raises, and the
# session class raises "CSRF check failed" for any POST without a CSRF cookie — which a system
# calling with a token never has. Without an Authorization header the token class passes (returns
# None) and the session class, CSRF check included, decides.
session_or_token = [ApiTokenAuth(), SessionAuthWithCsrf()]
