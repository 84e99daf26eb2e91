"""What follows each event of a case: one function per event, named by its domain word.

A service makes the change the person asked for (accept, decide, deliver …) on a case it has
locked, then calls the action of that event here. The action does what the law and the platform
make follow, in this order: the written documents (numbered now; their PDFs are rendered after
commit, yiwang.cases.documents), the back office (start or cancel the BPMN process), the
follow-on steps the law makes automatic (review starts after acceptance; the case concludes after
its decision unless the result is withheld; an electronic result is delivered once concluded; a
false commitment revokes the decision), and the named hook through which higher apps take part
(yiwang.core.hooks; names in constants.CaseHook — licences issue the licence on conclusion,
ratings invite a rating on delivery, bundles follow their sub-cases).

Hooks run inside the transaction, so what a handler writes commits with the event. Slow or
external work runs after commit: document PDFs (transaction.on_commit), SMS and e-mail (the
notification outbox's sender). The applicant's in-app notice and a credit record are rows of the
event itself and commit with it.

Nothing here locks a case: the caller holds it (yiwang.cases.locks).
"""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from yiwang.cases import back_office, handover, prerequisites
from yiwang.cases.constants import CaseAction, CaseHook, CaseStatus, Decision, DocumentKind
from yiwang.cases.documents import document_issue
from yiwang.cases.models import Case
from yiwang.cases.transitions import case_transition, notify_applicant
from yiwang.core import hooks
from yiwang.supervision.constants import CreditRecordKind
from yiwang.supervision.services import credit_record_create

# What a false commitment means for the applicant from now on (eligibility() applies it).
FALSE_COMMITMENT_CONSEQUENCE = "已记入信用记录，今后申请不适用告知承诺和容缺受理。"


def _person(actor):
    """The actor as hooks see it: the user, or None when the system acted ("monitoring")."""
    return actor if getattr(actor, "pk", None) else None


# ---------------------------------------------------------------------------------------------
# Acceptance (§32)


def case_accepted(*, case: Case, actor, records: tuple = ()) -> None:
    """After acceptance (at the window, or deemed by monitoring): the acceptance notice and the
    notice of its mode (`records`: (DocumentKind, deferral or commitment)), the back-office process
    starts and the case is under review; then `case.accepted`."""
    document_issue(case=case, kind=DocumentKind.ACCEPTANCE_NOTICE, actor=actor, context={})
    for kind, record in records:
        document_issue(case=case, kind=kind, actor=actor, context={"record": record})
    if not case.waiting_since:  # a case waiting for others starts when they conclude (prerequisites.py)
        back_office.process_start(actor=actor, case=case)
        case_transition(case=case, action=CaseAction.START_REVIEW, actor=actor, notify=False)
    hooks.call(CaseHook.ACCEPTED, case=case, actor=_person(actor))


def case_corrections_requested(*, case: Case, actor, notice) -> None:
    """After a one-time correction notice: the notice in writing (补正材料通知书)."""
    document_issue(case=case, kind=DocumentKind.CORRECTION_NOTICE, actor=actor, context={"notice": notice})


def case_refused(*, case: Case, actor, refusal) -> None:
    """After 不予受理: the refusal decision in writing; then `case.refused`."""
    document_issue(case=case, kind=DocumentKind.REFUSAL_DECISION, actor=actor, context={"refusal": refusal})
    hooks.call(CaseHook.REFUSED, case=case, actor=_person(actor))


# ---------------------------------------------------------------------------------------------
# The clock (§45, §42)


def case_paused(*, case: Case, actor, pause) -> None:
    """After a special procedure starts: the applicant is told in writing how long it takes."""
    document_issue(case=case, kind=DocumentKind.SPECIAL_PROCEDURE_NOTICE, actor=actor, context={"pause": pause})


def case_extended(*, case: Case, actor, extension) -> None:
    """After an extension: the reason in writing, and the applicant told the new due date."""
    document_issue(case=case, kind=DocumentKind.EXTENSION_NOTICE, actor=actor, context={"extension": extension})
    notify_applicant(case=case, status=case.status, reason=f"办理期限延长至 {case.due_on}：{extension.reason}")


# ---------------------------------------------------------------------------------------------
# Decision, conclusion, delivery (§38, §44)


def result_withheld(case: Case) -> bool:
    """容缺: the result is issued only after the deferred materials are complete."""
    deferral = getattr(case, "deferral", None)  # a missing one-to-one raises AttributeError's subclass
    return case.decision == Decision.APPROVED and deferral is not None and deferral.completed_at is None


