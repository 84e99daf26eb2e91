"""Public pages, no login: verify a licence (typed identifier or a scanned QR) and the published
issuer keys."""

from __future__ import annotations

from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from yiwang.accounts.network import client_ip
from yiwang.licences import offline_verifier
from yiwang.licences.identifiers import normalise
from yiwang.licences.selectors import published_keys
from yiwang.licences.services import licence_verify
from yiwang.licences.services.verification import channel_for_qr

MAX_QUERY = 2000


@require_GET
def verify_form(request):
    """The verification page; submitting the form lands on /verify/<identifier>."""
    typed = request.GET.get("identifier", "")
    if typed.strip():
        text = normalise(typed)[:100]
        if text and text.isprintable() and "/" not in text and "?" not in text and "#" not in text:
            return redirect("licences:verify", identifier=text)
        return render(request, "licences/public/verify.html", {
            "typed": typed[:100], "field_error": "电子证照标识只含数字、大写字母和“.”，请核对后重新输入。"}, status=400)
    return render(request, "licences/public/verify.html", {})


@require_GET
def verify(request, identifier: str):
    """/verify/<identifier>: the answer in plain words. A QR scan adds its signed fields as query
    parameters; then the QR's own signature (and a 亮证码's expiry) is checked too."""
    qr = None
    if request.GET.get("v") and len(request.get_full_path()) <= MAX_QUERY:
        qr = offline_verifier.parse_qr(request.build_absolute_uri())
        if qr is None:
            qr = {"key_id": "", "signature": b""}  # a QR that does not parse is a forged QR
    result = licence_verify(identifier=identifier, channel=channel_for_qr(qr), qr=qr, verifier=request.user,
                            verifier_label=request.GET.get("by", "")[:100], client_ip=client_ip(request))
    return render(request, "licences/public/verify.html", {"result": result, "typed": identifier[:100]})


@require_GET
def keys(request):
    return render(request, "licences/public/keys.html", {"document": published_keys()})
