"""Signing in and out (audience: every visitor). The password check, lockout and login records
are accounts.services.lockout; where a signed-in person lands is accounts.selectors."""

from __future__ import annotations

from django.contrib.auth import login, logout
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from yiwang.accounts import services
from yiwang.accounts.forms import LoginForm
from yiwang.accounts.network import client_ip
from yiwang.accounts.selectors import landing_url_for
from yiwang.core.errors import DomainError, ValidationFailed
from yiwang.core.redirects import safe_next

_BACKEND = "yiwang.accounts.backends.IdentityBackend"


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
def login_view(request):
    form = LoginForm(request.POST if request.method == "POST" else None)
    next_url = safe_next(request, default="")
    if request.method == "POST" and form.is_valid():
        try:
            user = services.login_attempt(identifier=form.cleaned_data["username"],
                                          password=form.cleaned_data["password"], ip=client_ip(request))
        except ValidationFailed as exc:
            form.add_service_errors(exc)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            login(request, user, backend=_BACKEND)
            return redirect(next_url or landing_url_for(user))
    return render(request, "accounts/login.html", {"form": form, "next": next_url})


@require_POST
def logout_view(request):
    if request.user.is_authenticated:
        services.logout_record(actor=request.user, ip=client_ip(request))
    logout(request)
    return redirect("/")
