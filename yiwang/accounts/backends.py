from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied

from yiwang.accounts.constants import ErrorCode
from yiwang.accounts.network import client_ip
from yiwang.accounts.services import login_attempt
from yiwang.core.errors import DomainError


class IdentityBackend(ModelBackend):
    """Log in with a username, resident ID number, phone number or USCC (looked up through the
    blind indexes; the plaintext is never queried).

    Every password check goes through accounts.services.login_attempt, so the lockout and the
    login records apply to the admin site's login form, `authenticate()` and our login page alike.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if not username or not password:
            return None
        try:
            return login_attempt(identifier=username, password=password, ip=client_ip(request))
        except DomainError as exc:
            if exc.code == ErrorCode.ACCOUNT_LOCKED:
                # Stops authenticate() from trying any other backend for this locked identifier.
                raise DjangoPermissionDenied(exc.message) from exc
            return None
