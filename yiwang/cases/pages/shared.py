"""What the case pages share: guards, error placement, file responses, the case-page dispatcher."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from yiwang.cases.access import may_open_staff_page, staff_page_denial
from yiwang.cases.forms import ErrorList, input_id, material_input_id, service_field_errors
from yiwang.core.errors import DomainError, NotFound

UPLOAD_ACCEPT = ".pdf,.jpg,.jpeg,.png,.ofd,application/pdf,image/jpeg,image/png"


def forbidden(request, reason: str):
    return render(request, "cases/forbidden.html", {"reason": reason}, status=403)


def not_found(request, message: str = ""):
    return render(request, "cases/not_found.html", {"message": message or "未找到该页面。"}, status=404)


def applicant_required(view):
    """Logged in (else the login page) as a citizen or enterprise (staff get a pointer to their
    workbench); a NotFound from access or a service becomes the 404 page."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.user.is_staff_member:
            return forbidden(request, "此页面供申请人（个人、企业）使用。工作人员请从“工作台”进入综合窗口或部门办件。")
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:
            return not_found(request, exc.message)

    return wrapper


def staff_page(page: str):
    """Logged-in staff who may open `page` (access.STAFF_PAGES; else 403); NotFound becomes 404."""

    def decorate(view):
        @login_required
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not may_open_staff_page(request.user, page):
                return forbidden(request, staff_page_denial(page))
            try:
                return view(request, *args, **kwargs)
            except NotFound as exc:
                return not_found(request, exc.message)

        return wrapper

    return decorate


def today():
    return timezone.localdate()


def progress_path(case) -> str:
    return reverse("cases:progress_qr", kwargs={"number": case.number, "code": case.verification_code})


def serve(file_field, *, content_type: str, filename: str):
    response = FileResponse(file_field.open("rb"), content_type=content_type, filename=filename, as_attachment=False)
    response["Cache-Control"] = "private, no-store"
    return response


def form_error_href(key: str) -> str:
    return f"#{input_id(key)}"


def place_service_errors(exc: DomainError, errors: ErrorList, *, form_keys=(), delivery_form=None,
                         href_for=None) -> None:
    """Put a service's field errors where they belong on an application page: data-element keys
    beside their inputs, materials beside their rows, delivery beside the delivery inputs."""
    keys = set(form_keys)
    for error in service_field_errors(exc):
        name = error.field
        if name in keys:
            errors.add(name, error.message, form_error_href(name))
        elif name.startswith("materials."):
            ident = name.removeprefix("materials.")
            errors.add(name, error.message, f"#{material_input_id(ident)}" if ident.isdigit() else "")
        elif delivery_form is not None and name.startswith("delivery."):
            if delivery_form.add_service_error(error):
                continue
            errors.add(name, error.message)
        elif href_for is not None and href_for(name):
            errors.add(name, error.message, href_for(name))
        else:
            errors.add(name or "__all__", error.message)


def collect(errors: ErrorList, *forms_with_anchor) -> ErrorList:
    for form, anchor in forms_with_anchor:
        if form is not None and form.is_bound:
            form.collect_errors(errors, anchor=anchor)
    return errors


def case_page(request, case, *, template: str, context, actions: dict, url_name: str):
    """A case page: GET shows it; a POST names its `action`, handled by one of `actions` (each
    answers with a redirect, or the page again with errors)."""
    if request.method == "GET":
        return render(request, template, context(request, case))
    handler = actions.get(request.POST.get("action", ""))
    if handler is None:
        messages.error(request, "无法识别的操作，请重试。")
        return redirect(url_name, case.pk)
    return handler(request, case)
