"""Acceptance decisions (§32): normal, deferred materials, commitment, corrections, refusal, and the
deemed acceptance when nobody decides within 5 working days."""

import datetime as dt
import io

import pytest
from pypdf import PdfReader

from yiwang.cases.constants import AcceptanceMode, CaseStatus, DocumentKind, MaterialReview, MaterialSatisfaction, WarningKind
from yiwang.cases.models import CaseWarning, WorkTask
from yiwang.cases.services import (
    case_accept,
    case_decide,
    case_refuse,
    case_request_corrections,
    case_resubmit,
    case_supplement_deferred,
    commitment_verify,
    run_monitoring,
    stored_file_create,
)
from yiwang.cases.tests.conftest import MONDAY, pdf_upload
from yiwang.core.errors import DomainError, InvalidTransition, NotFound, ValidationFailed
from yiwang.supervision.models import CreditRecord, CreditRecordKind

pytestmark = pytest.mark.django_db


def test_normal_acceptance_starts_the_clock_issues_the_notice_and_starts_review(world, submit,
                                                                               django_capture_on_commit_callbacks):
    case = submit()
    with django_capture_on_commit_callbacks(execute=True):  # the PDF is rendered after commit
        case_accept(actor=world.clerk, case=case, today=MONDAY)
    case.refresh_from_db()
    assert case.status == CaseStatus.UNDER_REVIEW
    assert case.acceptance_mode == AcceptanceMode.NORMAL and case.accepted_on == MONDAY
    assert case.limit_days == 10 and case.due_on == dt.date(2026, 11, 30) and not case.due_provisional
    doc = case.documents.get(kind=DocumentKind.ACCEPTANCE_NOTICE)
    data = doc.file.open("rb").read()
    assert data.startswith(b"%PDF") and b"FontFile2" in data  # the CJK font is embedded
    assert WorkTask.objects.filter(case=case, status="ready").exists()
    assert list(case.status_changes.values_list("to_status", flat=True)) == ["submitted", "accepted", "under_review"]
    # Accepting means the filed materials were checked: none is left "待核验".
    assert set(case.application.materials.values_list("review", flat=True)) == {MaterialReview.OK}


def test_acceptance_after_the_period_dates_from_receipt(world, submit):
    case = submit()
    case_accept(actor=world.clerk, case=case, today=dt.date(2026, 11, 25))  # after 23 Nov
    case.refresh_from_db()
    assert case.accepted_on == MONDAY and case.due_on == dt.date(2026, 11, 30)


def test_staff_outside_scope_cannot_accept(world, submit):
    case = submit()
    with pytest.raises(NotFound):
        case_accept(actor=world.beilin_reviewer, case=case, today=MONDAY)


def test_deferred_acceptance_withholds_the_result_until_the_materials_come(world, submit):
    case = submit()
    spec = {"requirement_ids": [world.deferrable_material.pk], "deadline": dt.date(2026, 11, 27),
            "form_note": "现场提交纸质原件或网上上传", "commitment_text": "本人承诺按期补交。"}
    case_accept(actor=world.clerk, case=case, mode=AcceptanceMode.DEFERRED, deferral=spec, today=MONDAY)
    case.refresh_from_db()
    assert case.acceptance_mode == AcceptanceMode.DEFERRED
    assert case.documents.filter(kind=DocumentKind.DEFERRED_ACCEPTANCE_NOTICE).exists()
    row = case.application.materials.get(requirement=world.deferrable_material)
    assert row.satisfaction == MaterialSatisfaction.DEFERRED
    assert row.review == MaterialReview.PENDING  # not there yet, so not checked
    assert case.application.materials.get(requirement=world.required_material).review == MaterialReview.OK
    case_decide(actor=world.approver, case=case, decision="approved", reasons="符合条件", today=dt.date(2026, 11, 20))
    case.refresh_from_db()
    assert case.status == CaseStatus.APPROVED  # withheld: not concluded
    stored = stored_file_create(actor=world.citizen, owner=world.citizen, upload=pdf_upload("制度.pdf"))
    case_supplement_deferred(actor=world.citizen, case=case, materials={str(world.deferrable_material.pk): {"file": stored.pk}},
                             today=dt.date(2026, 11, 23))
    case.refresh_from_db()
    assert case.status == CaseStatus.CONCLUDED and case.deferral.completed_at is not None


def test_deferral_deadline_may_not_exceed_the_promised_limit(world, submit):
    case = submit()
    spec = {"requirement_ids": [world.deferrable_material.pk], "deadline": dt.date(2026, 12, 15),
            "form_note": "网上上传", "commitment_text": "承诺。"}
    with pytest.raises(ValidationFailed) as err:
        case_accept(actor=world.clerk, case=case, mode="deferred", deferral=spec, today=MONDAY)
    assert err.value.errors[0].field == "deferral.deadline" and "2026-11-30" in err.value.errors[0].message
    case.refresh_from_db()
    assert case.status == CaseStatus.SUBMITTED and case.accepted_on is None  # nothing half-written


