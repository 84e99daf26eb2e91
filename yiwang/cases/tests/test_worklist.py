"""The back office with a real database and the real engine: which process a case runs, tasks in
the right queues, claim / complete / return / reassign, co-handling departments, permissions,
suspension, cancellation, uploading definitions (service and admin) and the decision at the end."""

import datetime as dt
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from yiwang.cases import access, back_office, selectors
from yiwang.cases.constants import CaseStatus, TaskStatus
from yiwang.cases.models import Delivery, ProcessDefinition, ProcessInstance, WorkTask
from yiwang.cases.services import work_tasks
from yiwang.cases.tests.factories import CaseFactory
from yiwang.catalog.constants import CaseKind, VersionStatus
from yiwang.catalog.models import ImplementationVersion
from yiwang.catalog.tests.factories import VersionFactory
from yiwang.core.errors import Conflict, DomainError, InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from yiwang.core.models import AuditEvent
from yiwang.orgs.constants import DivisionLevel, OrganisationKind, Role
from yiwang.orgs.tests.factories import DivisionFactory, OrganisationFactory, RoleGrantFactory

pytestmark = pytest.mark.django_db

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "camunda_inspect_gateway.bpmn"
LEGAL_BASIS = "《中华人民共和国行政许可法》第三十八条"


def staff(organisation, role):
    return RoleGrantFactory(organisation=organisation, role=role).user


@pytest.fixture
def o(db):
    """Xi'an: the market regulator (the deciding agency), two co-handling departments, a district
    regulator in 雁塔区, and staff with roles in each."""
    w = SimpleNamespace()
    city = DivisionFactory(code="610100", name="西安市", level=DivisionLevel.CITY)
    yanta = DivisionFactory(code="610113", name="雁塔区", level=DivisionLevel.DISTRICT, parent=city)
    w.gov = OrganisationFactory(name="西安市人民政府", kind=OrganisationKind.GOVERNMENT, division=city)
    w.agency = OrganisationFactory(name="西安市市场监督管理局", division=city, parent=w.gov)
    w.co_a = OrganisationFactory(name="西安市消防救援支队", division=city, parent=w.gov)
    w.co_b = OrganisationFactory(name="西安市生态环境局", division=city, parent=w.gov)
    w.yanta_agency = OrganisationFactory(name="雁塔区市场监督管理局", division=yanta, level="4")
    w.reviewer = staff(w.agency, Role.DEPT_REVIEWER)
    w.reviewer2 = staff(w.agency, Role.DEPT_REVIEWER)
    w.approver = staff(w.agency, Role.DEPT_APPROVER)
    w.co_a_reviewer = staff(w.co_a, Role.DEPT_REVIEWER)
    w.co_b_reviewer = staff(w.co_b, Role.DEPT_REVIEWER)
    w.yanta_reviewer = staff(w.yanta_agency, Role.DEPT_REVIEWER)
    w.yanta_approver = staff(w.yanta_agency, Role.DEPT_APPROVER)
    w.admin = staff(w.gov, Role.ADMINISTRATOR)
    w.editor = staff(w.gov, Role.CATALOG_EDITOR)
    return w


def make_case(o, *, co_agencies=(), due_on=dt.date(2026, 11, 30), status=CaseStatus.UNDER_REVIEW, **version):
    # Published versions are immutable (co-agencies included): fill the draft, then publish it.
    v = VersionFactory(implementation__agency=o.agency, **version)
    v.co_agencies.set(co_agencies)
    ImplementationVersion.objects.filter(pk=v.pk).update(status=VersionStatus.PUBLISHED, published_at=timezone.now())
    v.refresh_from_db()
    case = CaseFactory(application__version=v, status=status, due_on=due_on)
    Delivery.objects.create(application=case.application)  # where the result goes once decided
    return case


def started(o, **kwargs):
    case = make_case(o, **kwargs)
    back_office.process_start(actor=o.reviewer, case=case)
    return case


def open_tasks(case):
    return list(WorkTask.objects.filter(case=case, status__in=back_office.OPEN_STATUSES).order_by("id"))


def only_open(case):
    [task] = open_tasks(case)
    return task


def queue(actor, **kwargs):
    return list(selectors.worklist_for(actor=actor, **kwargs))


