"""忘记密码 and 确认手机号 (audience: visitors; the signed-in person). The rules — codes, limits,
no telling whether an account exists — are accounts.services.phone_codes."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from yiwang.accounts import services
from yiwang.accounts.forms import PasswordResetForm, PasswordResetRequestForm, PhoneConfirmForm
from yiwang.accounts.network import client_ip
from yiwang.core.errors import DomainError, ValidationFailed

# What was typed on the first step, kept in the (server-side) session for the second — not the
# account it names: step 2 resolves it again, so both steps behave alike for unknown accounts.
_SESSION_KEY = "password_reset_identifier"


@csrf_protect
@never_cache
def password_reset_request(request):
    form = PasswordResetRequestForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        identifier = form.cleaned_data["username"]
        try:
            message = services.password_reset_request(identifier=identifier, ip=client_ip(request))
        except ValidationFailed as exc:
            form.add_service_errors(exc)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            request.session[_SESSION_KEY] = identifier.strip()
            messages.info(request, message)
            return redirect("accounts:password_reset")
    return render(request, "accounts/password_reset_request.html", {"form": form})


@sensitive_post_parameters("code", "new_password", "confirm_password")
@csrf_protect
@never_cache
def password_reset(request):
    identifier = request.session.get(_SESSION_KEY)
    if not identifier:
        return redirect("accounts:password_reset_request")
    form = PasswordResetForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.password_reset_confirm(identifier=identifier, code=data["code"], new=data["new_password"],
                                            confirm=data["confirm_password"], ip=client_ip(request))
        except ValidationFailed as exc:
            form.add_service_errors(exc)
        else:
            request.session.pop(_SESSION_KEY, None)
            messages.success(request, "密码已重新设置，其他设备上的登录已失效。请用新密码登录。")
            return redirect("accounts:login")
    return render(request, "accounts/password_reset.html", {"form": form})


@login_required
@csrf_protect
@never_cache
def phone_confirm(request):
    user = request.user
    form = PhoneConfirmForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.phone_confirm(user=user, code=form.cleaned_data["code"])
        except ValidationFailed as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, "手机号已确认。")
            return redirect("accounts:profile")
    return render(request, "accounts/phone_confirm.html", {"form": form, "user_obj": user})


@require_POST
@login_required
@csrf_protect
def phone_confirm_resend(request):
    try:
        services.phone_confirmation_send(user=request.user, ip=client_ip(request))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.info(request, "验证码已发送至您登记的手机，10 分钟内有效。")
    return redirect("accounts:phone_confirm")
