"""The general window (综合窗口): the workbench — check the applicant (masked identity only), find
an item, the queue awaiting acceptance, results awaiting hand-over, open a case by number — and
filing for the checked applicant on one page. The case page is window_case.py."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from yiwang.cases import selectors, services
from yiwang.cases.access import normalise_lookup, window_outlets_of
from yiwang.cases.constants import DeliveryMethod
from yiwang.cases.forms import (
    DeliveryForm,
    ErrorList,
    FindApplicantForm,
    ItemSearchForm,
    application_sections,
    form_values_from_post,
)
from yiwang.cases.pages.materials import file_id, material_entry, read_materials
from yiwang.cases.pages.shared import UPLOAD_ACCEPT, collect, place_service_errors, staff_page, today
from yiwang.cases.services.intake import published_version_for
from yiwang.catalog.application_form import form_schema
from yiwang.catalog.selectors import catalog_search
from yiwang.core.errors import Conflict, DomainError

CLERK_APPLICANT_SESSION_KEY = "cases_clerk_applicant"


def clerk_applicant(request):
    """The applicant whose identity the clerk checked (kept in the session, never in a URL)."""
    return selectors.applicant_by_id(request.session.get(CLERK_APPLICANT_SESSION_KEY))


def applicant_check(request, find_form, *, back: str):
    """The applicant check of a window page (POST `action` find / clear), shared by the single-item
    and the 一件事 window so both keep the one checked applicant: the redirect to `back` once the
    applicant is checked or cleared, else None (a lookup error is left on `find_form`)."""
    action = request.POST.get("action")
    if action == "clear":
        request.session.pop(CLERK_APPLICANT_SESSION_KEY, None)
        messages.success(request, "已结束为该申请人办理。")
        return redirect(back)
    if action == "find" and find_form.is_valid():
        try:
            applicant = selectors.applicant_by_identifier(find_form.cleaned_data.get("identifier", ""))
        except DomainError as exc:
            find_form.add_service_errors(exc)
        else:
            request.session[CLERK_APPLICANT_SESSION_KEY] = applicant.pk
            messages.success(request, f"已核验：{applicant.display_name}。")
            return redirect(back)
    return None


@staff_page("window")
@require_http_methods(["GET", "POST"])
def clerk_workbench(request):
    errors = ErrorList()
    find_form = FindApplicantForm(request.POST if request.POST.get("action") == "find" else None)
    if request.method == "POST":
        done = applicant_check(request, find_form, back="cases:clerk_workbench")
        if done is not None:
            return done
        collect(errors, (find_form, "find"))
    number = normalise_lookup(request.GET.get("number", ""))[:40]
    if number:
        found = selectors.window_case_id_by_number(request.user, number)
        if found:
            return redirect("cases:clerk_case", found)
        errors.add("number", f"职责范围内没有编号为 {number} 的办件，请核对办件编号。", "#number")
    applicant = clerk_applicant(request)
    item_form = ItemSearchForm(request.GET or None)
    items = []
    if applicant and item_form.is_valid() and item_form.cleaned_data.get("item_q"):
        outlets = window_outlets_of(request.user)
        # Items this window may not file (not 城市通办, another district's) are listed without the
        # button, so the clerk does not type a whole form to be told so on submission.
        items = [{"version": v, "window_ok": any(services.outlet_accepts(version_id=v.pk, outlet=o) for o in outlets)}
                 for v in catalog_search(q=item_form.cleaned_data["item_q"], page_size=10).items]
    # The next thing to type has the focus (the clerk at the counter works from the keyboard); not
    # when there are errors, where the error summary takes it.
    if not errors:
        if applicant is None:
            find_form.fields["identifier"].widget.attrs["autofocus"] = True
        elif not items:
            item_form.fields["item_q"].widget.attrs["autofocus"] = True
    day = today()
    return render(request, "cases/clerk_workbench.html", {
        "find_form": find_form, "applicant": applicant,
        "identity": selectors.applicant_identity_for_staff(applicant) if applicant else None,
        "item_form": item_form, "items": items, "queue": selectors.window_queue(request.user, day),
        "concluded": selectors.window_results_to_hand_over(request.user),
        "errors": errors, "number": number, "today": day, "searched": bool(item_form.is_bound and request.GET.get("item_q"))})


@staff_page("window")
@require_http_methods(["GET", "POST"])
def clerk_apply(request, implementation_id: int):
    """Filing at the window for the checked applicant: the wizard's form on one page; paper
    originals are ticked as received, or scans uploaded (owned by the applicant)."""
    applicant = clerk_applicant(request)
    if applicant is None:
        messages.error(request, "请先核验申请人身份（输入身份证号或统一社会信用代码）。")
        return redirect("cases:clerk_workbench")
    version = published_version_for(implementation_id)
    outlets = [o for o in window_outlets_of(request.user) if services.outlet_accepts(version_id=version.pk, outlet=o)]
    if not outlets:
        messages.error(request, f"「{version.name}」不属于全市通办事项，本窗口不能代为申请。"
                                f"请引导申请人到{version.implementation.agency.name}所在地的政务服务中心办理。")
        return redirect("cases:clerk_workbench")
    schema = form_schema(version)
    requirements = selectors.version_requirements(version)
    locker_list = selectors.lockers()
    errors = ErrorList()
    if request.method == "GET":
        values = services.prefill_from_profile(version=version, applicant=applicant)
        delivery_form = DeliveryForm(initial={"method": DeliveryMethod.WINDOW}, lockers=locker_list, prefix="delivery")
        return render(request, "cases/clerk_apply.html", _clerk_apply_context(
            applicant=applicant, version=version, schema=schema, values=values, requirements=requirements, materials={},
            errors=errors, delivery_form=delivery_form, outlets=outlets, outlet_id=outlets[0].pk if outlets else None,
            key=uuid.uuid4().hex))
    values = form_values_from_post(schema, request.POST)
    key = (request.POST.get("idempotency_key") or "").strip()[:100] or uuid.uuid4().hex
    materials = read_materials(request, requirements, owner=applicant, errors=errors, allow_paper=True)
    delivery_form = DeliveryForm(request.POST, lockers=locker_list, prefix="delivery")
    delivery_ok = delivery_form.is_valid()
    outlet_id = request.POST.get("outlet", "")
    outlet = next((o for o in outlets if str(o.pk) == outlet_id), outlets[0] if len(outlets) == 1 else None)
    if outlet is None:
        errors.add("outlet", "请选择受理网点。", "#outlet")
    if not errors and delivery_ok:
        try:
            application = services.application_submit_at_window(
                actor=request.user, applicant=applicant, implementation_id=implementation_id, form_data=values,
                materials=materials, outlet=outlet, delivery=delivery_form.spec(), idempotency_key=key)
        except Conflict as exc:
            errors.add("__all__", exc.message)
        except DomainError as exc:
            place_service_errors(exc, errors, form_keys=[s["key"] for s in schema], delivery_form=delivery_form,
                                 href_for=lambda name: "#outlet" if name == "outlet" else "")
        else:
            case = selectors.first_case_of(application)
            if getattr(application, "repeated_page", False):
                # The same page sent twice (a double click re-uploads the files): it was filed once.
                messages.info(request, f"该申请已提交（办件编号 {case.number}），重复提交已忽略。")
            else:
                messages.success(request, f"已代为提交，办件编号 {case.number}。请核对材料并作出受理决定。")
            return redirect("cases:clerk_case", case.pk)
    collect(errors, (delivery_form, "delivery"))
    return render(request, "cases/clerk_apply.html", _clerk_apply_context(
        applicant=applicant, version=version, schema=schema, values=values, requirements=requirements, materials=materials,
        errors=errors, delivery_form=delivery_form, outlets=outlets, outlet_id=outlet.pk if outlet else None, key=key))


def _clerk_apply_context(*, applicant, version, schema, values, requirements, materials, errors, delivery_form, outlets,
                         outlet_id, key) -> dict:
    files = selectors.owned_files(applicant, [file_id(s) for s in materials.values()])
    rows = []
    for requirement in requirements:
        spec = materials.get(str(requirement.pk)) or {}
        rows.append(material_entry(requirement, errors=errors, paper=bool(spec.get("paper")),
                                   extra={"kept": files.get(file_id(spec))}))
    return {"applicant": applicant, "identity": selectors.applicant_identity_for_staff(applicant), "version": version,
            "sections": application_sections(schema, values, errors), "rows": rows, "errors": errors,
            "delivery_form": delivery_form, "outlets": outlets, "outlet_id": outlet_id, "idempotency_key": key,
            "accept": UPLOAD_ACCEPT}