def decide(o, case, outcome="approve"):
    task = only_open(case)
    assert task.task_key == "decide"
    return work_tasks.task_complete(actor=o.approver, task=task, outcome=outcome, comment="符合法定条件和标准",
                                  data={"legal_basis": LEGAL_BASIS})


# --- which process -------------------------------------------------------------------------


def test_standard_processes_are_loaded_by_the_migration_and_loading_again_changes_nothing():
    rows = ProcessDefinition.objects.filter(is_standard=True).order_by("key")
    assert [(r.key, r.version, r.trusted) for r in rows] == [
        ("countersign", 1, True), ("on_the_spot", 1, True), ("review_decide", 1, True), ("review_inspect_decide", 1, True)]
    assert back_office.ensure_standard_processes() == []
    assert ProcessDefinition.objects.count() == 4


def test_a_database_emptied_after_migrations_reloads_the_standard_processes(o):
    ProcessDefinition.objects.all().delete()
    assert back_office.process_for_case(make_case(o)).key == "review_decide"
    assert ProcessDefinition.objects.filter(is_standard=True).count() == 4


@pytest.mark.parametrize(("version", "expected"), [
    ({}, "review_decide"),
    ({"case_kind": CaseKind.IMMEDIATE, "promised_limit": 0}, "on_the_spot"),
    ({"special_procedures": [{"kind": "2", "name": "现场核查", "max_days": 10}]}, "review_inspect_decide"),
    ({"special_procedures": [{"kind": "2", "name": "专家评审", "max_days": 10}]}, "review_decide"),
    ({"process_key": "on_the_spot"}, "on_the_spot"),
])
def test_process_for_case_follows_the_catalog(o, version, expected):
    assert back_office.process_for_case(make_case(o, **version)).key == expected


def test_items_with_co_handling_agencies_countersign(o):
    assert back_office.process_for_case(make_case(o, co_agencies=[o.co_a])).key == "countersign"


def test_an_unknown_process_key_is_a_clear_error(o):
    with pytest.raises(DomainError) as info:
        back_office.process_for_case(make_case(o, process_key="no_such_process"))
    assert info.value.code == "process_not_found" and "no_such_process" in info.value.message


def test_the_latest_active_version_is_used(o):
    v2 = back_office.process_definition_upload(actor=o.admin, xml=FIXTURE.read_text(), key="food_inspect", name="食品核查")
    v3 = back_office.process_definition_upload(actor=o.admin, xml=FIXTURE.read_text(), key="food_inspect", name="食品核查")
    assert (v2.version, v3.version) == (1, 2)
    back_office.process_definition_set_active(actor=o.admin, definition=v3, is_active=False)
    assert back_office.process_for_case(make_case(o, process_key="food_inspect")) == v2


# --- standard processes end to end -----------------------------------------------------------


def test_review_decide_end_to_end(o):
    case = started(o)
    review = only_open(case)
    assert (review.task_key, review.role, review.organisation, review.organisation_path) == (
        "review", Role.DEPT_REVIEWER, o.agency, o.agency.path)
    assert queue(o.reviewer) == [review] and queue(o.reviewer2) == [review]
    assert queue(o.approver) == [] and queue(o.yanta_reviewer) == []

    work_tasks.task_claim(actor=o.reviewer, task=review)
    review.refresh_from_db()
    assert review.status == TaskStatus.CLAIMED and review.assignee == o.reviewer
    work_tasks.task_complete(actor=o.reviewer, task=review, outcome="pass", comment="材料齐全，符合法定形式")
    review.refresh_from_db()
    assert (review.status, review.outcome, review.completed_by) == (TaskStatus.COMPLETED, "pass", o.reviewer)
    assert queue(o.reviewer) == []

    decide_task = only_open(case)
    assert decide_task.task_key == "decide" and queue(o.approver) == [decide_task]
    decide(o, case)

    case.refresh_from_db()
    process = ProcessInstance.objects.get(case=case)
    assert process.completed and process.completed_at is not None and open_tasks(case) == []
    assert case.decision == "approved" and case.decision_reasons == "符合法定条件和标准"
    assert case.decision_legal_basis == LEGAL_BASIS and case.decided_by == o.approver
    assert case.status == CaseStatus.CONCLUDED
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"process.started", "task.claimed", "task.completed", "process.completed", "case.approve"} <= actions