def case_decided(*, case: Case, actor, today: date | None = None) -> None:
    """After the decision (approved or denied): open tasks are moot (decided outside the process,
    e.g. straight through the API), the decision in writing, `case.decided` — and the case concludes
    at once unless its result is withheld until the deferred materials arrive."""
    back_office.process_cancel(case=case, reason="已作出决定")
    document_issue(case=case, kind=DocumentKind.DECISION, actor=actor, context={})
    hooks.call(CaseHook.DECIDED, case=case, actor=_person(actor))
    if not result_withheld(case):
        _conclude(case=case, actor=actor, today=today)


def deferred_materials_completed(*, case: Case, actor, today: date | None = None) -> None:
    """After the last deferred material arrived: a result withheld for it is released."""
    if case.status == CaseStatus.APPROVED:
        _conclude(case=case, actor=actor, today=today)


def _conclude(*, case: Case, actor, today: date | None) -> None:
    """办结: the result exists; delivery follows."""
    case.concluded_on = today or timezone.localdate()
    if case.decision == Decision.APPROVED and not case.result_reference:
        case.result_reference = f"{case.version.result_name or '审批结果'}（{case.number}）"
    case_transition(case=case, action=CaseAction.CONCLUDE, actor=actor, extra_fields=("concluded_on", "result_reference"))
    case_concluded(case=case, actor=actor)


def case_concluded(*, case: Case, actor) -> None:
    """After conclusion: the cases waiting for this one start their clocks, `case.concluded` (the
    licence is issued here), then the hand-over is prepared — a pickup code, or an electronic
    result delivered at once."""
    prerequisites.release_dependants(case=case)
    hooks.call(CaseHook.CONCLUDED, case=case, actor=_person(actor))
    for delivered in handover.prepare_delivery(case=case, actor=actor):
        case_delivered(case=delivered, actor=actor)


def case_delivered(*, case: Case, actor) -> None:
    """After the result reached the applicant: `case.delivered` (a rating is invited here)."""
    hooks.call(CaseHook.DELIVERED, case=case, actor=_person(actor))


# ---------------------------------------------------------------------------------------------
# Early ends


def case_withdrawn(*, case: Case, actor) -> None:
    """After withdrawal: the back office stops; `case.withdrawn`."""
    back_office.process_cancel(case=case, reason=case.closed_reason)
    hooks.call(CaseHook.WITHDRAWN, case=case, actor=_person(actor))


def case_terminated(*, case: Case, actor) -> None:
    """After termination (an approver, lapsed deferred materials, a false promise before the
    decision): the back office stops; `case.terminated`."""
    back_office.process_cancel(case=case, reason=case.closed_reason)
    hooks.call(CaseHook.TERMINATED, case=case, actor=_person(actor))


def case_revoked(*, case: Case, actor, reason: str) -> None:
    """After the decision was revoked: `case.revoked` (a licence issued on it is revoked there)."""
    hooks.call(CaseHook.REVOKED, case=case, actor=_person(actor), reason=reason)


def commitment_found_false(*, case: Case, actor, note: str, today: date) -> None:
    """After verification found a 告知承诺 untrue (国办发〔2020〕42号): a credit record against the
    applicant (it bars commitment and deferred acceptance from now on), the decision revoked — or
    the case ended, if not yet decided — and the applicant told both at once."""
    reason = f"经核查承诺不实：{note}"
    credit_record_create(actor=actor, subject=case.applicant, kind=CreditRecordKind.FALSE_COMMITMENT,
                         description=reason, source_case=case, effective_from=today)
    case.closed_reason = reason
    if case.status in (CaseStatus.APPROVED, CaseStatus.CONCLUDED, CaseStatus.DELIVERED):
        case_transition(case=case, action=CaseAction.REVOKE, actor=actor, note=reason, extra_fields=("closed_reason",),
                        notify=False)
        case_revoked(case=case, actor=actor, reason=reason)
    else:
        case_transition(case=case, action=CaseAction.TERMINATE, actor=actor, note=reason,
                        extra_fields=("closed_reason",), notify=False)
        case_terminated(case=case, actor=actor)
    # The applicant is told of the credit record with the news itself, not left to find out at the
    # next window visit that commitment and deferred acceptance are no longer offered.
    notify_applicant(case=case, status=case.status, reason=f"{reason.rstrip('。.')}。{FALSE_COMMITMENT_CONSEQUENCE}")
