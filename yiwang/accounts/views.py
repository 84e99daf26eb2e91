"""Login, logout, registration and "我的资料" pages. Views translate between forms and services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from yiwang.accounts import services
from yiwang.accounts.forms import CitizenRegistrationForm, EnterpriseRegistrationForm, LoginForm
from yiwang.accounts.network import client_ip
from yiwang.accounts.selectors import profile_for, recent_logins_for
from yiwang.core.audit import record_event
from yiwang.core.errors import DomainError, ValidationFailed
from yiwang.core.redirects import safe_next

_BACKEND = "yiwang.accounts.backends.IdentityBackend"


def _landing_for(user) -> str:
    return reverse("orgs:workbench") if user.is_staff_member else reverse("accounts:profile")


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
            return redirect(next_url or _landing_for(user))
    return render(request, "accounts/login.html", {"form": form, "next": next_url})


@require_POST
def logout_view(request):
    if request.user.is_authenticated:
        record_event(actor=request.user, action="auth.logout", obj=request.user, details={"ip": client_ip(request)})
    logout(request)
    return redirect("/")


def register_choice(request):
    return render(request, "accounts/register_choice.html")


def _register(request, *, form_class, errors_fn, register_fn, template: str, fields: tuple[str, ...]):
    form = form_class(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        form_ok = form.is_valid()  # the password pair; everything else is the service's to judge
        data = {f: form.cleaned_data.get(f, "") for f in fields}
        problems = errors_fn(**data)
        if problems:
            form.add_service_errors(ValidationFailed(problems))
        elif form_ok:
            try:
                register_fn(**data)
            except ValidationFailed as exc:  # lost a race for the same number
                form.add_service_errors(exc)
            else:
                messages.success(request, "注册成功。请用身份证号（企业用统一社会信用代码）或手机号和刚才设置的密码登录。")
                return redirect(f"{reverse('accounts:login')}?{urlencode({'next': reverse('accounts:profile')})}")
    return render(request, template, {"form": form})


@sensitive_post_parameters("password", "password_confirm")
@csrf_protect
@never_cache
def register_citizen(request):
    return _register(
        request, form_class=CitizenRegistrationForm, errors_fn=services.citizen_registration_errors,
        register_fn=services.citizen_register, template="accounts/register_citizen.html",
        fields=("real_name", "id_number", "phone", "password"),
    )


@sensitive_post_parameters("password", "password_confirm")
@csrf_protect
@never_cache
def register_enterprise(request):
    return _register(
        request, form_class=EnterpriseRegistrationForm, errors_fn=services.enterprise_registration_errors,
        register_fn=services.enterprise_register, template="accounts/register_enterprise.html",
        fields=("org_name", "uscc", "legal_rep_name", "legal_rep_id_number", "phone", "password"),
    )


@login_required
@never_cache
def profile(request):
    user = request.user
    return render(request, "accounts/profile.html", {
        "user_obj": user,
        "profile": profile_for(subject=user, viewer=user),
        "recent_logins": recent_logins_for(user, limit=5),
    })