def test_on_the_spot_is_one_decision(o):
    case = started(o, case_kind=CaseKind.IMMEDIATE, promised_limit=0)
    task = only_open(case)
    assert task.task_key == "decide" and queue(o.approver) == [task] and queue(o.reviewer) == []
    decide(o, case, outcome="deny")
    case.refresh_from_db()
    assert case.decision == "denied" and case.status == CaseStatus.CONCLUDED


def test_review_inspect_decide_end_to_end(o):
    case = started(o, special_procedures=[{"kind": "2", "name": "现场核查", "max_days": 5}])
    for key in ("review", "inspect"):
        task = only_open(case)
        assert task.task_key == key and queue(o.reviewer) == [task]
        work_tasks.task_complete(actor=o.reviewer, task=task, outcome="pass", comment="")  # implicit claim
        task.refresh_from_db()
        assert task.assignee == o.reviewer and task.claimed_at is not None
    decide(o, case)
    case.refresh_from_db()
    assert case.decision == "approved"


def test_countersign_needs_every_department_and_each_sees_only_its_own(o):
    case = started(o, co_agencies=[o.co_a, o.co_b])
    work_tasks.task_complete(actor=o.reviewer, task=only_open(case), outcome="pass", comment="转联办部门")
    tasks = open_tasks(case)
    assert sorted((t.task_key, t.organisation_id) for t in tasks) == sorted([("co_handling", o.co_a.pk),
                                                                            ("co_handling", o.co_b.pk)])
    task_a = next(t for t in tasks if t.organisation == o.co_a)
    task_b = next(t for t in tasks if t.organisation == o.co_b)
    assert task_a.organisation_path == o.co_a.path
    assert queue(o.co_a_reviewer) == [task_a] and queue(o.co_b_reviewer) == [task_b]
    assert queue(o.reviewer) == [] and queue(o.approver) == []
    with pytest.raises(NotFound):
        work_tasks.task_claim(actor=o.co_a_reviewer, task=task_b)

    work_tasks.task_complete(actor=o.co_a_reviewer, task=task_a, outcome="agree", comment="消防条件符合")
    assert open_tasks(case) == [task_b] and queue(o.approver) == []  # still waiting for B
    work_tasks.task_complete(actor=o.co_b_reviewer, task=task_b, outcome="agree", comment="环评已备案")
    assert only_open(case).task_key == "decide"
    state_data = back_office.engine.workflow_data(ProcessInstance.objects.get(case=case).state)
    assert sorted(op["co_agency"] for op in state_data["co_opinions"]) == sorted([o.co_a.pk, o.co_b.pk])
    decide(o, case)
    case.refresh_from_db()
    assert case.decision == "approved"


# --- return, reassign ------------------------------------------------------------------------


def test_return_to_the_previous_step_with_a_comment(o):
    case = started(o)
    work_tasks.task_complete(actor=o.reviewer, task=only_open(case), outcome="pass", comment="")
    decide_task = only_open(case)
    with pytest.raises(DomainError) as info:
        work_tasks.task_return(actor=o.approver, task=decide_task, comment="  ")
    assert info.value.code == "reason_required" and info.value.field == "comment"

    work_tasks.task_return(actor=o.approver, task=decide_task, comment="请核实经营场所面积")
    decide_task.refresh_from_db()
    assert (decide_task.status, decide_task.outcome, decide_task.comment) == (TaskStatus.COMPLETED, "returned",
                                                                              "请核实经营场所面积")
    review = only_open(case)
    assert review.task_key == "review" and review.return_comment == "请核实经营场所面积"
    assert queue(o.reviewer) == [review]
    work_tasks.task_complete(actor=o.reviewer, task=review, outcome="pass", comment="已核实")
    decide(o, case)
    case.refresh_from_db()
    assert case.decision == "approved"


def test_returning_one_co_handling_opinion_cancels_the_other_department_task(o):
    case = started(o, co_agencies=[o.co_a, o.co_b])
    work_tasks.task_complete(actor=o.reviewer, task=only_open(case), outcome="pass", comment="")
    task_a, task_b = sorted(open_tasks(case), key=lambda t: t.organisation_id != o.co_a.pk)
    work_tasks.task_return(actor=o.co_a_reviewer, task=task_a, comment="缺少消防验收意见书")
    task_b.refresh_from_db()
    assert task_b.status == TaskStatus.CANCELLED
    review = only_open(case)
    assert review.task_key == "review" and review.return_comment == "缺少消防验收意见书"


