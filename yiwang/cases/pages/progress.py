"""Public progress (no login): case number + verification code, or the QR code on every document."""

from __future__ import annotations

from django.shortcuts import render

from yiwang.accounts.network import client_ip
from yiwang.cases.access import access_case_by_number, normalise_lookup
from yiwang.cases.selectors import case_clock, case_page_panels, case_timeline, public_applicant_name
from yiwang.core.errors import NotFound, TooManyAttempts

# What the lookup form says when a box is left empty: which box, and where the value is found.
PROGRESS_REQUIRED = {"number": "请填写办件编号（18 位数字，见受理通知书、短信或“我的办件”）。",
                     "code": "请填写查询验证码（6 位数字，见受理通知书或“我的办件”）。"}


def _progress_page(request, number: str, code: str, *, status: int = 200):
    context = {"number": number, "code": code, "field_errors": {}}
    submitted = request.method == "GET" and ("number" in request.GET or "code" in request.GET)
    if submitted and not (number and code):
        # A press of 查询 with a box left empty: say which one, instead of showing the empty form again.
        typed = {"number": number, "code": code}
        context["field_errors"] = {key: message for key, message in PROGRESS_REQUIRED.items() if not typed[key]}
    elif number or code:
        try:
            case = access_case_by_number(number=number, verification_code=code, client=client_ip(request))
        except TooManyAttempts as exc:
            context["error"] = exc.message
            status = 429
        except NotFound as exc:
            context["error"] = exc.message
            status = 404 if request.method == "GET" and "number" not in request.GET else 200
        else:
            context.update(case=case, clock=case_clock(case), timeline=case_timeline(case, for_public=True),
                           applicant_name=public_applicant_name(case),
                           panels=case_page_panels(case=case, actor=None, audience="public"))
    return render(request, "cases/progress.html", context, status=status)


def progress(request):
    return _progress_page(request, normalise_lookup(request.GET.get("number", "")), normalise_lookup(request.GET.get("code", "")))


def progress_qr(request, number: str, code: str):
    return _progress_page(request, normalise_lookup(number), normalise_lookup(code))
