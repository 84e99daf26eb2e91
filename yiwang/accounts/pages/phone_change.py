"""更换手机号 (audience: the signed-in person): the current password and the new number, then the
code sent to the new number. The rules are accounts.services.phone_codes."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters

from yiwang.accounts import services
from yiwang.accounts.forms import PhoneChangeConfirmForm, PhoneChangeForm
from yiwang.accounts.network import client_ip
from yiwang.core.crypto import mask_phone
from yiwang.core.errors import DomainError, ValidationFailed


@sensitive_post_parameters("current_password")
@login_required
@csrf_protect
@never_cache
def phone_change(request):
    form = PhoneChangeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.phone_change_request(user=request.user, current_password=data["current_password"],
                                          new_phone=data["new_phone"], ip=client_ip(request))
        except ValidationFailed as exc:
            form.add_service_errors(exc)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            return redirect("accounts:phone_change_confirm")
    return render(request, "accounts/phone_change.html", {"form": form})


@login_required
@csrf_protect
@never_cache
def phone_change_confirm(request):
    pending = services.phone_change_pending(user=request.user)
    if pending is None:
        messages.info(request, "没有待确认的手机号更换，或验证码已失效，请重新填写。")
        return redirect("accounts:phone_change")
    form = PhoneChangeConfirmForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.phone_change_confirm(user=request.user, code=form.cleaned_data["code"], ip=client_ip(request))
        except ValidationFailed as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, "手机号已更换并确认。原手机号将收到一条提醒短信。")
            return redirect("accounts:profile")
    return render(request, "accounts/phone_change_confirm.html",
                  {"form": form, "new_phone": mask_phone(pending.new_phone)})