def test_approver_reassigns_to_a_colleague_with_the_role(o):
    case = started(o)
    review = only_open(case)
    work_tasks.task_claim(actor=o.reviewer, task=review)
    with pytest.raises(PermissionDenied):
        work_tasks.task_reassign(actor=o.reviewer, task=review, to_user=o.reviewer2)
    with pytest.raises(NotFound):
        work_tasks.task_reassign(actor=o.yanta_approver, task=review, to_user=o.reviewer2)
    with pytest.raises(DomainError) as info:
        work_tasks.task_reassign(actor=o.approver, task=review, to_user=o.yanta_reviewer)
    assert info.value.code == "assignee_not_eligible" and info.value.field == "to_user"
    with pytest.raises(DomainError) as info:  # nobody chosen: say so, not "not eligible"
        work_tasks.task_reassign(actor=o.approver, task=review, to_user=None)
    assert info.value.code == "required" and info.value.message == "请选择改派给哪位同事。"

    work_tasks.task_reassign(actor=o.approver, task=review, to_user=o.reviewer2)
    review.refresh_from_db()
    assert review.status == TaskStatus.CLAIMED and review.assignee == o.reviewer2
    with pytest.raises(PermissionDenied) as info:
        work_tasks.task_complete(actor=o.reviewer, task=review, outcome="pass", comment="")
    assert info.value.code == "task_not_yours"
    work_tasks.task_complete(actor=o.reviewer2, task=review, outcome="pass", comment="")
    assert AuditEvent.objects.filter(action="task.reassigned", object_id=str(review.pk)).exists()


# --- permissions ---------------------------------------------------------------------------


def test_a_reviewer_in_another_districts_organisation_cannot_claim_and_sees_not_found(o):
    case = started(o)
    review = only_open(case)
    with pytest.raises(NotFound) as info:
        work_tasks.task_claim(actor=o.yanta_reviewer, task=review)
    with pytest.raises(NotFound) as lookup:
        access.access_task_by_id(actor=o.yanta_reviewer, task_id=review.pk)
    with pytest.raises(NotFound) as missing:
        access.access_task_by_id(actor=o.yanta_reviewer, task_id=review.pk + 10_000)
    assert info.value.code == lookup.value.code == missing.value.code == "task_not_found"
    assert lookup.value.message == missing.value.message
    assert access.access_task_by_id(actor=o.reviewer, task_id=str(review.pk)) == review


def test_the_approver_may_see_a_review_task_but_not_do_it(o):
    review = only_open(started(o))
    assert access.access_task_by_id(actor=o.approver, task_id=review.pk) == review
    with pytest.raises(PermissionDenied):
        work_tasks.task_claim(actor=o.approver, task=review)


def test_a_task_claimed_by_someone_else_cannot_be_claimed(o):
    review = only_open(started(o))
    work_tasks.task_claim(actor=o.reviewer, task=review)
    assert work_tasks.task_claim(actor=o.reviewer, task=review).assignee == o.reviewer  # idempotent
    with pytest.raises(Conflict) as info:
        work_tasks.task_claim(actor=o.reviewer2, task=review)
    assert info.value.code == "task_not_yours"


def test_the_decision_requires_reasons_and_legal_basis_and_a_decision_outcome(o):
    case = started(o, case_kind=CaseKind.IMMEDIATE, promised_limit=0)
    task = only_open(case)
    with pytest.raises(DomainError) as info:
        work_tasks.task_complete(actor=o.approver, task=task, outcome="approve", comment="", data={})
    assert info.value.code == "reason_required"
    assert {d["field"] for d in info.value.detail} == {"comment", "legal_basis"}
    with pytest.raises(ValidationFailed) as bad:
        work_tasks.task_complete(actor=o.approver, task=task, outcome="agree", comment="同意",
                               data={"legal_basis": LEGAL_BASIS})
    assert bad.value.errors[0].field == "outcome"
    with pytest.raises(ValidationFailed) as reserved:
        work_tasks.task_complete(actor=o.approver, task=task, outcome="approve", comment="同意",
                               data={"legal_basis": LEGAL_BASIS, "co_agencies": [o.yanta_agency.pk]})
    assert reserved.value.errors[0].field == "data"
    task.refresh_from_db()
    case.refresh_from_db()
    assert task.status == TaskStatus.READY and case.status == CaseStatus.UNDER_REVIEW  # nothing half-written


