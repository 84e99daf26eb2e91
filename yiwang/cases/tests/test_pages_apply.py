"""The citizen's application wizard: 1 form, 2 materials, 3 delivery, 4 review and submit; a
draft saved at each step; errors beside the inputs and in the summary; nothing typed is lost; one
filing however often the submit arrives."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from yiwang.accounts.tests.factories import EnterpriseUserFactory
from yiwang.cases.constants import ApplicationStatus, CaseStatus, Channel, DeliveryMethod
from yiwang.cases.models import Application, Case, StoredFile
from yiwang.cases.tests.conftest import PDF_BYTES, form_for
from yiwang.cases.tests.page_helpers import field_error, html, locker, summary_links, today
from yiwang.catalog.constants import MaterialSource, VersionStatus
from yiwang.catalog.tests.factories import MaterialFactory

pytestmark = pytest.mark.django_db


def pdf(name="申请书.pdf"):
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def post_form(client, world, url=None, **overrides):
    data = {**form_for(world), "nav": "next", **overrides}
    return client.post(url or reverse("cases:apply", args=[world.impl.pk]), data)


def draft_of(world) -> Application:
    return Application.objects.get(applicant=world.citizen, status=ApplicationStatus.DRAFT)


def step(draft, name):
    return reverse("cases:draft_step", args=[draft.pk, name])


@pytest.fixture
def citizen(client, world):
    client.force_login(world.citizen)
    return client


def test_anonymous_is_sent_to_login(client, world):
    url = reverse("cases:apply", args=[world.impl.pk])
    response = client.get(url)
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login")) and "next=" in response.url


def test_staff_are_told_to_use_the_window(client, world):
    client.force_login(world.clerk)
    response = client.get(reverse("cases:apply", args=[world.impl.pk]))
    assert response.status_code == 403 and "综合窗口" in html(response)


def test_unknown_or_unpublished_item_is_not_found(citizen, world):
    assert citizen.get(reverse("cases:apply", args=[999999])).status_code == 404
    world.version.__class__.objects.filter(pk=world.version.pk).update(status=VersionStatus.SUPERSEDED)
    response = citizen.get(reverse("cases:apply", args=[world.impl.pk]))
    assert response.status_code == 404 and "尚未发布" in html(response)


def test_step_one_is_prefilled_from_the_profile_and_grouped(citizen, world):
    response = citizen.get(reverse("cases:apply", args=[world.impl.pk]))
    body = html(response)
    assert response.status_code == 200
    assert "第 1 步，共 4 步：填写表单" in body and 'aria-current="step"' in body
    assert 'id="f-applicant-name" value="王秀英"' in body
    assert f'value="{world.citizen.id_number}"' in body  # her own number, to herself
    assert 'name="enterprise.address"' in body and 'autocomplete="name"' in body
    assert not Application.objects.exists()  # a GET never creates a draft


def test_step_one_errors_name_the_field_keep_what_was_typed_and_save_nothing(citizen, world):
    response = post_form(citizen, world, **{"applicant.name": "", "enterprise.address": "小寨东路 1 号"})
    assert response.status_code == 200
    assert ("#f-applicant-name", "请填写「申请人姓名」。") in summary_links(response)
    assert field_error(response, "f-applicant-name") == "请填写「申请人姓名」。"
    body = html(response)
    assert 'value="小寨东路 1 号"' in body and 'aria-invalid="true"' in body
    assert "<title>错误：" in body
    assert not Application.objects.exists()


def test_wizard_end_to_end_files_one_case(citizen, world):
    response = post_form(citizen, world)
    draft = draft_of(world)
    assert response.status_code == 302 and response.url == step(draft, "materials")
    assert draft.form_data["applicant.name"] == "王秀英" and draft.channel == Channel.WEB

    # 2 materials: the required one is missing -> named, linked, and the draft keeps its state
    response = citizen.post(step(draft, "materials"), {"nav": "next"})
    assert response.status_code == 200
    assert (f"#m-{world.required_material.pk}", "请提供「食品经营许可申请书」（必要材料）。") in summary_links(response)
    assert "请提供「食品经营许可申请书」" in field_error(response, f"m-{world.required_material.pk}")

    response = citizen.post(step(draft, "materials"), {"nav": "next", f"file-{world.required_material.pk}": pdf()})
    assert response.status_code == 302 and response.url == step(draft, "delivery")
    draft.refresh_from_db()
    stored = StoredFile.objects.get(owner=world.citizen)
    assert draft.form_data["_draft"]["materials"] == {str(world.required_material.pk): {"file": stored.pk}}

    # the materials page shows the file kept (and offers it as the current choice)
    body = html(citizen.get(step(draft, "materials")))
    assert "申请书.pdf" in body and f'<option value="{stored.pk}" selected>' in body

    # 3 delivery: mail without an address is named; window is fine
    response = citizen.post(step(draft, "delivery"), {"nav": "next", "method": DeliveryMethod.MAIL})
    assert response.status_code == 200
    assert ("#id_address", "选择邮寄送达时请填写收件地址。") in summary_links(response)
    response = citizen.post(step(draft, "delivery"), {"nav": "next", "method": DeliveryMethod.WINDOW})
    assert response.status_code == 302 and response.url == step(draft, "review")

    # 4 review: everything, with an idempotency key; submit files the case
    response = citizen.get(step(draft, "review"))
    body = html(response)
    assert "王秀英" in body and "已上传：申请书.pdf" in body and "窗口领取" in body
    key = response.context["idempotency_key"]
    assert f'name="idempotency_key" value="{key}"' in body
    response = citizen.post(step(draft, "review"), {"nav": "submit", "idempotency_key": key})
    application = Application.objects.get(pk=draft.pk)
    assert application.status == ApplicationStatus.SUBMITTED and application.idempotency_key == key
    assert response.status_code == 302 and response.url == reverse("cases:application_done", args=[draft.pk])
    case = Case.objects.get(application=application)
    assert case.status == CaseStatus.SUBMITTED and case.received_on == today()

    done = citizen.get(response.url)
    body = html(done)
    assert case.number in body and case.verification_code in body
    assert f"{case.acceptance_due_on:%Y年}{case.acceptance_due_on.month}月{case.acceptance_due_on.day}日" in body
    assert reverse("cases:case_detail", args=[case.pk]) in body
    assert reverse("cases:progress_qr", args=[case.number, case.verification_code]) in body
    # said once, by the page's heading, not again by a flash message above it
    assert "申请已提交。" not in body and body.count("<h1>申请已提交</h1>") == 1

    # a double click / a resubmitted POST with the same key: still one case, same confirmation
    again = citizen.post(step(draft, "review"), {"nav": "submit", "idempotency_key": key})
    assert again.status_code == 302 and again.url == reverse("cases:application_done", args=[draft.pk])
    assert Case.objects.count() == 1


def test_submit_with_a_stale_draft_shows_the_services_errors_on_the_review_page(citizen, world):
    post_form(citizen, world)
    draft = draft_of(world)
    response = citizen.get(step(draft, "review"))
    # Review lists what would stop the submission before the button is pressed.
    assert (f"{step(draft, 'materials')}#m-{world.required_material.pk}",
            "请提供「食品经营许可申请书」（必要材料）。") in summary_links(response)
    response = citizen.post(step(draft, "review"), {"nav": "submit", "idempotency_key": "k-1"})
    assert response.status_code == 200
    assert (f"#m-{world.required_material.pk}", "请提供「食品经营许可申请书」（必要材料）。") in summary_links(response)
    assert not Case.objects.exists() and draft_of(world).status == ApplicationStatus.DRAFT


def test_bad_file_type_is_named_and_other_uploads_are_kept(citizen, world):
    post_form(citizen, world)
    draft = draft_of(world)
    response = citizen.post(step(draft, "materials"), {
        "nav": "next", f"file-{world.required_material.pk}": pdf(),
        f"file-{world.deferrable_material.pk}": SimpleUploadedFile("制度.docx", b"PK\x03\x04not-ofd", content_type="application/msword")})
    assert response.status_code == 200
    message = field_error(response, f"m-{world.deferrable_material.pk}")
    assert "制度.docx" in message and "PDF、JPEG、PNG 或 OFD" in message
    # The summary at the top says which material the rejected file was for, not only its name.
    links = dict(summary_links(response))
    assert links[f"#m-{world.deferrable_material.pk}"].startswith(f"「{world.deferrable_material.name}」：文件「制度.docx」")
    draft.refresh_from_db()
    assert str(world.required_material.pk) in draft.form_data["_draft"]["materials"]  # nothing lost


def test_an_earlier_file_is_reused_without_uploading(citizen, world, submit):
    from yiwang.cases.tests.page_helpers import file_case

    earlier = file_case(submit).application.materials.get(requirement=world.required_material).stored_file
    post_form(citizen, world)
    draft = draft_of(world)
    body = html(citizen.get(step(draft, "materials")))
    assert "或使用以前提交过的文件" in body and earlier.original_name in body
    response = citizen.post(step(draft, "materials"), {"nav": "next", f"reuse-{world.required_material.pk}": str(earlier.pk)})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.form_data["_draft"]["materials"][str(world.required_material.pk)] == {"reuse": earlier.pk}


def test_government_issued_material_says_it_can_be_fetched(citizen, world):
    MaterialFactory(version=world.version, name="营业执照", order=3, source_channel=MaterialSource.GOVERNMENT_ISSUED,
                    necessity="optional")
    post_form(citizen, world)
    body = html(citizen.get(step(draft_of(world), "materials")))
    assert "营业执照" in body and "政府部门核发" in body


def test_locker_delivery_needs_a_locker_and_is_listed(citizen, world):
    box = locker(world)
    post_form(citizen, world)
    draft = draft_of(world)
    response = citizen.post(step(draft, "delivery"), {"nav": "next", "method": DeliveryMethod.LOCKER})
    assert ("#id_locker", "选择信包箱自取时请选择一个可用的信包箱。") in summary_links(response)
    assert "市政务服务中心东门（XA-0001）" in html(response)
    response = citizen.post(step(draft, "delivery"), {"nav": "next", "method": DeliveryMethod.LOCKER, "locker": str(box.pk)})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.form_data["_draft"]["delivery"]["locker"] == box.pk


def test_save_for_later_then_resume_from_my_cases_then_discard(citizen, world):
    response = post_form(citizen, world, nav="save", **{"applicant.name": ""})  # incomplete: still saved
    assert response.status_code == 302 and response.url == reverse("cases:my_cases")
    draft = draft_of(world)
    listing = html(citizen.get(reverse("cases:my_cases")))
    assert "草稿（未提交）" in listing and step(draft, "form") in listing
    resumed = html(citizen.get(step(draft, "form")))
    assert 'value="西安市雁塔区小寨东路 1 号"' in resumed and 'id="f-applicant-name" value=""' in resumed
    # going back from a later step saves too
    citizen.post(step(draft, "form"), {**form_for(world), "nav": "next"})
    response = citizen.post(step(draft, "delivery"), {"nav": "back", "method": DeliveryMethod.ELECTRONIC})
    assert response.url == step(draft, "materials")
    draft.refresh_from_db()
    assert draft.form_data["_draft"]["delivery"]["method"] == DeliveryMethod.ELECTRONIC
    # discard
    response = citizen.post(reverse("cases:draft_discard", args=[draft.pk]))
    assert response.status_code == 302
    assert Application.objects.get(pk=draft.pk).status == ApplicationStatus.WITHDRAWN
    assert citizen.get(step(draft, "form")).status_code == 404


def test_someone_elses_draft_and_done_page_are_not_found(client, world):
    client.force_login(world.citizen)
    post_form(client, world)
    draft = draft_of(world)
    client.force_login(world.other_citizen)
    assert client.get(step(draft, "form")).status_code == 404
    assert client.post(step(draft, "review"), {"nav": "submit", "idempotency_key": "x"}).status_code == 404
    assert client.post(reverse("cases:draft_discard", args=[draft.pk])).status_code == 404
    assert client.get(reverse("cases:application_done", args=[draft.pk])).status_code == 404
    assert client.get(reverse("cases:draft_step", args=[draft.pk, "nonsense"])).status_code == 404


def test_enterprise_applicant_can_apply(client, world):
    company = EnterpriseUserFactory()
    client.force_login(company)
    response = client.get(reverse("cases:apply", args=[world.impl.pk]))
    assert response.status_code == 200 and "填写表单" in html(response)


def test_edit_from_the_review_page_returns_to_it(citizen, world):
    post_form(citizen, world)
    draft = draft_of(world)
    review = html(citizen.get(step(draft, "review")))
    assert f'href="{step(draft, "form")}?return=review#f-enterprise-address"' in review
    page = html(citizen.get(step(draft, "form") + "?return=review"))
    assert 'name="return_to" value="review"' in page and "保存并返回核对页" in page
    response = citizen.post(step(draft, "form"), {**form_for(world), "enterprise.address": "碑林区南大街 2 号", "nav": "next",
                                                 "return_to": "review"})
    assert response.status_code == 302 and response.url == step(draft, "review")
    assert "碑林区南大街 2 号" in html(citizen.get(response.url))
