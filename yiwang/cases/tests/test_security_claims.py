"""Facts only staff may assert (issue 9 §3) and whose stored files a clerk may use (§4).

§3: the channel of a filing and the receipt of paper originals are recorded by the staff member
at the window; an applicant filing themselves cannot claim either, over the API or the pages.
§4: reusing a stored file is for the applicant acting themselves; a clerk acting for them may use
only the files they uploaded for them and files of cases within their own scope.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from yiwang.accounts.tests.factories import PASSWORD
from yiwang.cases.constants import Channel, MaterialSatisfaction
from yiwang.cases.models import Application, ApplicationMaterial, Case
from yiwang.cases.services import case_accept, case_request_corrections, stored_file_create
from yiwang.cases.tests.conftest import PDF_BYTES, form_for, pdf_upload
from yiwang.cases.tests.page_helpers import today
from yiwang.catalog.models import ImplementationVersion, published_content_writes

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def upload(client) -> int:
    response = client.post("/api/v1/files", {"file": SimpleUploadedFile("申请书.pdf", PDF_BYTES)})
    assert response.status_code == 201, response.content
    return response.json()["id"]


def post(client, body):
    return client.post("/api/v1/applications", body, content_type="application/json")


def fields_of(response) -> dict:
    return {d["field"]: d["code"] for d in response.json()["detail"]}


# ---------------------------------------------------------------------------------------------
# §3 channel and paper


@pytest.mark.parametrize("channel", ["window", "post", "hotline", "kiosk"])
def test_a_citizen_cannot_claim_a_staff_channel(world, channel):
    citizen = client_for(world.citizen)
    body = {"implementation_id": world.impl.pk, "form_data": form_for(world), "channel": channel,
            "materials": {str(world.required_material.pk): {"file": upload(citizen)}}}
    response = post(citizen, body)
    assert response.status_code == 403, response.content
    assert response.json()["code"] == "channel_not_allowed"
    assert response.json()["detail"][0]["field"] == "channel"
    assert not Case.objects.exists()


@pytest.mark.parametrize("channel", ["web", "mobile"])
def test_a_citizen_files_on_self_service_channels(world, channel):
    citizen = client_for(world.citizen)
    body = {"implementation_id": world.impl.pk, "form_data": form_for(world), "channel": channel,
            "materials": {str(world.required_material.pk): {"file": upload(citizen)}}}
    response = post(citizen, body)
    assert response.status_code == 201, response.content
    assert Case.objects.get().channel == channel


def test_the_reported_attack_window_channel_and_paper_is_refused(world):
    """The probe of issue 9 §3 as it was run: channel window and every material "paper"."""
    citizen = client_for(world.citizen)
    body = {"implementation_id": world.impl.pk, "form_data": form_for(world), "channel": "window",
            "materials": {str(world.required_material.pk): {"paper": True}}}
    response = post(citizen, body)
    assert response.status_code == 403 and response.json()["code"] == "channel_not_allowed"
    assert not Application.objects.exists()


def test_a_citizen_cannot_claim_paper_online(world):
    citizen = client_for(world.citizen)
    body = {"implementation_id": world.impl.pk, "form_data": form_for(world),
            "materials": {str(world.required_material.pk): {"paper": True},
                          str(world.deferrable_material.pk): {"paper": True}}}
    response = post(citizen, body)
    assert response.status_code == 400
    errors = fields_of(response)
    assert errors[f"materials.{world.required_material.pk}"] == "paper_not_allowed"
    assert errors[f"materials.{world.deferrable_material.pk}"] == "paper_not_allowed"
    assert "窗口工作人员" in response.json()["message"]
    assert not Case.objects.exists()


def test_a_clerk_at_the_window_records_paper(world):
    clerk = client_for(world.clerk)
    body = {"implementation_id": world.impl.pk, "form_data": form_for(world),
            "materials": {str(world.required_material.pk): {"paper": True}},
            "applicant": {"id_number": world.citizen.id_number}}
    response = post(clerk, body)
    assert response.status_code == 201, response.content
    case = Case.objects.get()
    assert case.channel == Channel.WINDOW and case.application.filed_by == world.clerk
    assert case.application.materials.get(requirement=world.required_material).satisfaction == MaterialSatisfaction.PAPER


def test_a_citizen_correcting_a_window_case_cannot_claim_paper(world, submit):
    """A case filed at the window: the applicant's own resubmission is still online."""
    case = submit(channel=Channel.WINDOW, outlet=world.hall, today=today())
    case_request_corrections(actor=world.clerk, case=case, items=[
        {"target": f"materials/{world.required_material.pk}", "problem": "未签字", "fix": "签字后提交"}])
    citizen = client_for(world.citizen)
    response = citizen.post(f"/api/v1/cases/{case.pk}/resubmit",
                            {"materials": {str(world.required_material.pk): {"paper": True}}},
                            content_type="application/json")
    assert response.status_code == 400, response.content
    assert fields_of(response) == {f"materials.{world.required_material.pk}": "paper_not_allowed"}