# --- suspension, cancellation, start rules -------------------------------------------------


def test_a_suspended_case_keeps_its_tasks_but_they_cannot_be_completed_until_resumed(o):
    case = started(o)
    review = only_open(case)
    type(case).objects.filter(pk=case.pk).update(status=CaseStatus.SUSPENDED)
    work_tasks.task_claim(actor=o.reviewer, task=review)  # claiming is fine
    with pytest.raises(InvalidTransition) as info:
        work_tasks.task_complete(actor=o.reviewer, task=review, outcome="pass", comment="")
    assert info.value.code == "invalid_transition" and "特别程序" in info.value.message
    with pytest.raises(InvalidTransition):
        work_tasks.task_return(actor=o.reviewer, task=review, comment="退回")
    assert queue(o.reviewer) == [review]
    type(case).objects.filter(pk=case.pk).update(status=CaseStatus.UNDER_REVIEW)
    work_tasks.task_complete(actor=o.reviewer, task=review, outcome="pass", comment="")
    assert only_open(case).task_key == "decide"


def test_withdrawal_mid_process_cancels_the_open_tasks(o):
    case = started(o, co_agencies=[o.co_a, o.co_b])
    work_tasks.task_complete(actor=o.reviewer, task=only_open(case), outcome="pass", comment="")
    assert back_office.process_cancel(case=case, reason="申请人主动撤回") == 2
    assert open_tasks(case) == [] and queue(o.co_a_reviewer) == []
    process = ProcessInstance.objects.get(case=case)
    assert process.cancelled_at is not None and not process.completed
    assert back_office.engine.ready_user_tasks(process.state) == []
    assert set(WorkTask.objects.filter(case=case, status=TaskStatus.CANCELLED).values_list("comment", flat=True)) == {
        "申请人主动撤回"}
    assert back_office.process_cancel(case=case, reason="再次") == 0  # idempotent
    assert back_office.process_cancel(case=make_case(o), reason="没有流程") == 0


def test_a_process_starts_once_and_only_for_an_accepted_case(o):
    case = started(o)
    with pytest.raises(Conflict) as info:
        back_office.process_start(actor=o.reviewer, case=case)
    assert info.value.code == "process_already_started"
    with pytest.raises(InvalidTransition):
        back_office.process_start(actor=o.reviewer, case=make_case(o, status=CaseStatus.SUBMITTED))
    accepted = started(o, status=CaseStatus.ACCEPTED)  # case_accept starts it before "under review"
    assert only_open(accepted).task_key == "review"


# --- the worklist query ----------------------------------------------------------------------


def test_worklist_orders_by_due_date_and_filters_by_status_and_colour(o):
    later = only_open(started(o, due_on=dt.date(2026, 12, 10)))
    sooner = only_open(started(o, due_on=dt.date(2026, 11, 25)))
    assert queue(o.reviewer) == [sooner, later]
    work_tasks.task_claim(actor=o.reviewer, task=later)
    assert queue(o.reviewer, status="claimed") == [later]
    assert queue(o.reviewer, status="ready") == [sooner]
    type(sooner.case).objects.filter(pk=sooner.case_id).update(warning="red")
    assert queue(o.reviewer, colour="red") == [sooner]
    with pytest.raises(ValidationFailed) as info:
        selectors.worklist_for(actor=o.reviewer, status="done", colour="purple")
    assert {e.field for e in info.value.errors} == {"status", "colour"}


def test_worklist_is_a_constant_number_of_queries(o, django_assert_max_num_queries):
    for _ in range(3):
        started(o)
    reviewer = type(o.reviewer).objects.get(pk=o.reviewer.pk)  # no cached grants
    with django_assert_max_num_queries(2):
        rows = queue(reviewer)
        assert len(rows) == 3 and all(t.case.agency.name for t in rows)


# --- uploading definitions -----------------------------------------------------------------


