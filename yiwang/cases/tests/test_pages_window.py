"""The general window: finding the applicant (masked identity), filing on their behalf, the queue,
the acceptance decisions (normal, deferred, commitment, corrections, refusal), documents, handing
over results and sending paper materials for city-wide cases."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from yiwang.accounts.tests.factories import EnterpriseUserFactory, make_id_number
from yiwang.cases.constants import AcceptanceMode, CaseStatus, Channel, DeliveryMethod, MaterialSatisfaction, TransferStatus
from yiwang.cases.models import Application, Case, CorrectionNotice
from yiwang.cases.services import case_decide
from yiwang.cases.tests.conftest import PDF_BYTES
from yiwang.cases.tests.page_helpers import accept, field_error, file_case, html, summary_links, today
from yiwang.catalog.models import ImplementationVersion, published_content_writes
from yiwang.notifications.models import Notification
from yiwang.workdays.time_limits import add_working_days

pytestmark = pytest.mark.django_db


@pytest.fixture
def clerk(client, world):
    client.force_login(world.clerk)
    return client


def case_url(case):
    return reverse("cases:clerk_case", args=[case.pk])


def found(client, person):
    response = client.post(reverse("cases:clerk_workbench"), {"action": "find", "identifier": person.id_number or person.uscc})
    assert response.status_code == 302, html(response)
    return client


def test_window_pages_need_the_window_role(client, world, submit):
    case = file_case(submit)
    urls = [reverse("cases:clerk_workbench"), reverse("cases:clerk_apply", args=[world.impl.pk]), case_url(case)]
    for url in urls:
        assert reverse("accounts:login") in client.get(url).url
    client.force_login(world.citizen)
    assert all(client.get(u).status_code == 403 for u in urls)
    client.force_login(world.supervisor)
    assert client.get(urls[0]).status_code == 403


def test_another_districts_clerk_gets_not_found(client, world, submit):
    case = file_case(submit)
    client.force_login(world.yanta_clerk)
    assert client.get(case_url(case)).status_code == 404
    assert client.post(case_url(case), {"action": "accept"}).status_code == 404
    assert Case.objects.get(pk=case.pk).status == CaseStatus.SUBMITTED


def test_find_applicant_shows_only_the_masked_number(clerk, world):
    assert re.search(r'<input[^>]*name="identifier"[^>]*autofocus', html(clerk.get(reverse("cases:clerk_workbench"))))
    response = clerk.post(reverse("cases:clerk_workbench"), {"action": "find", "identifier": "12345"})
    assert response.status_code == 200
    assert ("#id_identifier", "请输入 18 位居民身份证号码或统一社会信用代码。") in summary_links(response)
    unknown = make_id_number(777, birth="19500505")
    response = clerk.post(reverse("cases:clerk_workbench"), {"action": "find", "identifier": unknown})
    assert "未找到该申请人" in field_error(response, "id_identifier")
    assert f'value="{unknown}"' in html(response)  # what was typed stays to be corrected

    found(clerk, world.citizen)
    body = html(clerk.get(reverse("cases:clerk_workbench")))
    assert re.search(r'<input[^>]*name="item_q"[^>]*autofocus', body)  # next: the item, from the keyboard
    number = world.citizen.id_number
    assert "王秀英" in body and f"{number[:4]}**********{number[-4:]}" in body
    assert number not in body
    response = clerk.post(reverse("cases:clerk_workbench"), {"action": "clear"})
    assert "王秀英" not in html(clerk.get(response.url))


def test_find_an_enterprise_by_uscc(clerk, world):
    company = EnterpriseUserFactory()
    found(clerk, company)
    body = html(clerk.get(reverse("cases:clerk_workbench")))
    assert company.org_name in body and company.uscc not in body and company.uscc[-4:] in body


def test_item_search_then_file_on_behalf_with_paper_originals(clerk, world):
    found(clerk, world.citizen)
    body = html(clerk.get(reverse("cases:clerk_workbench"), {"item_q": "食品经营"}))
    apply_url = reverse("cases:clerk_apply", args=[world.impl.pk])
    assert "食品经营许可（新办）" in body and apply_url in body

    page = clerk.get(apply_url)
    body = html(page)
    assert 'id="f-applicant-name" value="王秀英"' in body and "已收取纸质原件" in body
    key = page.context["idempotency_key"]
    data = {"applicant.name": "王秀英", "applicant.id_number": world.citizen.id_number, "enterprise.address": "雁塔区",
            f"paper-{world.required_material.pk}": "1", "delivery-method": DeliveryMethod.WINDOW,
            "outlet": str(world.hall.pk), "idempotency_key": key}
    response = clerk.post(apply_url, data)
    case = Case.objects.get()
    assert response.status_code == 302 and response.url == case_url(case)
    assert case.channel == Channel.WINDOW and case.outlet_id == world.hall.pk and case.applicant_id == world.citizen.pk
    assert case.application.filed_by_id == world.clerk.pk
    assert case.application.materials.get(requirement=world.required_material).satisfaction == MaterialSatisfaction.PAPER
    # the same page sent again: one filing
    again = clerk.post(apply_url, data)
    assert again.url == case_url(case) and Case.objects.count() == 1


def test_filing_errors_are_named_and_uploads_kept(clerk, world):
    found(clerk, world.citizen)
    apply_url = reverse("cases:clerk_apply", args=[world.impl.pk])
    upload = SimpleUploadedFile("制度扫描.pdf", PDF_BYTES, content_type="application/pdf")
    response = clerk.post(apply_url, {"applicant.name": "", "applicant.id_number": world.citizen.id_number,
                                      "enterprise.address": "雁塔区", f"file-{world.deferrable_material.pk}": upload,
                                      "delivery-method": DeliveryMethod.MAIL, "idempotency_key": "k1"})
    assert response.status_code == 200
    links = summary_links(response)
    assert ("#f-applicant-name", "请填写「申请人姓名」。") in links
    assert (f"#m-{world.required_material.pk}", "请提供「食品经营许可申请书」（必要材料）。") in links
    assert ("#id_delivery-address", "选择邮寄送达时请填写收件地址。") in links
    body = html(response)
    assert "已上传：制度扫描.pdf" in body and f'name="uploaded-{world.deferrable_material.pk}"' in body
    assert not Application.objects.exists()


def test_filing_without_a_checked_applicant_goes_back_to_the_workbench(clerk, world):
    response = clerk.get(reverse("cases:clerk_apply", args=[world.impl.pk]))
    assert response.status_code == 302 and response.url == reverse("cases:clerk_workbench")


def test_queue_lists_cases_awaiting_acceptance_by_deadline_and_opens_by_number(clerk, world, submit):
    case = file_case(submit)
    body = html(clerk.get(reverse("cases:clerk_workbench")))
    assert "待受理（1）" in body and case.number in body and "剩余 5 个工作日" in body
    response = clerk.get(reverse("cases:clerk_workbench"), {"number": case.number})
    assert response.status_code == 302 and response.url == case_url(case)
    response = clerk.get(reverse("cases:clerk_workbench"), {"number": "20990101000"})
    assert ("#number", "职责范围内没有编号为 20990101000 的办件，请核对办件编号。") in summary_links(response)
    # Read off a notice: full-width digits and spaces are the same number; a NUL is a 400 (core.inputs).
    spaced = " ".join(case.number[i:i + 6] for i in range(0, 18, 6)).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    assert clerk.get(reverse("cases:clerk_workbench"), {"number": spaced}).url == case_url(case)
    assert clerk.get(reverse("cases:clerk_workbench"), {"number": case.number[:5] + "\x00" + case.number[5:]}).status_code == 400


def test_normal_acceptance_shows_notice_link_and_due_date(clerk, world, submit):
    case = file_case(submit)
    body = html(clerk.get(case_url(case)))
    assert "材料核对" in body and "食品经营许可申请书" in body and "受理（一般受理）" in body
    assert world.citizen.id_number not in body
    response = clerk.post(case_url(case), {"action": "accept"}, follow=True)
    case.refresh_from_db()
    assert case.status == CaseStatus.UNDER_REVIEW and case.acceptance_mode == AcceptanceMode.NORMAL
    body = html(response)
    due = f"{case.due_on:%Y年}{case.due_on.month}月{case.due_on.day}日"
    assert "已受理（一般受理）" in body and due in body
    doc = case.documents.get(kind="acceptance_notice")
    assert f'href="{reverse("cases:document", args=[doc.pk])}" target="_blank"' in body
    assert clerk.get(reverse("cases:document", args=[doc.pk])).status_code == 200


def test_deferred_acceptance_errors_then_success(clerk, world, submit):
    case = file_case(submit)
    response = clerk.post(case_url(case), {"action": "accept_deferred", "deferral-form_note": "", "deferral-commitment_text": ""})
    assert response.status_code == 200
    links = {text: href for href, text in summary_links(response)}
    assert links["请选择容缺后补的材料。"] == "#id_deferral-requirement_ids_0"
    assert links["请填写补交期限（YYYY-MM-DD）。"] == "#id_deferral-deadline"
    assert links["请填写补交形式。"] == "#id_deferral-form_note"
    assert "<details id=\"deferred\" open>" in html(response)
    deadline = add_working_days(today(), 3).due_date
    response = clerk.post(case_url(case), {
        "action": "accept_deferred", "deferral-requirement_ids": [str(world.deferrable_material.pk)],
        "deferral-deadline": deadline.isoformat(), "deferral-form_note": "现场提交纸质原件",
        "deferral-commitment_text": "按期补交。"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.acceptance_mode == AcceptanceMode.DEFERRED and case.deferral.deadline == deadline


def test_a_refused_deferral_does_not_show_the_case_as_accepted(clerk, world, submit):
    # case_accept starts the clock before it checks the deferral; the page shown with the errors
    # must show the case as it is in the database (not accepted), not the half-changed object.
    case = file_case(submit)
    response = clerk.post(case_url(case), {
        "action": "accept_deferred", "deferral-requirement_ids": [str(world.deferrable_material.pk)],
        "deferral-deadline": "2099-12-31", "deferral-form_note": "现场提交纸质原件", "deferral-commitment_text": "按期补交。"})
    assert response.status_code == 200 and summary_links(response)
    body = html(response)
    assert 'data-testid="due-on"' not in body and "<dt>受理</dt>" not in body and "部门办理页面" not in body
    assert "受理（一般受理）" in body
    case.refresh_from_db()
    assert case.status == CaseStatus.SUBMITTED and case.accepted_on is None


def test_commitment_acceptance_needs_conditions(clerk, world, submit):
    case = file_case(submit)
    response = clerk.post(case_url(case), {"action": "accept_commitment", "commitment-conditions": " ",
                                           "commitment-commitment_text": "承诺属实。"})
    assert ("#id_commitment-conditions", "请列明告知申请人需承诺符合的条件。") in summary_links(response)
    response = clerk.post(case_url(case), {"action": "accept_commitment", "commitment-conditions": "有固定经营场所\n有健康证明",
                                           "commitment-commitment_text": "承诺属实。"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.acceptance_mode == AcceptanceMode.COMMITMENT and case.commitment.conditions == ["有固定经营场所", "有健康证明"]


def test_correction_request_with_rows_added_and_errors_per_row(clerk, world, submit):
    case = file_case(submit)
    url = case_url(case)
    added = clerk.post(url, {"action": "corrections_add_row", "rows": "2", "problem-0": "申请书未签字", "fix-0": "签字"})
    body = html(added)
    assert added.status_code == 200 and 'id="problem-2"' in body and "申请书未签字" in body
    assert re.search(r'id="problem-2"[^>]*autofocus', body)
    empty = clerk.post(url, {"action": "corrections", "rows": "2"})
    assert ("#problem-0", "请列出需要补正的全部内容（一次性告知）。") in summary_links(empty)
    response = clerk.post(url, {"action": "corrections", "rows": "3", "problem-0": "申请书未签字", "fix-0": "签字",
                                "problem-1": "经营场所不详", "fix-1": ""})
    assert response.status_code == 200
    assert ("#problem-1", "第 2 项：每一项都要写明问题和补正要求。") in summary_links(response)
    assert not CorrectionNotice.objects.exists()
    response = clerk.post(url, {"action": "corrections", "rows": "3",
                                "target-0": f"materials/{world.required_material.pk}", "problem-0": "申请书未签字", "fix-0": "签字后重新上传",
                                "target-1": "form/enterprise.address", "problem-1": "经营场所不详", "fix-1": "写明门牌号"})
    assert response.status_code == 302
    notice = CorrectionNotice.objects.get(case=case)
    assert [i["target"] for i in notice.items] == [f"materials/{world.required_material.pk}", "form/enterprise.address"]
    case.refresh_from_db()
    assert case.status == CaseStatus.CORRECTION_REQUESTED
    assert case.documents.filter(kind="correction_notice").exists()


def test_walk_in_correction_is_recorded_at_the_window(clerk, world, submit):
    case = file_case(submit)
    url = case_url(case)
    material = world.required_material
    assert clerk.post(url, {"action": "corrections", "rows": "2",
                            "target-0": f"materials/{material.pk}", "problem-0": "申请书未签字", "fix-0": "带签字的原件到窗口",
                            "target-1": "form/enterprise.address", "problem-1": "经营场所不详", "fix-1": "写明门牌号"}).status_code == 302
    page = html(clerk.get(url))
    assert 'id="resubmit-title"' in page and "申请书未签字" in page
    # The paper box starts unticked: the corrected original has to be received anew.
    assert re.search(rf'name="paper-{material.pk}"[^>]*>', page) and not re.search(rf'name="paper-{material.pk}"[^>]*checked', page)

    # A blanked field is named; the paper tick survives the error.
    refused = clerk.post(url, {"action": "resubmit", "enterprise.address": "", f"paper-{material.pk}": "1"})
    assert refused.status_code == 200
    assert ("#f-enterprise-address", "请填写「经营场所」。") in summary_links(refused)
    assert re.search(rf'name="paper-{material.pk}"[^>]*checked', html(refused))
    case.refresh_from_db()
    assert case.status == CaseStatus.CORRECTION_REQUESTED

    done = clerk.post(url, {"action": "resubmit", "enterprise.address": "西安市雁塔区小寨东路 1 号 3 单元 201 室",
                            f"paper-{material.pk}": "1"})
    assert done.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.SUBMITTED and case.received_on == today()
    assert case.application.form_data["enterprise.address"].endswith("201 室")
    assert case.application.materials.get(requirement=material).satisfaction == MaterialSatisfaction.PAPER
    assert CorrectionNotice.objects.get(case=case).responded_at is not None
    after = html(clerk.get(url))
    assert "已登记补正" in after and 'id="resubmit-title"' not in after


def test_refusal_needs_a_reason(clerk, world, submit):
    case = file_case(submit)
    # The refusal cannot be undone: its button asks before sending (data-confirm, static js/confirm.js).
    assert re.search(r'<button[^>]*data-confirm="确认作出不予受理决定？[^"]*"[^>]*>作出不予受理决定</button>',
                     html(clerk.get(case_url(case))))
    response = clerk.post(case_url(case), {"action": "refuse", "refusal-reason": ""})
    assert ("#id_refusal-reason", "请填写不予受理的理由。") in summary_links(response)
    response = clerk.post(case_url(case), {"action": "refuse", "refusal-reason": "不属于本机关职权范围",
                                           "refusal-competent_agency": str(world.other_agency.pk)})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.REFUSED and case.refusal.competent_agency_id == world.other_agency.pk
    assert case.documents.filter(kind="refusal_decision").exists()


def _concluded(world, submit, **kwargs):
    case = accept(world, file_case(submit, **kwargs))
    case_decide(actor=world.approver, case=case, decision="approved", reasons="符合条件")
    case.refresh_from_db()
    assert case.status == CaseStatus.CONCLUDED
    return case


def test_hand_over_at_the_window_checks_the_pickup_code(clerk, world, submit, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # the code reaches the applicant after commit
        case = _concluded(world, submit)
    code = re.search(r"取件码 (\d{6})", Notification.objects.filter(topic="delivery.code").first().body).group(1)
    assert case.number in html(clerk.get(reverse("cases:clerk_workbench")))  # 待出件
    response = clerk.post(case_url(case), {"action": "deliver", "pickup-pickup_code": "000000" if code != "000000" else "111111"})
    assert response.status_code == 200
    assert "取件码不正确" in field_error(response, "id_pickup-pickup_code")
    response = clerk.post(case_url(case), {"action": "deliver", "pickup-pickup_code": code})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.DELIVERED


def test_a_lost_pickup_code_is_sent_again_and_the_old_one_dies(clerk, client, world, submit,
                                                                django_capture_on_commit_callbacks):
    from yiwang.core.models import AuditEvent

    with django_capture_on_commit_callbacks(execute=True):
        case = _concluded(world, submit)
    old = re.search(r"取件码 (\d{6})", Notification.objects.filter(topic="delivery.code").order_by("id").first().body).group(1)
    assert "重新发送取件码" in html(clerk.get(case_url(case)))
    with django_capture_on_commit_callbacks(execute=True):
        response = clerk.post(case_url(case), {"action": "reissue_code"})
    assert response.status_code == 302
    latest = Notification.objects.filter(topic="delivery.code", recipient=world.citizen).order_by("-id").first()
    assert "原取件码作废" in latest.body
    new = re.search(r"取件码 (\d{6})", latest.body).group(1)
    # The clerk never sees the code: it goes to the applicant only.
    assert re.search(rf"(?<!\d){new}(?!\d)", html(clerk.get(case_url(case)))) is None
    assert AuditEvent.objects.filter(action="delivery.code_reissued").count() == 1
    if new != old:
        stale = clerk.post(case_url(case), {"action": "deliver", "pickup-pickup_code": old})
        assert "取件码不正确" in field_error(stale, "id_pickup-pickup_code")
    assert clerk.post(case_url(case), {"action": "deliver", "pickup-pickup_code": new}).status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.DELIVERED
    # Nothing left to send again once handed over.
    again = clerk.post(case_url(case), {"action": "reissue_code"}, follow=True)
    assert "没有待领取的取件码" in html(again)
    # A department reviewer cannot trigger it (not a window role for this case).
    client.force_login(world.reviewer)
    assert client.post(f"/api/v1/cases/{case.pk}/pickup-code").status_code == 404


def test_hand_over_by_mail_needs_a_tracking_number(clerk, world, submit):
    case = _concluded(world, submit, delivery={"method": "mail", "address": "碑林区南大街 1 号"})
    response = clerk.post(case_url(case), {"action": "deliver", "mail-tracking_number": ""})
    assert ("#id_mail-tracking_number", "邮寄送达请填写快递单号。") in summary_links(response)
    clerk.post(case_url(case), {"action": "deliver", "mail-tracking_number": "SF1234567890"})
    case.refresh_from_db()
    assert case.status == CaseStatus.DELIVERED and case.application.delivery.tracking_number == "SF1234567890"


def test_city_wide_case_paper_materials_are_sent_and_received(client, world, submit):
    with published_content_writes():  # a fixture arranging the catalog, not code changing it
        ImplementationVersion.objects.filter(pk=world.version.pk).update(city_wide=True)
    case = file_case(submit, outlet=world.yanta_hall, channel=Channel.WINDOW)
    from yiwang.cases.services import case_accept

    case_accept(actor=world.yanta_clerk, case=case)
    client.force_login(world.yanta_clerk)
    body = html(client.get(case_url(case)))
    assert "纸质材料流转（全市通办）" in body
    response = client.post(case_url(case), {"action": "transfer", "transfer-tracking_number": "JD001"})
    assert response.status_code == 302
    transfer = case.transfers.get()
    assert transfer.status == TransferStatus.SENT and transfer.tracking_number == "JD001"
    client.force_login(world.reviewer)
    staff_url = reverse("cases:staff_case", args=[case.pk])
    assert "签收纸质材料" in html(client.get(staff_url))
    client.post(staff_url, {"action": "receive", "transfer_id": str(transfer.pk)})
    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.RECEIVED


def test_a_district_window_is_not_offered_items_it_may_not_file(client, world):
    # The city agency's item is not 全市通办: the Yanta window learns so from the search result,
    # not after typing the whole form and ticking every paper original.
    client.force_login(world.yanta_clerk)
    found(client, world.citizen)
    apply_url = reverse("cases:clerk_apply", args=[world.impl.pk])
    body = html(client.get(reverse("cases:clerk_workbench"), {"item_q": "食品经营"}))
    assert "食品经营许可（新办）" in body and apply_url not in body and "本窗口不能受理" in body
    response = client.get(apply_url, follow=True)
    assert response.redirect_chain[-1][0] == reverse("cases:clerk_workbench")
    assert "不属于全市通办事项，本窗口不能代为申请" in html(response)
    response = client.post(apply_url, {f"paper-{world.required_material.pk}": "1", "idempotency_key": "k"})
    assert response.status_code == 302 and not Application.objects.exists()

    from yiwang.cases.services.intake import clear_process_caches

    with published_content_writes():
        ImplementationVersion.objects.filter(pk=world.version.pk).update(city_wide=True)
    clear_process_caches()
    body = html(client.get(reverse("cases:clerk_workbench"), {"item_q": "食品经营"}))
    assert apply_url in body and "本窗口不能受理" not in body
    assert client.get(apply_url).status_code == 200


def test_unknown_action_is_answered_with_a_message(clerk, world, submit):
    case = file_case(submit)
    response = clerk.post(case_url(case), {"action": "explode"}, follow=True)
    assert "无法识别的操作" in html(response)
