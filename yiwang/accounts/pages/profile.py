"""我的资料 (audience: the signed-in person): their own account, identifiers in full."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from yiwang.accounts.selectors import profile_for, recent_logins_for


@login_required
@never_cache
def profile(request):
    user = request.user
    return render(request, "accounts/profile.html", {
        "user_obj": user,
        "profile": profile_for(subject=user, viewer=user),
        "recent_logins": recent_logins_for(user, limit=5),
    })
