"""The service assistant's pages: assisted-service requests in scope (assign, start, progress,
complete, decline; register one for a person who phoned or came in) and key projects with their
named coordinator (审前辅导, 审中协调, 审后跟踪)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from yiwang.accounts.selectors import user_by_id_number
from yiwang.appointments import selectors, services
from yiwang.appointments.access import (
    access_assistance_by_id,
    access_hall_for_staff,
    access_project_by_id,
    as_id,
    assistance_actions_for,
    assistance_contact_for,
    assistance_visible_to,
    halls_for_staff,
    project_actions_for,
    project_contact_for,
    projects_visible_to,
)
from yiwang.appointments.constants import (
    MAX_NAME,
    MAX_NOTE,
    MAX_PLACE,
    MAX_REASON,
    MAX_TEXT,
    OPEN_ASSISTANCE_STATUSES,
    AssistanceAction,
    AssistanceGround,
    AssistanceKind,
    AssistanceStatus,
    FollowUpKind,
    ProjectAction,
    ProjectLevel,
)
from yiwang.appointments.pages.common import by_field, error_list, post_id, report, staff_required
from yiwang.core.errors import DomainError, NotFound
from yiwang.orgs.access import access_organisation_by_id
from yiwang.orgs.constants import Role
from yiwang.orgs.selectors import organisations_in_scope

ASSISTANTS = (Role.SERVICE_ASSISTANT,)


@staff_required(Role.SERVICE_ASSISTANT, Role.HALL_MANAGER)
def work_list(request):
    status = request.GET.get("status", "open")[:20]
    base = assistance_visible_to(request.user)
    rows = base.filter(status__in=OPEN_ASSISTANCE_STATUSES) if status == "open" else (
        base.filter(status=status) if status in AssistanceStatus.values else base)
    return render(request, "appointments/assistance_work.html", {
        "rows": rows.order_by("status", "slot__starts_at", "-created_at")[:200], "status": status,
        "statuses": AssistanceStatus.choices, "counts": selectors.assistance_counts(base)})


@staff_required(*ASSISTANTS)
@require_http_methods(["GET", "POST"])
def register(request):
    """A request registered by staff for a person who phoned (电话预约) or came to the window."""
    halls = list(halls_for_staff(request.user, ASSISTANTS))
    code = (request.POST.get("hall") or request.GET.get("hall") or (halls[0].code if len(halls) == 1 else ""))[:40]
    hall = access_hall_for_staff(actor=request.user, code=code, roles=ASSISTANTS) if code else None
    values = {k: request.POST.get(k, "") for k in ("kind", "ground", "description", "contact_name", "contact_phone",
                                                    "address", "place", "implementation_id", "slot_id", "id_number")}
    errors: list[dict] = []
    if request.method == "POST" and hall is not None:
        applicant = user_by_id_number(values["id_number"]) if values["id_number"].strip() else None
        try:
            if values["id_number"].strip() and applicant is None:
                raise NotFound("未找到该身份证号的注册用户；可不填身份证号，仅登记联系人和电话。", code="applicant_not_found",
                               field="id_number")
            created = services.assistance_request_create(
                actor=request.user, organisation=hall.organisation, kind=values["kind"], ground=values["ground"],
                description=values["description"], contact_name=values["contact_name"],
                contact_phone=values["contact_phone"], address=values["address"], place=values["place"],
                implementation_id=post_id(request, "implementation_id") or None, slot_id=post_id(request, "slot_id") or None,
                applicant=applicant)
        except DomainError as exc:
            errors = error_list(exc)
        else:
            messages.success(request, "已登记帮办代办申请。")
            return redirect("appointments:assistance_case", request_id=created.pk)
    return render(request, "appointments/assistance_register.html", {
        "halls": halls, "hall": hall, "values": values, "errors": errors, "field_errors": by_field(errors),
        "kinds": AssistanceKind.choices, "grounds": AssistanceGround.choices,
        "items": selectors.hall_items(hall) if hall else [],
        "home_slots": selectors.home_visit_slots(organisation_id=hall.organisation_id) if hall else [],
        "limits": {"text": MAX_TEXT, "name": MAX_NAME, "address": 300, "place": MAX_PLACE},
    }, status=400 if errors else 200)


@staff_required(Role.SERVICE_ASSISTANT, Role.HALL_MANAGER)
@require_http_methods(["GET", "POST"])
def case(request, request_id: int):
    item = access_assistance_by_id(actor=request.user, request_id=request_id)
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == AssistanceAction.ASSIGN:
                assignee = request.user if request.POST.get("assignee") == "me" else next(
                    (u for u in selectors.assistants_for(item.organisation) if u.pk == post_id(request, "assignee")), None)
                services.assistance_assign(actor=request.user, request=item, assignee=assignee,
                                           note=request.POST.get("note", ""))
            elif action == AssistanceAction.START:
                services.assistance_start(actor=request.user, request=item, note=request.POST.get("note", ""))
            elif action == AssistanceAction.NOTE:
                services.assistance_note(actor=request.user, request=item, note=request.POST.get("note", ""))
            elif action == AssistanceAction.COMPLETE:
                services.assistance_complete(actor=request.user, request=item, outcome=request.POST.get("outcome", ""))
            elif action == AssistanceAction.DECLINE:
                services.assistance_decline(actor=request.user, request=item, reason=request.POST.get("reason", ""))
            else:
                raise DomainError("未知的操作。", code="invalid_action", field="action")
            messages.success(request, f"已{AssistanceAction(action).label}。")
        except DomainError as exc:
            report(request, exc)
        return redirect(reverse("appointments:assistance_case", args=[item.pk]))
    return render(request, "appointments/assistance_case.html", {
        "item": item, "timeline": selectors.assistance_timeline(item), "Action": AssistanceAction,
        "contact": assistance_contact_for(actor=request.user, request=item),
        "actions": assistance_actions_for(actor=request.user, request=item),
        "assistants": selectors.assistants_for(item.organisation), "max_note": MAX_NOTE, "max_text": MAX_TEXT,
        "max_reason": MAX_REASON, "show_actor": True,
    })


# --- Key projects ---------------------------------------------------------------------------

@staff_required(*ASSISTANTS)
def projects(request):
    return render(request, "appointments/projects.html", {"projects": projects_visible_to(request.user)[:200]})


@staff_required(*ASSISTANTS)
@require_http_methods(["GET", "POST"])
def project_new(request):
    organisations = list(organisations_in_scope(request.user, ASSISTANTS).order_by("path")[:200])
    org_id = as_id(request.POST.get("organisation") or request.GET.get("organisation")) or (
        organisations[0].pk if len(organisations) == 1 else 0)
    organisation = access_organisation_by_id(actor=request.user, organisation_id=org_id, roles=ASSISTANTS) if org_id else None
    fields = ("name", "level", "project_code", "enterprise_name", "enterprise_uscc", "contact_name", "contact_phone",
              "coordinator", "description", "next_follow_up_on")
    values = {k: request.POST.get(k, "") for k in fields}
    errors: list[dict] = []
    assistants = selectors.assistants_for(organisation) if organisation else []
    if request.method == "POST" and organisation is not None:
        try:
            project = services.key_project_create(
                actor=request.user, organisation=organisation, name=values["name"], level=values["level"],
                project_code=values["project_code"], enterprise_name=values["enterprise_name"],
                enterprise_uscc=values["enterprise_uscc"], contact_name=values["contact_name"],
                contact_phone=values["contact_phone"],
                coordinator=next((u for u in assistants if u.pk == post_id(request, "coordinator")), None),
                implementation_ids=[int(i) for i in request.POST.getlist("items") if i.isdigit()][:100],
                description=values["description"], next_follow_up_on=values["next_follow_up_on"] or None)
        except DomainError as exc:
            errors = error_list(exc)
        else:
            messages.success(request, "已登记重点项目。")
            return redirect("appointments:project", project_id=project.pk)
    hall = selectors.hall_of_organisation(organisation.pk) if organisation else None
    return render(request, "appointments/project_new.html", {
        "organisations": organisations, "organisation": organisation, "assistants": assistants, "values": values,
        "errors": errors, "field_errors": by_field(errors), "levels": ProjectLevel.choices,
        "items": selectors.hall_items(hall) if hall else [], "max_text": MAX_TEXT, "max_name": MAX_NAME,
        "max_place": MAX_PLACE,
    }, status=400 if errors else 200)


@staff_required(*ASSISTANTS)
@require_http_methods(["GET", "POST"])
def project(request, project_id: int):
    item = access_project_by_id(actor=request.user, project_id=project_id)
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "follow_up":
                services.key_project_follow_up(actor=request.user, project=item, kind=request.POST.get("kind", ""),
                                               note=request.POST.get("note", ""), next_step=request.POST.get("next_step", ""),
                                               next_follow_up_on=request.POST.get("next_follow_up_on") or None)
                messages.success(request, "已记录跟进。")
            elif action == "coordinator":
                coordinator = next((u for u in selectors.assistants_for(item.organisation)
                                    if u.pk == post_id(request, "coordinator")), None)
                services.key_project_set_coordinator(actor=request.user, project=item, coordinator=coordinator)
                messages.success(request, "已更换代办专员。")
            else:
                services.key_project_transition(actor=request.user, project=item, action=action,
                                                note=request.POST.get("note", ""))
                messages.success(request, f"已{ProjectAction(action).label}。")
        except DomainError as exc:
            report(request, exc)
        return redirect(reverse("appointments:project", args=[item.pk]))
    return render(request, "appointments/project.html", {
        "item": item, "timeline": selectors.project_timeline(item), "cases": selectors.project_cases(item),
        "items": selectors.project_item_names(item), "actions": project_actions_for(actor=request.user, project=item),
        "contact_phone": project_contact_for(actor=request.user, project=item),
        "kinds": FollowUpKind.choices, "assistants": selectors.assistants_for(item.organisation), "max_text": MAX_TEXT,
        "max_note": MAX_NOTE, "ProjectAction": ProjectAction,
    })
