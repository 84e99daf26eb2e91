"""The probes of the security review that reached the database (issue 9, §5), replayed: each is now
a 400 naming the field, through the API and through the services the pages call."""

import pytest
from django.test import Client

from yiwang.cases.models import Case, Refusal
from yiwang.cases.services import case_refuse
from yiwang.cases.tests.conftest import MONDAY
from yiwang.cases.tests.test_api_cases import client_for, payload, upload
from yiwang.core.errors import ValidationFailed

pytestmark = pytest.mark.django_db


def _token(user) -> dict:
    from yiwang.accounts.services import api_token_create

    return {"Authorization": f"Bearer {api_token_create(actor=None, user=user, name='t')[1]}"}


def test_a_recipient_name_longer_than_its_column_is_a_400(world):
    client = client_for(world.citizen)
    body = payload(world, upload(client), delivery={"method": "mail", "recipient_name": "张" * 101,
                                                    "recipient_phone": "13912345678", "address": "西安市雁塔区"})
    response = client.post("/api/v1/applications", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["detail"][0]["field"] == "delivery.recipient_name"
    assert "100" in response.json()["message"]
    assert not Case.objects.exists()


def test_nul_in_delivery_fields_is_a_400(world):
    client = client_for(world.citizen)
    body = payload(world, upload(client), delivery={"method": "mail", "recipient_name": "张三",
                                                    "recipient_phone": "139\x0012345678", "address": "雁塔\x00区"})
    response = client.post("/api/v1/applications", body, content_type="application/json")
    assert response.status_code == 400
    assert {d["field"] for d in response.json()["detail"]} == {"delivery.recipient_phone", "delivery.address"}


def test_a_competent_agency_note_over_300_is_a_400_in_the_api(world, submit):
    case = submit()
    response = Client().post(f"/api/v1/cases/{case.pk}/refuse", {"reason": "不属于本机关职权", "competent_agency_note": "x" * 301},
                             content_type="application/json", headers=_token(world.clerk))
    assert response.status_code == 400
    assert response.json()["detail"][0]["field"] == "competent_agency_note"


def test_a_competent_agency_note_over_300_is_refused_by_the_row_check_too(world, submit):
    """The pages call the service directly; the pre_save net names the column."""
    case = submit()
    with pytest.raises(ValidationFailed) as caught:
        case_refuse(actor=world.clerk, case=case, reason="不属于本机关职权", competent_agency_note="x" * 301, today=MONDAY)
    assert [e.field for e in caught.value.errors] == ["competent_agency_note"]
    assert "300" in caught.value.message
    assert not Refusal.objects.exists()


@pytest.mark.parametrize("action, body", [
    ("refuse", {"reason": "理由\x00"}),
    ("request-corrections", {"items": [{"problem": "缺\x00页", "fix": "补齐"}]}),
    ("withdraw", {"reason": "\x00"}),
    ("deliver", {"pickup_code": "12\x0034"}),
])
def test_nul_in_free_text_is_a_400_naming_the_field(world, submit, action, body):
    case = submit()
    user = world.citizen if action == "withdraw" else world.clerk
    response = Client().post(f"/api/v1/cases/{case.pk}/{action}", body, content_type="application/json", headers=_token(user))
    assert response.status_code == 400
    assert response.json()["code"] in ("invalid_input", "validation_failed", "control_character")
    assert "控制字符" in response.json()["message"]
    assert Case.objects.get(pk=case.pk).status == case.status


def test_a_million_character_reason_is_refused_before_it_is_parsed(world, submit):
    case = submit()
    response = Client().post(f"/api/v1/cases/{case.pk}/withdraw", {"reason": "撤" * 1_200_000},
                             content_type="application/json", headers=_token(world.citizen))
    assert response.status_code == 413
    assert Case.objects.get(pk=case.pk).status == case.status


def test_nul_in_the_locker_path_is_a_400(world):
    response = Client().post("/api/v1/lockers/L%00x/pickup", {"pickup_code": "123456"}, content_type="application/json",
                             headers=_token(world.clerk))
    assert response.status_code == 400
    assert response.json()["code"] == "control_character"


def test_nul_in_a_window_page_form_is_a_400_naming_the_field(world, submit):
    case = submit()
    client = client_for(world.clerk)
    response = client.post(f"/window/cases/{case.pk}/", {"action": "refuse", "refusal-reason": "理由\x00"})
    assert response.status_code == 400
    assert "refusal-reason" in response.content.decode()
