"""The department's worklist and case page (claim, complete, return, reassign, special procedure,
extension, commitment verification) and the supervisor's warnings, with their permissions."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from yiwang.accounts.tests.factories import StaffFactory
from yiwang.cases.constants import AcceptanceMode, CaseStatus, TaskStatus, WarningColour
from yiwang.cases.models import Case, WorkTask
from yiwang.cases.services import case_accept, run_monitoring
from yiwang.cases.tests.page_helpers import accept, field_error, file_case, html, summary_links, today
from yiwang.orgs.constants import Role
from yiwang.orgs.models import RoleGrant

pytestmark = pytest.mark.django_db

LEGAL_BASIS = "《中华人民共和国行政许可法》第三十八条"


def staff_url(case):
    return reverse("cases:staff_case", args=[case.pk])


def open_task(case, key=None):
    qs = WorkTask.objects.filter(case=case, status__in=(TaskStatus.READY, TaskStatus.CLAIMED))
    return qs.get(task_key=key) if key else qs.get()


@pytest.fixture
def running(world, submit):
    return accept(world, file_case(submit))


def test_department_pages_need_a_department_role(client, world, running):
    urls = [reverse("cases:worklist"), staff_url(running)]
    for url in urls:
        assert reverse("accounts:login") in client.get(url).url
    client.force_login(world.citizen)
    assert all(client.get(u).status_code == 403 for u in urls)
    client.force_login(world.clerk)
    assert client.get(urls[0]).status_code == 403
    client.force_login(world.beilin_reviewer)  # another district's reviewer
    assert client.get(urls[1]).status_code == 404
    assert client.post(urls[1], {"action": "claim", "task_id": str(open_task(running).pk)}).status_code == 404
    assert open_task(running).status == TaskStatus.READY


def test_worklist_shows_tasks_in_scope_with_countdown_and_filters(client, world, running):
    client.force_login(world.reviewer)
    body = html(client.get(reverse("cases:worklist")))
    assert running.number in body and "审查" in body and "剩余 10 个工作日" in body and "tag--green" in body
    client.force_login(world.approver)  # the review task is not the approver's
    assert running.number not in html(client.get(reverse("cases:worklist")))
    client.force_login(world.beilin_reviewer)
    assert running.number not in html(client.get(reverse("cases:worklist")))

    client.force_login(world.reviewer)
    Case.objects.filter(pk=running.pk).update(warning=WarningColour.RED)
    assert running.number in html(client.get(reverse("cases:worklist"), {"colour": "red"}))
    assert running.number not in html(client.get(reverse("cases:worklist"), {"colour": "yellow"}))
    assert running.number not in html(client.get(reverse("cases:worklist"), {"status": "claimed"}))
    bad = client.get(reverse("cases:worklist"), {"colour": "purple"})
    assert ("#colour", "预警颜色筛选无效，已显示全部。") in summary_links(bad)


def test_claim_from_the_worklist_keeps_the_filter(client, world, running):
    client.force_login(world.reviewer)
    task = open_task(running)
    response = client.post(reverse("cases:worklist"), {"task_id": str(task.pk), "next_query": "status=ready"})
    assert response.status_code == 302 and response.url == reverse("cases:worklist") + "?status=ready"
    task.refresh_from_db()
    assert task.status == TaskStatus.CLAIMED and task.assignee_id == world.reviewer.pk


def test_review_then_decision_through_the_case_page(client, world, running):
    client.force_login(world.reviewer)
    body = html(client.get(staff_url(running)))
    number = world.citizen.id_number
    assert "当前任务" in body and "审查" in body and number not in body and number[-4:] in body
    review = open_task(running)
    response = client.post(staff_url(running), {"action": "complete", "task_id": str(review.pk),
                                                f"task{review.pk}-complete-outcome": "pass",
                                                f"task{review.pk}-complete-comment": "材料齐全"})
    assert response.status_code == 302
    decide = open_task(running, "decide")

    client.force_login(world.approver)
    body = html(client.get(staff_url(running)))
    assert re.search(r'<button[^>]*data-confirm="确认作出决定？[^"]*"[^>]*>作出决定</button>', body)
    prefix = f"task{decide.pk}-complete"
    response = client.post(staff_url(running), {"action": "complete", "task_id": str(decide.pk), f"{prefix}-outcome": "approve"})
    assert response.status_code == 200
    assert field_error(response, f"id_{prefix}-comment") == "请填写决定理由。"
    assert field_error(response, f"id_{prefix}-legal_basis") == "请填写决定的法律依据（法律法规名称和条款）。"
    assert (f"#id_{prefix}-legal_basis", "请填写决定的法律依据（法律法规名称和条款）。") in summary_links(response)
    response = client.post(staff_url(running), {"action": "complete", "task_id": str(decide.pk), f"{prefix}-outcome": "approve",
                                                f"{prefix}-comment": "符合法定条件", f"{prefix}-legal_basis": LEGAL_BASIS},
                           follow=True)
    running.refresh_from_db()
    assert running.decision == "approved" and running.status == CaseStatus.CONCLUDED
    body = html(response)
    assert "已作出决定：准予" in body
    # The back-office record reads as officers speak, not as the process codes.
    history = body[body.index("后台办理记录"):]
    assert "<td>通过，提交下一步</td>" in history and "<td>准予</td>" in history
    assert "<td>pass</td>" not in history and "<td>approve</td>" not in history


def test_return_to_the_previous_step_needs_a_comment(client, world, running):
    client.force_login(world.reviewer)
    review = open_task(running)
    # The review is the process's first step: there is nothing to return to, so it is not offered.
    body = html(client.get(staff_url(running)))
    assert "办理完成" in body and "退回上一步" not in body and f"task{review.pk}-return-comment" not in body
    client.post(staff_url(running), {"action": "complete", "task_id": str(review.pk), f"task{review.pk}-complete-outcome": "pass"})
    decide = open_task(running, "decide")
    client.force_login(world.approver)
    assert "退回上一步" in html(client.get(staff_url(running)))
    response = client.post(staff_url(running), {"action": "return", "task_id": str(decide.pk)})
    assert "请填写退回意见" in field_error(response, f"id_task{decide.pk}-return-comment")
    client.post(staff_url(running), {"action": "return", "task_id": str(decide.pk), f"task{decide.pk}-return-comment": "请核实经营场所"})
    again = open_task(running, "review")
    assert again.return_comment == "请核实经营场所"
    client.force_login(world.reviewer)
    assert "被退回：请核实经营场所" in html(client.get(staff_url(running)))


def test_an_approver_reassigns_a_task_to_a_colleague(client, world, running):
    colleague = StaffFactory(real_name="李审查")
    RoleGrant.objects.create(user=colleague, organisation=world.agency, role=Role.DEPT_REVIEWER)
    review = open_task(running)
    client.force_login(world.reviewer)
    assert "改派" not in html(client.get(staff_url(running)))  # only approvers reassign
    client.force_login(world.approver)
    body = html(client.get(staff_url(running)))
    assert "李审查" in body
    prefix = f"task{review.pk}-reassign"
    response = client.post(staff_url(running), {"action": "reassign", "task_id": str(review.pk), f"{prefix}-to_user": ""})
    assert field_error(response, f"id_{prefix}-to_user") == "请选择改派给哪位同事。"
    client.post(staff_url(running), {"action": "reassign", "task_id": str(review.pk), f"{prefix}-to_user": str(colleague.pk)})
    review.refresh_from_db()
    assert review.assignee_id == colleague.pk and review.status == TaskStatus.CLAIMED


def test_special_procedure_pauses_and_resumes_the_clock(client, world, running):
    client.force_login(world.reviewer)
    response = client.post(staff_url(running), {"action": "pause", "pause-procedure": "", "pause-expected_days": "abc"})
    links = {text: href for href, text in summary_links(response)}
    # Nothing chosen is asked for as such, not called "invalid".
    assert links["请选择特别程序类型（听证、现场核查、检验检测、鉴定、专家评审等）。"] == "#id_pause-procedure"
    assert links["请填写启动特别程序的理由（将书面告知申请人）。"] == "#id_pause-reason"
    assert links["请填写特别程序预计所需天数（1–365），或填写最后一日。"] == "#id_pause-expected_days"
    client.post(staff_url(running), {"action": "pause", "pause-procedure": "inspection", "pause-reason": "现场核查经营场所",
                                     "pause-expected_days": "5"})
    running.refresh_from_db()
    assert running.status == CaseStatus.SUSPENDED
    assert running.documents.filter(kind="special_procedure_notice").exists()
    body = html(client.get(staff_url(running)))
    assert "特别程序中，暂停计时" in body and "恢复计时" in body
    response = client.post(staff_url(running), {"action": "resume"}, follow=True)
    running.refresh_from_db()
    assert running.status == CaseStatus.UNDER_REVIEW and "恢复计时" in html(response)


def test_only_an_approver_extends_the_limit(client, world, running):
    client.force_login(world.reviewer)
    assert "延长审批期限" not in html(client.get(staff_url(running)))
    response = client.post(staff_url(running), {"action": "extend", "extend-reason": "需补充调查"})
    assert response.status_code == 404 and running.extensions.count() == 0
    client.force_login(world.approver)
    response = client.post(staff_url(running), {"action": "extend", "extend-reason": "", "extend-days": "30"})
    links = [text for _, text in summary_links(response)]
    assert "请填写延长审批期限的理由（将告知申请人）。" in links
    assert any("延长期限合计不得超过 10 个工作日" in t for t in links)
    previous = running.due_on
    client.post(staff_url(running), {"action": "extend", "extend-reason": "需补充调查"})
    running.refresh_from_db()
    assert running.extension_days == 10 and running.due_on > previous


def test_commitment_verification(client, world, submit):
    case = file_case(submit)
    case_accept(actor=world.clerk, case=case, mode=AcceptanceMode.COMMITMENT,
                commitment={"conditions": ["有固定经营场所"], "commitment_text": "属实"})
    client.force_login(world.reviewer)
    response = client.post(staff_url(case), {"action": "verify", "verify-note": "已现场核实"})
    assert ("#id_verify-truthful_0", "请选择核查结论：承诺属实或承诺不实。") in summary_links(response)
    client.post(staff_url(case), {"action": "verify", "verify-truthful": "yes", "verify-note": "已现场核实"})
    case.refresh_from_db()
    assert case.commitment.verified_on == today() and case.commitment.is_truthful is True


def test_warnings_in_scope_with_filters(client, world, running):
    run_monitoring(today=today() + dt.timedelta(days=60))
    client.force_login(world.reviewer)
    assert client.get(reverse("cases:warnings")).status_code == 403
    client.force_login(world.supervisor)
    response = client.get(reverse("cases:warnings"))
    body = html(response)
    assert response.status_code == 200 and running.number in body and "已超期（红牌）" in body and "tag--red" in body
    assert staff_url(running) in body
    assert running.number in html(client.get(reverse("cases:warnings"), {"kind": "overdue", "colour": "red"}))
    assert running.number not in html(client.get(reverse("cases:warnings"), {"kind": "due_soon"}))
    bad = client.get(reverse("cases:warnings"), {"kind": "nope"})
    assert ("#kind", "预警类型筛选无效，已显示全部。") in summary_links(bad)
    # the supervisor may open the case (read-only: no task forms)
    case_page = html(client.get(staff_url(running)))
    assert running.number in case_page and "办理完成" not in case_page


def test_workbench_links_resolve_for_each_role(client, world):
    for user, title, url in ((world.clerk, "综合窗口受理", reverse("cases:clerk_workbench")),
                             (world.reviewer, "部门办件", reverse("cases:worklist")),
                             (world.supervisor, "电子监察", reverse("cases:warnings"))):
        client.force_login(user)
        body = html(client.get(reverse("orgs:workbench")))
        assert title in body and f'href="{url}"' in body
        assert client.get(url).status_code == 200