def test_only_secondary_materials_may_be_deferred(world, submit):
    case = submit()
    spec = {"requirement_ids": [world.required_material.pk], "deadline": dt.date(2026, 11, 27),
            "form_note": "网上上传", "commitment_text": "承诺。"}
    with pytest.raises(ValidationFailed) as err:
        case_accept(actor=world.clerk, case=case, mode="deferred", deferral=spec, today=MONDAY)
    assert err.value.errors[0].code == "not_deferrable"


def test_missed_deferral_deadline_ends_the_case(world, submit):
    case = submit()
    spec = {"requirement_ids": [world.deferrable_material.pk], "deadline": dt.date(2026, 11, 20),
            "form_note": "网上上传", "commitment_text": "承诺。"}
    case_accept(actor=world.clerk, case=case, mode="deferred", deferral=spec, today=MONDAY)
    report = run_monitoring(today=dt.date(2026, 11, 23))
    case.refresh_from_db()
    assert case.number in report.deferrals_lapsed
    assert case.status == CaseStatus.TERMINATED and "容缺材料未在" in case.closed_reason
    assert not WorkTask.objects.filter(case=case, status__in=["ready", "claimed"]).exists()


def test_deferred_and_commitment_need_the_catalog_lists(world, submit):
    from yiwang.catalog.models import ImplementationVersion, published_content_writes

    with published_content_writes():  # a fixture shortcut; real changes go through a new version
        ImplementationVersion.objects.filter(pk=world.version.pk).update(deferred_material_eligible=False,
                                                                          commitment_eligible=False)
    case = submit()
    case.version.refresh_from_db()
    with pytest.raises(DomainError) as err:
        case_accept(actor=world.clerk, case=case, mode="commitment",
                    commitment={"conditions": ["场所符合要求"], "commitment_text": "承诺属实"}, today=MONDAY)
    assert err.value.code == "not_eligible_commitment"


def test_bad_credit_excludes_commitment(world, submit):
    CreditRecord.objects.create(subject=world.citizen, kind=CreditRecordKind.SERIOUS_DISHONESTY,
                                description="列入严重失信主体名单", effective_from=dt.date(2026, 1, 1))
    case = submit()
    with pytest.raises(DomainError) as err:
        case_accept(actor=world.clerk, case=case, mode="commitment",
                    commitment={"conditions": ["场所符合要求"], "commitment_text": "承诺属实"}, today=MONDAY)
    assert err.value.code == "not_eligible_commitment" and "严重失信" in err.value.message


def test_false_commitment_revokes_the_decision_and_is_recorded(world, submit):
    case = submit()
    case_accept(actor=world.clerk, case=case, mode="commitment",
                commitment={"conditions": ["经营场所面积不少于 20 平方米"], "commitment_text": "本人承诺所填属实"},
                today=MONDAY)
    case.refresh_from_db()
    assert case.commitment.verification_due_on == dt.date(2026, 12, 14)  # 20 working days
    assert case.documents.filter(kind=DocumentKind.COMMITMENT_LETTER).exists()
    case_decide(actor=world.approver, case=case, decision="approved", reasons="依承诺准予", today=dt.date(2026, 11, 17))
    case.refresh_from_db()
    assert case.status == CaseStatus.CONCLUDED
    commitment_verify(actor=world.reviewer, case=case, truthful=False, note="现场核查面积仅 8 平方米",
                      today=dt.date(2026, 12, 1))
    case.refresh_from_db()
    assert case.status == CaseStatus.REVOKED
    record = CreditRecord.objects.get(subject=world.citizen)
    assert record.kind == CreditRecordKind.FALSE_COMMITMENT and record.source_case_id == case.pk
    # The earlier false promise now bars the applicant from commitment acceptance.
    again = submit(today=dt.date(2026, 12, 2))
    with pytest.raises(DomainError) as err:
        case_accept(actor=world.clerk, case=again, mode="commitment",
                    commitment={"conditions": ["x"], "commitment_text": "y"}, today=dt.date(2026, 12, 2))
    assert "虚假承诺" in err.value.message


def test_false_commitment_tells_the_applicant_of_the_credit_record(world, submit):
    from yiwang.notifications.models import Notification

    case = submit()
    case_accept(actor=world.clerk, case=case, mode="commitment",
                commitment={"conditions": ["经营场所面积不少于 20 平方米"], "commitment_text": "本人承诺所填属实"},
                today=MONDAY)
    case_decide(actor=world.approver, case=case, decision="approved", reasons="依承诺准予", today=dt.date(2026, 11, 17))
    commitment_verify(actor=world.reviewer, case=case, truthful=False, note="现场核查面积仅 8 平方米。",
                      today=dt.date(2026, 12, 1))
    messages = Notification.objects.filter(recipient=world.citizen, topic="case.revoked", channel="in_app")
    assert messages.count() == 1  # one message, not the plain one and then another
    body = messages.get().body
    assert "现场核查面积仅 8 平方米。已记入信用记录" in body and "不适用告知承诺和容缺受理" in body