def test_the_citizen_pages_ignore_a_paper_tick(client, world, submit):
    """The applicant's correction form has no paper tick; one sent anyway is not a paper receipt."""
    case = submit(channel=Channel.WINDOW, outlet=world.hall, today=today())
    case_request_corrections(actor=world.clerk, case=case, items=[
        {"target": f"materials/{world.required_material.pk}", "problem": "未签字", "fix": "签字后提交"}])
    client.force_login(world.citizen)
    url = reverse("cases:case_detail", args=[case.pk])
    assert f'name="paper-{world.required_material.pk}"' not in client.get(url).content.decode()
    response = client.post(url, {"action": "resubmit", f"paper-{world.required_material.pk}": "1"})
    assert response.status_code in (200, 302)
    row = ApplicationMaterial.objects.get(application=case.application, requirement=world.required_material)
    assert row.satisfaction != MaterialSatisfaction.PAPER


# ---------------------------------------------------------------------------------------------
# §4 stored files and the clerk's scope


@pytest.fixture
def city_case(world):
    """A city-wide item (so a district window may file it), and a citizen's online filing of it,
    received by the city hall: from then on the district clerk's scope does not hold it."""
    with published_content_writes():  # a fixture arranging the catalog, not code changing it
        ImplementationVersion.objects.filter(pk=world.version.pk).update(city_wide=True)
    citizen = client_for(world.citizen)
    response = citizen.post("/api/v1/files", {"file": SimpleUploadedFile("病历扫描.pdf", PDF_BYTES)})
    file_id = response.json()["id"]
    response = post(citizen, {"implementation_id": world.impl.pk, "form_data": form_for(world),
                              "materials": {str(world.required_material.pk): {"file": file_id}}})
    assert response.status_code == 201, response.content
    case = Case.objects.get(pk=response.json()["case_ids"][0])
    case_accept(actor=world.clerk, case=case)
    return case, file_id


def on_behalf(world, material_spec):
    return {"implementation_id": world.impl.pk, "form_data": form_for(world),
            "materials": {str(world.required_material.pk): material_spec},
            "applicant": {"id_number": world.citizen.id_number}}


