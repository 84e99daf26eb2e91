"""修改密码 (audience: the signed-in person): their own password, the current one required."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from yiwang.accounts import services
from yiwang.accounts.forms import PasswordChangeForm
from yiwang.core.errors import ValidationFailed


@sensitive_post_parameters("current_password", "new_password", "confirm_password")
@login_required
@never_cache
def password_change(request):
    form = PasswordChangeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.password_change(actor=request.user, current=data["current_password"],
                                     new=data["new_password"], confirm=data["confirm_password"])
        except ValidationFailed as exc:
            form.add_service_errors(exc)
        else:
            update_session_auth_hash(request, request.user)  # this session stays signed in; others end
            messages.success(request, "密码已修改。其他设备上的登录已失效，请用新密码重新登录。")
            return redirect("accounts:profile")
    return render(request, "accounts/password_change.html", {"form": form})