def test_correction_notice_lists_everything_and_resubmission_restarts_receipt(world, submit,
                                                                              django_capture_on_commit_callbacks):
    case = submit()
    items = [{"target": f"materials/{world.required_material.pk}", "problem": "申请书未签字", "fix": "请法定代表人签字后重新上传"},
             {"target": "form/enterprise.address", "problem": "经营场所地址不完整", "fix": "请填写门牌号"}]
    with django_capture_on_commit_callbacks(execute=True):  # the PDF is rendered after commit
        notice = case_request_corrections(actor=world.clerk, case=case, items=items, today=dt.date(2026, 11, 18))
    case.refresh_from_db()
    assert case.status == CaseStatus.CORRECTION_REQUESTED and len(notice.items) == 2
    document = case.documents.get(kind=DocumentKind.CORRECTION_NOTICE)
    with document.file.open("rb") as fh:
        text = "".join("".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(fh.read())).pages)
    # Each item says which material or entry it is about, not only what is wrong.
    assert "涉及内容" in text and f"材料：{world.required_material.name}" in text and "表单：经营场所" in text
    stored = stored_file_create(actor=world.citizen, owner=world.citizen, upload=pdf_upload("签字版.pdf"))
    case_resubmit(actor=world.citizen, case=case, form_data={"enterprise.address": "西安市雁塔区小寨东路 1 号 3 层"},
                  materials={str(world.required_material.pk): {"file": stored.pk}}, today=dt.date(2026, 11, 19))
    case.refresh_from_db()
    assert case.status == CaseStatus.SUBMITTED
    assert case.received_on == dt.date(2026, 11, 19) and case.acceptance_due_on == dt.date(2026, 11, 26)
    assert case.application.form_data["enterprise.address"].endswith("3 层")


def test_correction_notice_needs_problem_and_fix_for_each_item(world, submit):
    case = submit()
    with pytest.raises(ValidationFailed) as err:
        case_request_corrections(actor=world.clerk, case=case, items=[{"problem": "缺签字", "fix": ""}], today=MONDAY)
    assert err.value.errors[0].field == "items[0]"
    with pytest.raises(ValidationFailed):
        case_request_corrections(actor=world.clerk, case=case, items=[], today=MONDAY)


def test_no_correction_notice_after_five_working_days(world, submit):
    case = submit()
    with pytest.raises(DomainError) as err:
        case_request_corrections(actor=world.clerk, case=case, items=[{"problem": "a", "fix": "b"}],
                                 today=dt.date(2026, 11, 24))
    assert err.value.code == "acceptance_period_over"


def test_refusal_records_reason_and_competent_agency(world, submit):
    case = submit()
    with pytest.raises(ValidationFailed):
        case_refuse(actor=world.clerk, case=case, reason="  ", today=MONDAY)
    refusal = case_refuse(actor=world.clerk, case=case, reason="申请事项不属于本机关职权范围",
                          legal_basis="《行政许可法》第三十二条第一款第（二）项", competent_agency=world.other_agency,
                          today=MONDAY)
    case.refresh_from_db()
    assert case.status == CaseStatus.REFUSED and refusal.competent_agency == world.other_agency
    assert case.documents.filter(kind=DocumentKind.REFUSAL_DECISION).exists()
    with pytest.raises(InvalidTransition):
        case_accept(actor=world.clerk, case=case, today=MONDAY)


def test_deemed_acceptance_after_five_working_days_is_automatic_and_idempotent(world, submit):
    case = submit()
    assert run_monitoring(today=dt.date(2026, 11, 23)).deemed_accepted == []  # the last day is still in time
    report = run_monitoring(today=dt.date(2026, 11, 24))
    assert report.deemed_accepted == [case.number]
    case.refresh_from_db()
    assert case.status == CaseStatus.UNDER_REVIEW and case.acceptance_mode == AcceptanceMode.DEEMED
    assert case.accepted_on == MONDAY and case.due_on == dt.date(2026, 11, 30)
    change = case.status_changes.get(action="deem_accept")
    assert "第三十二条" in change.note and change.actor_label == "monitoring"
    # Staff read names in the timeline: the person for a person, 系统 for the scheduler.
    from yiwang.cases.selectors import case_timeline

    who = {e.title: e.actor for e in case_timeline(case)}
    assert who["已提交待受理"] == world.citizen.real_name and who["审查中"] == "系统"
    assert CaseWarning.objects.filter(case=case, kind=WarningKind.ACCEPTANCE_LATE).exists()
    assert case.documents.filter(kind=DocumentKind.ACCEPTANCE_NOTICE).exists()
    second = run_monitoring(today=dt.date(2026, 11, 24))
    assert not second.changed


def test_illegal_transition_is_a_domain_error(world, submit):
    case = submit()
    with pytest.raises(InvalidTransition) as err:
        case_decide(actor=world.approver, case=case, decision="approved", reasons="x", today=MONDAY)
    assert err.value.code == "invalid_transition" and "已提交待受理" in err.value.message
