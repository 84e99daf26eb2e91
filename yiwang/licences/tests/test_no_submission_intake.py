"""No-submission in the cases intake (免提交): applying — through the service, the API and the
wizard — a material naming a licence type is met by a valid held licence without upload, its
identifier kept with the case's material and shown to the clerk; an expired or revoked licence
does not meet it and the applicant is told why. The guide page says which materials are waived
and links to booking where the item supports appointments."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from yiwang.cases.constants import MaterialSatisfaction
from yiwang.core.errors import ValidationFailed
from yiwang.licences.constants import LicenceAction
from yiwang.licences.services import licence_change_status
from yiwang.licences.tests.conftest import issue, licensing_item
from yiwang.orgs.constants import Role

pytestmark = pytest.mark.django_db


def submit(world, version, *, applicant=None, materials=None):
    from yiwang.cases.services import application_submit

    applicant = applicant or world.citizen
    app = application_submit(actor=applicant, applicant=applicant, implementation_id=version.implementation_id,
                             form_data={}, materials=materials or {})
    return app.cases.get()


def test_a_held_licence_creates_the_case_without_that_upload(world):
    licence = issue(world, "LIC-RESIDENT-ID", issued_on=dt.date(2016, 4, 12))
    version = licensing_item(world, materials=[("居民身份证", "LIC-RESIDENT-ID")])
    case = submit(world, version)
    row = case.application.materials.get()
    assert row.satisfaction == MaterialSatisfaction.LICENCE and row.stored_file is None
    assert row.licence_reference == licence.identifier


def test_an_expired_licence_does_not_and_the_applicant_is_told_why(world):
    issue(world, "LIC-DRIVING-LICENCE", issued_on=dt.date(2019, 7, 1))  # valid until 2025-06-30
    version = licensing_item(world, materials=[("机动车驾驶证", "LIC-DRIVING-LICENCE")])
    with pytest.raises(ValidationFailed) as failure:
        submit(world, version)
    [error] = failure.value.errors
    material = version.materials.get()
    assert error.field == f"materials.{material.pk}" and error.code == "licence_not_valid"
    assert "机动车驾驶证" in error.message and "2025-06-30" in error.message and "不能免于提交" in error.message


def test_a_revoked_licence_does_not_either(world):
    licence = issue(world, "LIC-FOOD-BUSINESS", issued_on=dt.date(2024, 5, 10))
    licence_change_status(actor=world.officer, licence=licence, action=LicenceAction.REVOKE, reason="承诺不实")
    version = licensing_item(world, materials=[("食品经营许可证", "LIC-FOOD-BUSINESS")])
    with pytest.raises(ValidationFailed) as failure:
        submit(world, version, applicant=world.enterprise)
    assert "撤销" in failure.value.errors[0].message


def test_without_a_licence_the_upload_is_still_asked(world):
    version = licensing_item(world, materials=[("居民身份证", "LIC-RESIDENT-ID")])
    with pytest.raises(ValidationFailed) as failure:
        submit(world, version)
    assert failure.value.errors[0].code == "material_missing"


def test_over_the_api_and_on_the_clerks_page(world, client):
    licence = issue(world, "LIC-BUSINESS-LICENCE")
    version = licensing_item(world, materials=[("营业执照", "LIC-BUSINESS-LICENCE")])
    client.force_login(world.enterprise)
    response = client.post("/api/v1/applications", {"implementation_id": version.implementation_id, "form_data": {}},
                           content_type="application/json")
    assert response.status_code == 201, response.content
    from yiwang.cases.selectors import cases_of_applicant

    case = cases_of_applicant(world.enterprise).get()
    assert case.application.materials.get().licence_reference == licence.identifier
    reviewer = world.staff(world.market, Role.DEPT_REVIEWER, name="market_reviewer")
    client.force_login(reviewer)
    body = client.get(reverse("cases:staff_case", args=[case.pk])).content.decode()
    assert "已从电子证照库调取" in body and licence.identifier in body


def _draft_materials_page(client, world, version, applicant):
    client.force_login(applicant)
    response = client.post(reverse("cases:apply", args=[version.implementation_id]), {"nav": "next"})
    assert response.status_code == 302, response.content.decode()[:2000]
    materials_url = response.url
    return materials_url, client.get(materials_url).content.decode()


def test_the_wizard_says_which_material_came_from_the_library_and_which_cannot(world, client):
    licence = issue(world, "LIC-RESIDENT-ID", issued_on=dt.date(2016, 4, 12))
    issue(world, "LIC-DRIVING-LICENCE", issued_on=dt.date(2019, 7, 1))
    version = licensing_item(world, materials=[("居民身份证", "LIC-RESIDENT-ID"), ("机动车驾驶证", "LIC-DRIVING-LICENCE")])
    id_card, driving = version.materials.order_by("order")
    url, body = _draft_materials_page(client, world, version, world.citizen)
    id_row = re.search(rf'id="m-{id_card.pk}-row".*?</fieldset>', body, re.S).group(0)
    driving_row = re.search(rf'id="m-{driving.pk}-row".*?</fieldset>', body, re.S).group(0)
    assert "已从电子证照库调取" in id_row and licence.identifier in id_row and 'type="file"' not in id_row
    assert "不能免于提交" in driving_row and 'type="file"' in driving_row
    response = client.post(url, {"nav": "next"})
    assert response.status_code == 200  # the driving licence is still missing
    text = response.content.decode()
    assert "「机动车驾驶证」：您的「机动车驾驶证」有效期已于 2025-06-30 届满" in text
    assert "「居民身份证」" not in re.search(r'<div class="error-summary".*?</div>', text, re.S).group(0)


def test_the_guide_page_names_the_waived_materials_and_links_to_booking(world, client):
    issue(world, "LIC-BUSINESS-LICENCE")
    version = licensing_item(world, materials=[("营业执照", "LIC-BUSINESS-LICENCE"), ("申请书", "")],
                             supports_appointment=True)
    url = reverse("catalog:guide", args=[version.implementation_id])
    body = client.get(url).content.decode()
    assert "可免提交的材料（电子证照）" in body and "营业执照" in body and "登录后可查看" in body
    booking = f'{reverse("appointments:book")}?item={version.implementation_id}'
    assert f'href="{booking}"' in body and "预约办理" in body
    client.force_login(world.enterprise)
    assert "您已持有有效证照，无需提交" in client.get(url).content.decode()
    no_booking = licensing_item(world, materials=[("申请书", "")], supports_appointment=False)
    body = client.get(reverse("catalog:guide", args=[no_booking.implementation_id])).content.decode()
    assert reverse("appointments:book") not in body and "可免提交的材料" not in body
