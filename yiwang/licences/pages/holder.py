"""The holder's pages (phone first): 我的证照 (wallet), one licence with its 亮证码 and who checked
it, the PDF, and 我的档案 (profile) with who on the staff looked at it."""

from __future__ import annotations

from django.http import FileResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from yiwang.licences.access import access_licence_for_holder, licence_actions_for
from yiwang.licences.pages.common import holder_required, qr_svg
from yiwang.licences.selectors import (
    cases_of_profile,
    effective_status,
    licences_of_profile,
    profile_accesses,
    profile_attribute_rows,
    status_history,
    verifications_of,
    verifier_description,
    wallet_licences,
)
from yiwang.licences.services import licence_show_code, profile_for_user
from yiwang.licences.services.verification import show_seconds


@holder_required
@require_GET
def wallet(request):
    return render(request, "licences/holder/wallet.html", {"licences": wallet_licences(request.user)})


def _show_context(licence) -> dict:
    text, expires = licence_show_code(licence=licence)
    return {"licence": licence, "qr": qr_svg(text, title=f"{licence.name}亮证码"), "qr_text": text,
            "expires_at": timezone.localtime(expires), "minutes": max(1, show_seconds() // 60),
            "refresh_seconds": max(30, show_seconds() - 60)}


@holder_required
@require_GET
def wallet_licence(request, licence_id: int):
    licence = access_licence_for_holder(actor=request.user, licence_id=licence_id)
    actions = licence_actions_for(actor=request.user, licence=licence)
    status = effective_status(licence)
    context = {
        "licence": licence, "status": status, "actions": actions, "history": status_history(licence),
        "checks": [{"v": v, "who": verifier_description(v)} for v in verifications_of(licence)],
        "fields": [(f["label"], licence.attributes.get(f["key"], "")) for f in licence.licence_type.template_fields
                   if licence.attributes.get(f["key"])],
    }
    if actions["show"] and status == "valid":
        context.update(_show_context(licence))
    return render(request, "licences/holder/licence.html", context)


@holder_required
@require_GET
def wallet_show(request, licence_id: int):
    """A fresh 亮证码 (htmx swaps it in before the old one runs out; a plain link reloads)."""
    licence = access_licence_for_holder(actor=request.user, licence_id=licence_id)
    actions = licence_actions_for(actor=request.user, licence=licence)
    if not actions["show"] or effective_status(licence) != "valid":
        return render(request, "licences/holder/_show_unavailable.html", {"licence": licence}, status=409)
    template = "licences/holder/_show.html" if request.headers.get("HX-Request") else "licences/holder/show.html"
    return render(request, template, _show_context(licence))


@holder_required
@require_GET
def wallet_pdf(request, licence_id: int):
    licence = access_licence_for_holder(actor=request.user, licence_id=licence_id)
    response = FileResponse(licence.pdf.open("rb"), content_type="application/pdf", as_attachment=False,
                            filename=f"{licence.name}-{licence.serial}-{licence.version:03d}.pdf")
    response["X-Content-Type-Options"] = "nosniff"
    return response


@holder_required
@require_GET
def my_profile(request):
    from yiwang.licences.actions import profile_sections

    profile = profile_for_user(request.user)
    if profile is None:
        return render(request, "licences/not_found.html", {"message": "您的账号没有实名身份证号或统一社会信用代码，暂无档案。"},
                      status=404)
    return render(request, "licences/holder/profile.html", {
        "profile": profile, "rows": profile_attribute_rows(profile), "licences": licences_of_profile(profile),
        "cases": cases_of_profile(profile), "accesses": profile_accesses(profile),
        "sections": profile_sections(profile=profile, actor=request.user)})
