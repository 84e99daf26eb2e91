"""Self-registration of citizens and enterprises (audience: visitors). The rules are
accounts.services.registration; the page checks first to show every problem at once."""

from __future__ import annotations

import contextlib

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters

from yiwang.accounts import services
from yiwang.accounts.forms import CitizenRegistrationForm, EnterpriseRegistrationForm
from yiwang.accounts.network import client_ip
from yiwang.core.errors import DomainError, ValidationFailed


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
                user = register_fn(**data)
            except ValidationFailed as exc:  # lost a race for the same number
                form.add_service_errors(exc)
            else:
                with contextlib.suppress(DomainError):  # rate limit: the confirm page offers to send again
                    services.phone_confirmation_send(user=user, ip=client_ip(request))
                messages.success(request, "注册成功。短信验证码已发送至您填写的手机号。请用身份证号（企业用统一社会信用代码）"
                                          "或手机号和刚才设置的密码登录，然后输入验证码确认手机号。")
                return redirect(f"{reverse('accounts:login')}?{urlencode({'next': reverse('accounts:phone_confirm')})}")
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
