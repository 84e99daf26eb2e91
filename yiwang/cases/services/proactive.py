"""Proactive cases (免申即享): the platform files the case for a subject found eligible (the
policies app, above us, asks), prefilled from the profile; the subject confirms or declines.

- `case_offer` creates the application and the case in status `awaiting_confirmation` on channel
  `proactive`: the form is validated and sealed as any filing, materials the item asks for are
  recorded as not provided (the agency has the data; the subject uploads nothing), and nothing
  counts yet — no receipt day for §32, no decision clock, no monitoring. Idempotent on
  (applicant, `reference`): the same reference returns the case already made.
- `case_confirm`: the subject confirms (确认领取) → `submitted`; the receipt day is the day of
  confirmation and the §32 period runs from it; from here it is handled as any case.
- `case_decline` (放弃领取) → `withdrawn`, `case_lapse` (逾期未确认) → `terminated`, each with the
  reason on the case and in its timeline.
"""

from __future__ import annotations

import secrets
from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone

from yiwang.cases import actions
from yiwang.cases.constants import ApplicationStatus, CaseAction, CaseStatus, Channel, DeliveryMethod, MaterialSatisfaction
from yiwang.cases.deadlines import acceptance_due_on
from yiwang.cases.locks import lock_case
from yiwang.cases.models import Application, ApplicationMaterial, Case
from yiwang.cases.services.intake import (
    _delivery_row,
    _outlet_for,
    current_published_version_id,
    prefill_from_profile,
    published_version_for,
    validate_form,
    with_delivery_choice,
)
from yiwang.cases.services.submission_write import SubmissionRows, persist_submission
from yiwang.cases.transitions import case_transition, initial_status_change
from yiwang.catalog.constants import MaterialSource
from yiwang.catalog.selectors import version_facts
from yiwang.core.errors import NotFound, ValidationFailed


def proactive_prefill(*, implementation_id: int, applicant, extra: dict | None = None) -> dict:
    """The form of the item's current version filled from the applicant's account and `extra`
    (values the caller read from the profile, by data-element key), only keys the form has."""
    version = published_version_for(implementation_id)
    keys = {f.data_element.key for f in version_facts(version.pk).form_fields}
    values = prefill_from_profile(version=version, applicant=applicant)
    values.update({k: v for k, v in (extra or {}).items() if k in keys and v not in (None, "")})
    return values


def case_offer(*, actor, applicant, implementation_id: int, reference: str, form_data: dict | None = None,
               note: str = "", today: date | None = None) -> Case:
    """File the case the platform prepares for `applicant` (awaiting their confirmation); the same
    `reference` (e.g. policy + period) from the same applicant returns the first case."""
    existing = _offered(applicant, reference)
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return _offer(actor=actor, applicant=applicant, implementation_id=implementation_id, reference=reference,
                          form_data=form_data, note=note, today=today)
    except IntegrityError:  # a concurrent offer with the same reference won
        existing = _offered(applicant, reference)
        if existing is None:
            raise
        return existing


def _offered(applicant, reference: str) -> Case | None:
    return (Case.objects.filter(application__applicant=applicant, application__idempotency_key=reference)
            .order_by("pk").first())


def _offer(*, actor, applicant, implementation_id, reference, form_data, note, today) -> Case:
    version_id = current_published_version_id(implementation_id)
    facts = version_facts(version_id)
    delivery = {"method": DeliveryMethod.ELECTRONIC}
    data = proactive_prefill(implementation_id=implementation_id, applicant=applicant, extra=form_data)
    cleaned, errors = validate_form(facts, with_delivery_choice(facts, data, delivery))
    delivery_row = _delivery_row(delivery, applicant, errors)
    if errors:
        raise ValidationFailed(errors)
    outlet_id, outlet_path = _outlet_for(facts=facts, outlet=None)
    today = today or timezone.localdate()
    application = Application(applicant=applicant, implementation_id=facts.implementation_id, version_id=version_id,
                              channel=Channel.PROACTIVE, outlet_id=outlet_id, form_data=cleaned,
                              status=ApplicationStatus.SUBMITTED, idempotency_key=reference[:100],
                              request_digest="")
    materials = [ApplicationMaterial(requirement=m, satisfaction=MaterialSatisfaction.FORM
                                     if m.source_channel == MaterialSource.ONLINE_FORM else MaterialSatisfaction.MISSING)
                 for m in facts.materials]
    case = Case(
        number=f"{today:%Y%m%d}{secrets.randbelow(10**10):010d}",
        verification_code=f"{secrets.randbelow(10**6):06d}",
        applicant=applicant, implementation_id=facts.implementation_id, version_id=version_id,
        agency_id=facts.agency_id, agency_path=facts.agency_path, outlet_id=outlet_id, outlet_path=outlet_path,
        channel=Channel.PROACTIVE, status=CaseStatus.AWAITING_CONFIRMATION, applicant_name=applicant.display_name,
        applicant_id_number=applicant.id_number or "", applicant_phone=applicant.phone or "",
        # Placeholders until confirmation: no §32 period runs for a case nobody has confirmed.
        received_on=today, acceptance_due_on=acceptance_due_on(today),
    )
    change = initial_status_change(case=case, actor=actor, channel=Channel.PROACTIVE)
    change.action, change.note = "offer", note[:500]
    rows = SubmissionRows(
        application=application, materials=materials, delivery=delivery_row, case=case, status_change=change,
        # The caller (policies) tells the subject in its own words; the case adds no second message.
        notifications=[], actor=actor,
        audit_details={"channel": Channel.PROACTIVE, "version": version_id, "reference": reference[:100]},
    )
    persist_submission(rows)
    return case


def _own_awaiting(actor, case: Case) -> None:
    if getattr(actor, "pk", None) != case.applicant_id:
        raise NotFound("未找到该办件。", code="case_not_found")


@transaction.atomic
def case_confirm(*, actor, case: Case, note: str = "", today: date | None = None) -> Case:
    """The subject confirms (确认领取): the case is submitted today and handled as any case."""
    _own_awaiting(actor, case)
    lock_case(case)
    today = today or timezone.localdate()
    case.received_on = today
    case.acceptance_due_on = acceptance_due_on(today)
    case_transition(case=case, action=CaseAction.CONFIRM, actor=actor, note=note[:500],
                    extra_fields=("received_on", "acceptance_due_on"))
    Application.objects.filter(pk=case.application_id).update(submitted_at=timezone.now(), updated_at=timezone.now())
    return case


@transaction.atomic
def case_decline(*, actor, case: Case, reason: str = "") -> Case:
    """The subject declines (放弃领取): closed, with the reason."""
    _own_awaiting(actor, case)
    lock_case(case)
    case.closed_reason = (reason or "申请人放弃领取").strip()[:500]
    case_transition(case=case, action=CaseAction.DECLINE, actor=actor, note=case.closed_reason,
                    extra_fields=("closed_reason",))
    actions.case_withdrawn(case=case, actor=actor)
    return case


@transaction.atomic
def case_lapse(*, case: Case, reason: str) -> Case:
    """Nobody confirmed within the period the caller allows: closed by the system, with the reason."""
    lock_case(case)
    case.closed_reason = reason.strip()[:500]
    case_transition(case=case, action=CaseAction.LAPSE, actor=None, note=case.closed_reason,
                    extra_fields=("closed_reason",))
    actions.case_terminated(case=case, actor=None)
    return case
