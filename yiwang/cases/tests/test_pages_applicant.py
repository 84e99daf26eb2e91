"""The applicant's own pages: 我的办件 (drafts, statuses, countdowns, filter), the case page
(clock, timeline, documents, correction and resubmission, deferred materials, delivery change,
withdrawal), file downloads behind access checks, and the public progress page."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from yiwang.cases.constants import AcceptanceMode, CaseStatus, DeliveryMethod, MaterialSatisfaction
from yiwang.cases.models import Case, CaseDocument
from yiwang.cases.services import case_accept, case_request_corrections, stored_file_create
from yiwang.cases.tests.conftest import PDF_BYTES, pdf_upload
from yiwang.cases.tests.page_helpers import accept, field_error, file_case, html, locker, summary_links, today
from yiwang.workdays.time_limits import add_working_days

pytestmark = pytest.mark.django_db


def pdf(name="补正.pdf"):
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


@pytest.fixture
def citizen(client, world):
    client.force_login(world.citizen)
    return client


def detail(case):
    return reverse("cases:case_detail", args=[case.pk])


def test_my_cases_lists_cases_with_status_and_countdown_and_filters(citizen, world, submit):
    waiting = file_case(submit)
    running = accept(world, file_case(submit, form_data={"applicant.name": "王秀英", "applicant.id_number": world.citizen.id_number,
                                                         "enterprise.address": "碑林区"}))
    body = html(citizen.get(reverse("cases:my_cases")))
    assert waiting.number in body and running.number in body
    assert "已提交待受理" in body and "受理后开始计时" in body
    assert "审查中" in body and "剩余 10 个工作日" in body and "tag--green" in body
    filtered = html(citizen.get(reverse("cases:my_cases"), {"status": CaseStatus.UNDER_REVIEW}))
    assert running.number in filtered and waiting.number not in filtered
    bad = citizen.get(reverse("cases:my_cases"), {"status": "nonsense"})
    assert ("#status", "状态筛选无效，已显示全部办件。") in summary_links(bad)


def test_my_cases_shows_only_my_own(client, world, submit):
    case = file_case(submit)
    client.force_login(world.other_citizen)
    assert case.number not in html(client.get(reverse("cases:my_cases")))
    assert client.get(detail(case)).status_code == 404


def test_anonymous_and_staff_cannot_open_applicant_pages(client, world, submit):
    case = file_case(submit)
    for url in (reverse("cases:my_cases"), detail(case), reverse("cases:case_withdraw", args=[case.pk])):
        response = client.get(url)
        assert response.status_code == 302 and reverse("accounts:login") in response.url
    client.force_login(world.clerk)
    assert client.get(reverse("cases:my_cases")).status_code == 403


def test_case_page_shows_clock_timeline_documents_and_progress_link(citizen, world, submit):
    case = accept(world, file_case(submit))
    response = citizen.get(detail(case))
    body = html(response)
    assert response.status_code == 200
    assert f"{case.due_on:%Y年}{case.due_on.month}月{case.due_on.day}日" in body and "剩余 10 个工作日" in body
    for title in ("已提交待受理", "已受理", "审查中", "出具文书：受理通知书"):
        assert title in body
    assert "clerk" not in body  # staff names are not shown to the applicant
    doc = case.documents.get(kind="acceptance_notice")
    assert reverse("cases:document", args=[doc.pk]) in body
    assert case.verification_code in body and reverse("cases:progress_qr", args=[case.number, case.verification_code]) in body
    pdf_response = citizen.get(reverse("cases:document", args=[doc.pk]))
    assert pdf_response.status_code == 200 and pdf_response["Content-Type"] == "application/pdf"
    assert b"".join(pdf_response.streaming_content).startswith(b"%PDF")


def test_documents_and_files_are_behind_access_checks(client, world, submit):
    case = accept(world, file_case(submit))
    doc = case.documents.first()
    stored = case.application.materials.get(requirement=world.required_material).stored_file
    urls = [reverse("cases:document", args=[doc.pk]), reverse("cases:case_file", args=[case.pk, stored.pk]),
            reverse("cases:my_file", args=[stored.pk])]
    assert all(client.get(u).status_code == 302 for u in urls)  # anonymous: to login
    client.force_login(world.other_citizen)
    assert all(client.get(u).status_code == 404 for u in urls)
    client.force_login(world.beilin_reviewer)  # another district's reviewer
    assert client.get(urls[0]).status_code == 404 and client.get(urls[1]).status_code == 404
    client.force_login(world.reviewer)  # the agency's reviewer
    response = client.get(urls[1])
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert client.get(reverse("cases:case_file", args=[case.pk, stored.pk + 999])).status_code == 404
    client.force_login(world.citizen)
    assert client.get(urls[2]).status_code == 200


def test_correction_notice_is_shown_and_resubmission_restarts_acceptance(citizen, world, submit):
    case = file_case(submit)
    case_request_corrections(actor=world.clerk, case=case, items=[
        {"target": f"materials/{world.required_material.pk}", "problem": "申请书未签字", "fix": "签字后重新上传"},
        {"target": "form/enterprise.address", "problem": "经营场所不详", "fix": "写明门牌号"}])
    body = html(citizen.get(detail(case)))
    assert "需要补正" in body and "申请书未签字" in body and "写明门牌号" in body
    assert 'name="enterprise.address"' in body and 'name="applicant.name"' not in body  # only what was named
    assert f'name="file-{world.required_material.pk}"' in body

    # an empty address is refused, named beside the input; the upload that worked is kept
    response = citizen.post(detail(case), {"action": "resubmit", "enterprise.address": "",
                                           f"file-{world.required_material.pk}": pdf()})
    assert response.status_code == 200
    assert ("#f-enterprise-address", "请填写「经营场所」。") in summary_links(response)
    assert field_error(response, "f-enterprise-address") == "请填写「经营场所」。"
    assert "已上传：补正.pdf" in html(response)
    kept = response.context["correction"]["materials"][0]["kept"]
    assert kept is not None

    response = citizen.post(detail(case), {"action": "resubmit", "enterprise.address": "雁塔区小寨东路 1 号 3 单元",
                                           f"uploaded-{world.required_material.pk}": str(kept.pk)})
    assert response.status_code == 302 and response.url == detail(case)
    case.refresh_from_db()
    assert case.status == CaseStatus.SUBMITTED and case.received_on == today()
    assert case.application.form_data["enterprise.address"] == "雁塔区小寨东路 1 号 3 单元"
    assert case.application.materials.get(requirement=world.required_material).stored_file_id == kept.pk
    assert "已补正并重新提交" in html(citizen.get(detail(case)))


def test_deferred_materials_are_supplemented_from_the_case_page(citizen, world, submit):
    case = file_case(submit)
    deadline = add_working_days(today(), 3).due_date
    case_accept(actor=world.clerk, case=case, mode=AcceptanceMode.DEFERRED, deferral={
        "requirement_ids": [world.deferrable_material.pk], "deadline": deadline, "form_note": "网上上传",
        "commitment_text": "按期补交。"})
    body = html(citizen.get(detail(case)))
    assert "补交容缺材料" in body and "食品安全管理制度" in body
    response = citizen.post(detail(case), {"action": "supplement"})
    assert response.status_code == 200
    assert (f"#m-{world.deferrable_material.pk}", "请补交「食品安全管理制度」。") in summary_links(response)
    response = citizen.post(detail(case), {"action": "supplement", f"file-{world.deferrable_material.pk}": pdf("制度.pdf")})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.deferral.completed_at is not None
    row = case.application.materials.get(requirement=world.deferrable_material)
    assert row.satisfaction == MaterialSatisfaction.UPLOAD


def test_delivery_method_can_be_changed_until_delivered(citizen, world, submit):
    case = file_case(submit)
    response = citizen.post(detail(case), {"action": "delivery", "delivery-method": DeliveryMethod.MAIL})
    assert response.status_code == 200
    assert ("#id_delivery-address", "邮寄送达请填写收件地址。") in summary_links(response)
    response = citizen.post(detail(case), {"action": "delivery", "delivery-method": DeliveryMethod.MAIL,
                                           "delivery-address": "西安市碑林区南大街 1 号"})
    assert response.status_code == 302
    delivery = case.application.delivery
    delivery.refresh_from_db()
    assert delivery.method == DeliveryMethod.MAIL and delivery.address == "西安市碑林区南大街 1 号"
    box = locker(world)
    citizen.post(detail(case), {"action": "delivery", "delivery-method": DeliveryMethod.LOCKER, "delivery-locker": str(box.pk)})
    delivery.refresh_from_db()
    assert delivery.method == DeliveryMethod.LOCKER and delivery.locker_id == box.pk


def test_withdrawal_asks_for_confirmation_then_withdraws(citizen, world, submit):
    case = file_case(submit)
    assert reverse("cases:case_withdraw", args=[case.pk]) in html(citizen.get(detail(case)))
    page = citizen.get(reverse("cases:case_withdraw", args=[case.pk]))
    assert page.status_code == 200 and "确定要撤回这份申请吗" in html(page)
    assert Case.objects.get(pk=case.pk).status == CaseStatus.SUBMITTED  # the GET changes nothing
    response = citizen.post(reverse("cases:case_withdraw", args=[case.pk]), {"reason": "不需要了"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.WITHDRAWN and case.closed_reason == "不需要了"
    # no longer possible: back to the case with a message
    response = citizen.get(reverse("cases:case_withdraw", args=[case.pk]), follow=True)
    assert "已不能撤回" in html(response)


def test_document_of_another_case_is_not_found_even_with_a_valid_id(client, world, submit):
    case = accept(world, file_case(submit))
    theirs = stored_file_create(actor=world.other_citizen, owner=world.other_citizen, upload=pdf_upload())
    client.force_login(world.citizen)
    assert client.get(reverse("cases:case_file", args=[case.pk, theirs.pk])).status_code == 404
    assert client.get(reverse("cases:document", args=[CaseDocument.objects.order_by("-pk").first().pk + 1])).status_code == 404


def test_public_progress_by_number_and_code(client, world, submit):
    case = accept(world, file_case(submit))
    response = client.get(reverse("cases:progress"), {"number": case.number, "code": case.verification_code})
    body = html(response)
    assert response.status_code == 200 and "审查中" in body and "王**" in body and "王秀英" not in body
    assert "clerk" not in body
    wrong = client.get(reverse("cases:progress"), {"number": case.number, "code": "000000"})
    assert wrong.status_code == 200 and "办件编号或查询验证码不正确" in html(wrong)
    assert client.get(reverse("cases:progress_qr", args=[case.number, "nope"])).status_code == 404
    assert client.get(reverse("cases:progress_qr", args=[case.number, case.verification_code])).status_code == 200


def test_public_progress_page_says_when_guessing_is_locked(client, world, submit):
    from yiwang.cases.access import PROGRESS_FAILURES_PER_NUMBER

    case = file_case(submit)
    wrong = "111111" if case.verification_code != "111111" else "222222"
    for _ in range(PROGRESS_FAILURES_PER_NUMBER):
        client.get(reverse("cases:progress"), {"number": case.number, "code": wrong})
    locked = client.get(reverse("cases:progress"), {"number": case.number, "code": case.verification_code})
    body = html(locked)
    assert locked.status_code == 429 and "错误次数过多" in body and "我的办件" in body
    assert case.version.name not in body and "办件进度" in body


def test_public_progress_with_an_empty_box_names_the_box(client, world, submit):
    case = file_case(submit)
    # 查询 pressed with nothing typed: both boxes are named, not the bare form shown again.
    response = client.get(reverse("cases:progress"), {"number": "", "code": ""})
    assert response.status_code == 200
    links = summary_links(response)
    assert [href for href, _ in links] == ["#number", "#code"]
    assert field_error(response, "number").startswith("请填写办件编号") and field_error(response, "code").startswith("请填写查询验证码")
    # Only the code missing: the number stays in its box and only the code is asked for.
    response = client.get(reverse("cases:progress"), {"number": case.number, "code": " "})
    assert [href for href, _ in summary_links(response)] == ["#code"]
    assert f'value="{case.number}"' in html(response)
    # The bare page (no form sent yet) shows no error.
    assert "error-summary" not in html(client.get(reverse("cases:progress")))


def test_public_progress_accepts_full_width_digits_and_spaces(client, world, submit):
    case = file_case(submit)
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in case.number)  # what a Chinese input method types
    spaced = " ".join(case.verification_code[i:i + 3] for i in range(0, 6, 3))
    response = client.get(reverse("cases:progress"), {"number": full_width, "code": spaced})
    assert response.status_code == 200 and "已提交待受理" in html(response) and "error-summary" not in html(response)


def test_withdrawn_before_acceptance_has_no_clock_to_start(citizen, world, submit):
    case = file_case(submit)
    citizen.post(reverse("cases:case_withdraw", args=[case.pk]), {"reason": ""})
    case.refresh_from_db()
    assert case.status == CaseStatus.WITHDRAWN
    # A closed case will never be accepted: "受理后开始计时" would promise a clock that never starts.
    for body in (html(citizen.get(detail(case))),
                 html(citizen.get(reverse("cases:progress"), {"number": case.number, "code": case.verification_code}))):
        assert "受理后开始计时" not in body and "无（办件未受理即已结束）" in body


def test_correction_with_a_refused_upload_also_names_the_empty_field(citizen, world, submit):
    case = file_case(submit)
    case_request_corrections(actor=world.clerk, case=case, items=[
        {"target": f"materials/{world.required_material.pk}", "problem": "申请书未签字", "fix": "签字后重新上传"},
        {"target": "form/enterprise.address", "problem": "经营场所不详", "fix": "写明门牌号"}])
    not_a_pdf = SimpleUploadedFile("补正.pdf", b"just some text", content_type="application/pdf")
    response = citizen.post(detail(case), {"action": "resubmit", "enterprise.address": "",
                                           f"file-{world.required_material.pk}": not_a_pdf})
    assert response.status_code == 200
    # Both problems at once: the refused file and the emptied address, each linked to its input.
    hrefs = [href for href, _ in summary_links(response)]
    assert hrefs == [f"#m-{world.required_material.pk}", "#f-enterprise-address"]
    assert field_error(response, "f-enterprise-address") == "请填写「经营场所」。"
    assert Case.objects.get(pk=case.pk).status == CaseStatus.CORRECTION_REQUESTED


def test_revoked_approval_is_not_shown_as_valid_and_the_credit_record_is_explained(citizen, world, submit):
    from yiwang.cases.services import case_decide, commitment_verify

    case = file_case(submit)
    case_accept(actor=world.clerk, case=case, mode=AcceptanceMode.COMMITMENT,
                commitment={"conditions": ["经营场所面积不少于 20 平方米"], "commitment_text": "本人承诺所填属实"})
    case_decide(actor=world.approver, case=case, decision="approved", reasons="依承诺准予")
    case.refresh_from_db()
    assert case.result_reference  # an approval names its result …
    commitment_verify(actor=world.reviewer, case=case, truthful=False, note="现场核查面积仅 8 平方米")
    body = html(citizen.get(detail(case)))
    assert "决定已撤销" in body and "现场核查面积仅 8 平方米" in body
    assert "（已撤销）" in body and "notice--success" not in body
    assert f"办理结果：{case.result_reference}" not in body  # … which the revocation voids
    assert "信用记录" in body and "不能适用告知承诺或容缺受理" in body


def test_terminated_case_says_why_at_the_top(citizen, world, submit):
    from yiwang.cases.services import case_terminate

    case = accept(world, file_case(submit))
    case_terminate(actor=world.approver, case=case, reason="申请人主体资格已被注销")
    body = html(citizen.get(detail(case)))
    assert 'id="closure"' in body and "办件已终止办理" in body and "申请人主体资格已被注销" in body
    assert "信用记录" not in body


def test_denial_shows_legal_basis_and_remedies(citizen, world, submit):
    from yiwang.cases.services import case_decide

    case = accept(world, file_case(submit))
    case_decide(actor=world.approver, case=case, decision="denied", reasons="场所不符合要求",
                legal_basis="《食品安全法》第三十五条")
    body = html(citizen.get(detail(case)))
    assert "依据：《食品安全法》第三十五条" in body and "行政复议" in body


def test_locker_result_page_names_the_locker_and_how_to_collect(citizen, world, submit):
    from yiwang.cases.services import case_decide, delivery_change

    case = accept(world, file_case(submit))
    box = locker(world)
    delivery_change(actor=world.citizen, application=case.application, method=DeliveryMethod.LOCKER, locker_id=box.pk)
    case_decide(actor=world.approver, case=case, decision="approved", reasons="符合条件", legal_basis="《食品安全法》")
    body = html(citizen.get(detail(case)))
    delivery = case.application.delivery
    delivery.refresh_from_db()
    assert str(box) in body and f"{delivery.locker_compartment} 号格口" in body
    assert "结果已可领取" in body and "取件码" in body
