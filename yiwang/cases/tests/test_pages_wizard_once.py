"""The wizard asks each thing once: the delivery of the result only in its own step (and the
form's delivery field follows it), the online application form is not demanded again as an
upload, the mailing address starts from the address typed in step 1, and the list of earlier
files names what each was and lists a file once. The pickup code (and its QR) on the owner's own
case page, to nobody else; the public progress lookup linked from every page."""

import re

import pytest
from django.urls import reverse

from yiwang.cases.constants import ApplicationStatus, DeliveryMethod, MaterialSatisfaction
from yiwang.cases.models import Application
from yiwang.cases.tests.conftest import form_for
from yiwang.cases.tests.page_helpers import accept, file_case, html
from yiwang.catalog.constants import DataType, MaterialNecessity, MaterialSource
from yiwang.catalog.models import published_content_writes
from yiwang.catalog.tests.factories import DataElementFactory, FormFieldFactory, MaterialFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def citizen(client, world):
    client.force_login(world.citizen)
    return client


def draft_of(world) -> Application:
    return Application.objects.get(applicant=world.citizen, status=ApplicationStatus.DRAFT)


def step(draft, name):
    return reverse("cases:draft_step", args=[draft.pk, name])


def add_delivery_field(world):
    element = DataElementFactory(key="delivery.method", name="结果领取方式", data_type=DataType.CHOICE,
                                 options=[{"value": v, "label": v} for v in ("窗口领取", "免费邮寄", "电子证照")])
    with published_content_writes():
        FormFieldFactory(version=world.version, data_element=element, order=9, required=True)


def add_address_field(world):
    element = DataElementFactory(key="household.address", name="户籍地址", data_type=DataType.ADDRESS)
    with published_content_writes():
        FormFieldFactory(version=world.version, data_element=element, order=4)


def clear_caches():
    from yiwang.cases.services.intake import clear_process_caches

    clear_process_caches()


def test_the_delivery_is_asked_once_and_the_form_field_follows_it(citizen, world):
    add_delivery_field(world)
    clear_caches()
    body = html(citizen.get(reverse("cases:apply", args=[world.impl.pk])))
    assert "结果领取方式" not in body and 'name="delivery.method"' not in body
    # Step 1 goes through although the (required) delivery field was not on it.
    response = citizen.post(reverse("cases:apply", args=[world.impl.pk]), {**form_for(world), "nav": "next"})
    assert response.status_code == 302
    draft = draft_of(world)
    assert citizen.post(step(draft, "materials"), {"nav": "next", f"file-{world.required_material.pk}": _pdf()}).status_code == 302
    assert citizen.post(step(draft, "delivery"), {"nav": "next", "method": DeliveryMethod.MAIL,
                                                  "address": "西安市雁塔区小寨东路 1 号"}).status_code == 302
    review = html(citizen.get(step(draft, "review")))
    assert "结果领取方式" not in review and review.count("<dt>送达方式</dt>") == 1 and "邮寄送达" in review
    key = re.search(r'name="idempotency_key" value="([0-9a-f]+)"', review).group(1)
    response = citizen.post(step(draft, "review"), {"nav": "submit", "idempotency_key": key})
    assert response.status_code == 302, html(response)
    draft.refresh_from_db()
    assert draft.form_data["delivery.method"] == "免费邮寄" and draft.delivery.method == DeliveryMethod.MAIL


def test_the_api_form_field_follows_the_delivery_too(world):
    add_delivery_field(world)
    clear_caches()
    case = file_case(_submit_with(world), form_data={**form_for(world), "delivery.method": "免费邮寄"})
    # No delivery given: the result waits at the window, and the form says so too.
    assert case.application.delivery.method == DeliveryMethod.WINDOW
    assert case.application.form_data["delivery.method"] == "窗口领取"
    case = file_case(_submit_with(world), form_data=form_for(world), delivery={"method": "mail", "address": "小寨东路 1 号"})
    assert case.application.form_data["delivery.method"] == "免费邮寄"


def _submit_with(world):
    from yiwang.cases.services import application_submit, stored_file_create
    from yiwang.cases.tests.conftest import pdf_upload

    def do(*, today, form_data, delivery=None):
        stored = stored_file_create(actor=world.citizen, owner=world.citizen, upload=pdf_upload())
        app = application_submit(actor=world.citizen, applicant=world.citizen, implementation_id=world.impl.pk,
                                 form_data=form_data, materials={str(world.required_material.pk): {"file": stored.pk}},
                                 delivery=delivery, today=today)
        return app.cases.get()

    return do


