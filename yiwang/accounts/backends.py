from django.contrib.auth.backends import ModelBackend

from yiwang.accounts.selectors import user_by_identifier


class IdentityBackend(ModelBackend):
    """Log in with a username, resident ID number, phone number or USCC (looked up through the
    blind indexes; the plaintext is never queried)."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if not username or password is None:
            return None
        user = user_by_identifier(username)
        if user is None:
            # Run the hasher anyway so timing does not reveal which identifiers exist.
            self.user_model().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None

    @property
    def user_model(self):
        from django.contrib.auth import get_user_model

        return get_user_model()