@pytest.mark.parametrize("how", ["reuse", "file"])
def test_a_district_clerk_cannot_reuse_a_citizens_file_from_a_city_case(world, city_case, how):
    """The probe of issue 9 §4: 404 on the case and its file, then a new filing naming the file."""
    case, file_id = city_case
    clerk = client_for(world.yanta_clerk)
    assert clerk.get(f"/api/v1/cases/{case.pk}").status_code == 404
    assert clerk.get(reverse("cases:case_file", args=[case.pk, file_id])).status_code == 404
    response = post(clerk, on_behalf(world, {how: file_id}))
    assert response.status_code == 400, response.content
    assert fields_of(response) == {f"materials.{world.required_material.pk}": "file_not_found"}
    assert Case.objects.count() == 1
    # The clerk's own upload for the applicant works; the old file is still out of reach through it.
    own = stored_file_create(actor=world.yanta_clerk, owner=world.citizen, upload=pdf_upload()).pk
    response = post(clerk, on_behalf(world, {"file": own}))
    assert response.status_code == 201, response.content
    new_case = response.json()["case_ids"][0]
    assert clerk.get(reverse("cases:case_file", args=[new_case, own])).status_code == 200
    assert clerk.get(reverse("cases:case_file", args=[new_case, file_id])).status_code == 404


def test_a_clerk_may_reuse_a_file_of_a_case_in_their_scope(world, city_case):
    """The city hall's clerk holds the online case (filed to the city hall): reuse is allowed."""
    _, file_id = city_case
    response = post(client_for(world.clerk), on_behalf(world, {"reuse": file_id}))
    assert response.status_code == 201, response.content


def test_a_clerk_cannot_use_a_file_uploaded_for_nothing_by_the_citizen(world):
    """A file the citizen uploaded but never filed belongs to no case: no clerk reaches it."""
    stored = stored_file_create(actor=world.citizen, owner=world.citizen, upload=pdf_upload())
    response = post(client_for(world.clerk), on_behalf(world, {"reuse": stored.pk}))
    assert response.status_code == 400 and response.json()["detail"][0]["code"] == "file_not_found"


def test_a_clerk_cannot_use_another_clerks_upload_outside_their_scope(world, city_case):
    _, _ = city_case
    other = stored_file_create(actor=world.clerk, owner=world.citizen, upload=pdf_upload())
    response = post(client_for(world.yanta_clerk), on_behalf(world, {"file": other.pk}))
    assert response.status_code == 400 and response.json()["detail"][0]["code"] == "file_not_found"


def test_the_window_page_refuses_and_does_not_list_out_of_scope_files(client, world, city_case):
    case, file_id = city_case
    client.force_login(world.yanta_clerk)
    found = client.post(reverse("cases:clerk_workbench"), {"action": "find", "identifier": world.citizen.id_number})
    assert found.status_code == 302
    apply_url = reverse("cases:clerk_apply", args=[world.impl.pk])
    assert "病历扫描.pdf" not in client.get(apply_url).content.decode()
    response = client.post(apply_url, {
        "applicant.name": "王秀英", "applicant.id_number": world.citizen.id_number, "enterprise.address": "雁塔区",
        f"reuse-{world.required_material.pk}": str(file_id), "delivery-method": "window",
        "outlet": str(world.yanta_hall.pk), "idempotency_key": "page-1"})
    assert response.status_code == 200
    assert "不属于申请人" in response.content.decode()
    assert Case.objects.count() == 1


def test_the_correction_panel_lists_only_files_in_the_clerks_scope(client, world, submit):
    """The district window corrects a case it filed: the citizen's other files are not offered."""
    with published_content_writes():
        ImplementationVersion.objects.filter(pk=world.version.pk).update(city_wide=True)
    private = stored_file_create(actor=world.citizen, owner=world.citizen, upload=pdf_upload("病历.pdf"))
    case = submit(channel=Channel.WINDOW, outlet=world.yanta_hall, today=today())
    case_request_corrections(actor=world.yanta_clerk, case=case, items=[
        {"target": f"materials/{world.required_material.pk}", "problem": "未签字", "fix": "签字后提交"}])
    client.force_login(world.yanta_clerk)
    body = client.get(reverse("cases:clerk_case", args=[case.pk])).content.decode()
    used = case.application.materials.get(requirement=world.required_material).stored_file
    assert f'<option value="{used.pk}"' in body  # the case's own file, uploaded by this window
    assert "病历.pdf" not in body and f'<option value="{private.pk}"' not in body