def _pdf(name="申请书.pdf"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from yiwang.cases.tests.conftest import PDF_BYTES

    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def test_the_online_form_material_is_met_by_the_form(citizen, world):
    with published_content_writes():
        form_material = MaterialFactory(version=world.version, name="老年人优待证申请表", order=0,
                                        necessity=MaterialNecessity.REQUIRED, source_channel=MaterialSource.ONLINE_FORM)
    clear_caches()
    citizen.post(reverse("cases:apply", args=[world.impl.pk]), {**form_for(world), "nav": "next"})
    draft = draft_of(world)
    body = html(citizen.get(step(draft, "materials")))
    row = re.search(rf'id="m-{form_material.pk}-row".*?</fieldset>', body, re.S).group(0)
    assert "在线填报" in row and 'type="file"' not in row
    # Only the other required material is uploaded: no error for the form material.
    response = citizen.post(step(draft, "materials"), {"nav": "next", f"file-{world.required_material.pk}": _pdf()})
    assert response.status_code == 302
    review = html(citizen.get(step(draft, "review")))
    assert "在线填报（即本申请表）" in review and "请提供「老年人优待证申请表」" not in review
    key = re.search(r'name="idempotency_key" value="([0-9a-f]+)"', review).group(1)
    assert citizen.post(step(draft, "review"), {"nav": "submit", "idempotency_key": key}).status_code == 302
    row = draft.materials.get(requirement=form_material)
    assert row.satisfaction == MaterialSatisfaction.FORM and row.stored_file is None


def test_the_mailing_address_starts_from_the_address_typed(citizen, world):
    add_address_field(world)
    clear_caches()
    citizen.post(reverse("cases:apply", args=[world.impl.pk]),
                 {**form_for(world), "household.address": "西安市雁塔区小寨路街道长安中路 9 号", "nav": "next"})
    body = html(citizen.get(step(draft_of(world), "delivery")))
    assert re.search(r'<textarea[^>]*name="address"[^>]*>\s*西安市雁塔区小寨路街道长安中路 9 号</textarea>', body)


def test_earlier_files_are_listed_once_with_what_they_were(citizen, world, submit):
    for _ in range(3):  # the same file filed three times
        file_case(submit)
    from yiwang.cases.models import StoredFile
    from yiwang.cases.services import stored_file_create
    from yiwang.cases.tests.conftest import pdf_upload

    for _ in range(2):  # and uploaded twice more with the same content
        stored_file_create(actor=world.citizen, owner=world.citizen, upload=pdf_upload())
    assert StoredFile.objects.filter(owner=world.citizen).count() == 3
    citizen.post(reverse("cases:apply", args=[world.impl.pk]), {**form_for(world), "nav": "next"})
    body = html(citizen.get(step(draft_of(world), "materials")))
    select = re.search(rf'id="m-{world.required_material.pk}-reuse".*?</select>', body, re.S).group(0)
    options = re.findall(r'<option value="\d+"[^>]*>([^<]*)</option>', select)
    assert len(options) == 1 and options[0].startswith("食品经营许可申请书：申请书.pdf")


def _concluded_at_window(world, submit, django_capture_on_commit_callbacks):
    from yiwang.cases.services import case_decide

    with django_capture_on_commit_callbacks(execute=True):
        case = accept(world, file_case(submit))
        case_decide(actor=world.approver, case=case, decision="approved", reasons="符合条件")
    case.refresh_from_db()
    from yiwang.notifications.models import Notification

    code = re.search(r"取件码 (\d{6})", Notification.objects.filter(topic="delivery.code").first().body).group(1)
    return case, code


def test_the_owner_sees_the_pickup_code_and_its_qr_nobody_else(client, world, submit, django_capture_on_commit_callbacks):
    case, code = _concluded_at_window(world, submit, django_capture_on_commit_callbacks)
    client.force_login(world.citizen)
    body = html(client.get(reverse("cases:case_detail", args=[case.pk])))
    assert f'data-testid="pickup-code">{code}<' in body and 'aria-label="取件码二维码"' in body
    assert 'viewBox="0 0 29 29"' in body  # a full QR code (version 1, 21 modules and the quiet zone), not Micro QR
    # Another citizen cannot open the page; staff pages never show the code.
    client.force_login(world.other_citizen)
    other = client.get(reverse("cases:case_detail", args=[case.pk]))
    assert other.status_code == 404 and code not in html(other)
    for staff, url in ((world.clerk, reverse("cases:clerk_case", args=[case.pk])),
                       (world.reviewer, reverse("cases:staff_case", args=[case.pk]))):
        client.force_login(staff)
        response = client.get(url)
        assert response.status_code == 200 and 'data-testid="pickup-code"' not in html(response)
        assert "取件码二维码" not in html(response)
    # Once handed over, the code is gone from the owner's page too.
    from yiwang.cases.services import case_deliver

    case_deliver(actor=world.clerk, case=case, pickup_code=code)
    client.force_login(world.citizen)
    assert 'data-testid="pickup-code"' not in html(client.get(reverse("cases:case_detail", args=[case.pk])))


def test_the_selector_answers_the_owner_only(world, submit, django_capture_on_commit_callbacks):
    from yiwang.cases.selectors import pickup_code_for_owner

    case, code = _concluded_at_window(world, submit, django_capture_on_commit_callbacks)
    assert pickup_code_for_owner(case, world.citizen) == code
    assert pickup_code_for_owner(case, world.clerk) == "" and pickup_code_for_owner(case, world.other_citizen) == ""
    assert pickup_code_for_owner(case, None) == ""


def test_every_page_links_to_the_progress_lookup(client, world):
    progress = reverse("cases:progress")
    for url in (reverse("catalog:home"), reverse("catalog:guide", args=[world.impl.pk])):
        body = html(client.get(url))
        assert body.count(f'href="{progress}"') >= 2, url  # the navigation and the footer (home: also the hero)
    assert 'data-testid="home-progress"' in html(client.get(reverse("catalog:home")))