def test_an_administrators_camunda_modeler_upload_runs_both_branches(o):
    definition = back_office.process_definition_upload(actor=o.admin, xml=FIXTURE.read_bytes(), key="food_inspect",
                                                    name="食品经营许可：按需核查")
    assert definition.trusted and definition.has_expressions and definition.process_id == "Process_food_inspect"
    assert {t["task_key"] for t in definition.user_tasks} == {"Activity_review", "Activity_inspect", "decide"}
    assert AuditEvent.objects.filter(action="process_definition.uploaded", object_id=str(definition.pk)).exists()

    for outcome, path in (("inspect", ["Activity_review", "Activity_inspect", "decide"]), ("pass", ["Activity_review",
                                                                                                   "decide"])):
        case = started(o, process_key="food_inspect")
        seen = []
        while (task := only_open(case)).task_key != "decide":
            seen.append(task.task_key)
            work_tasks.task_complete(actor=o.reviewer, task=task, outcome=outcome if task.task_key == "Activity_review"
                                   else "pass", comment="")
        assert seen + ["decide"] == path
        decide(o, case)
        case.refresh_from_db()
        assert case.decision == "approved"


def test_untrusted_uploaders_cannot_bring_expressions_but_can_bring_plain_processes(o):
    with pytest.raises(DomainError) as info:
        back_office.process_definition_upload(actor=o.editor, xml=FIXTURE.read_text(), key="food_inspect", name="核查")
    assert info.value.code == "bpmn_untrusted_expression"
    plain = (Path(back_office.STANDARD_PROCESS_DIR) / "review_decide.bpmn").read_text()
    first = back_office.process_definition_upload(actor=o.editor, xml=plain, key="my_review", name="我的审查流程")
    second = back_office.process_definition_upload(actor=o.editor, xml=plain, key="my_review", name="我的审查流程")
    assert (first.version, second.version, first.trusted) == (1, 2, False)
    with pytest.raises(ValidationFailed) as standard:
        back_office.process_definition_upload(actor=o.editor, xml=plain, key="review_decide", name="改标准流程")
    assert standard.value.errors[0].code == "standard_process"
    with pytest.raises(PermissionDenied):
        back_office.process_definition_upload(actor=o.reviewer, xml=plain, key="my_review", name="审查员上传")


def test_an_invalid_upload_is_rejected_with_the_parsers_reason_and_nothing_saved(o):
    before = ProcessDefinition.objects.count()
    with pytest.raises(DomainError) as info:
        back_office.process_definition_upload(actor=o.admin, xml=b"<bpmn:definitions>", key="broken", name="坏文件")
    assert info.value.code == "bpmn_invalid" and info.value.message.startswith("BPMN 文件无效：XML 语法错误")
    with pytest.raises(ValidationFailed) as fields:
        back_office.process_definition_upload(actor=o.admin, xml=FIXTURE.read_text(), key="Bad Key", name="")
    assert {e.field for e in fields.value.errors} == {"key", "name"}
    assert ProcessDefinition.objects.count() == before


def test_admin_upload_form_goes_through_the_service(o, client):
    o.admin.is_staff = True
    o.admin.save(update_fields=["is_staff"])
    client.force_login(o.admin)
    url = "/admin/cases/processdefinition/add/"
    assert client.get(url).status_code == 200
    bad = client.post(url, {"key": "broken", "name": "坏文件",
                            "bpmn_file": SimpleUploadedFile("x.bpmn", b"<bpmn:definitions>")})
    assert bad.status_code == 200 and "BPMN 文件无效" in bad.content.decode()
    assert not ProcessDefinition.objects.filter(key="broken").exists()
    ok = client.post(url, {"key": "food_inspect", "name": "食品核查",
                           "bpmn_file": SimpleUploadedFile("food.bpmn", FIXTURE.read_bytes())})
    assert ok.status_code == 302
    definition = ProcessDefinition.objects.get(key="food_inspect")
    assert definition.trusted and definition.uploaded_by == o.admin and definition.version == 1
    change = client.get(f"/admin/cases/processdefinition/{definition.pk}/change/")
    assert change.status_code == 200 and "Activity_inspect" in change.content.decode()


def test_admin_upload_by_a_catalog_editor_is_untrusted(o, client):
    o.editor.is_staff = True
    o.editor.save(update_fields=["is_staff"])
    client.force_login(o.editor)
    response = client.post("/admin/cases/processdefinition/add/", {
        "key": "food_inspect", "name": "食品核查", "bpmn_file": SimpleUploadedFile("food.bpmn", FIXTURE.read_bytes())})
    assert response.status_code == 200 and "只能由系统管理员上传" in response.content.decode()
    assert not ProcessDefinition.objects.filter(key="food_inspect").exists()
