"""The pages over HTTP: public verification and keys, the holder's wallet and profile, the staff
pages (permissions, status changes, import, figures), and the licence on the case pages."""

import datetime as dt
import io
import re

import pytest

from yiwang.licences.models import Licence
from yiwang.licences.tests.conftest import decided_case, issue, licensing_item

pytestmark = pytest.mark.django_db


def test_public_pages_need_no_login(world, client):
    licence = issue(world)
    assert client.get("/verify/").status_code == 200
    page = client.get(f"/verify/{licence.identifier}")
    assert page.status_code == 200 and "真实有效" in page.content.decode() and "王*英" in page.content.decode()
    keys = client.get("/licences/keys/").content.decode()
    assert licence.signed_key.public_key in keys and "西安市公安局" in keys


def test_the_verify_form_goes_to_the_identifier_page(world, client):
    licence = issue(world)
    response = client.get("/verify/", {"identifier": " " + licence.identifier.lower() + " "})
    assert response.status_code == 302 and response["Location"] == f"/verify/{licence.identifier}"
    bad = client.get("/verify/", {"identifier": "a/b?c"})
    assert bad.status_code == 400 and 'aria-invalid="true"' in bad.content.decode()
    assert client.get("/verify/", {"identifier": "1.2\x00"}).status_code == 400


def test_a_forged_identifier_is_named_forged(world, client):
    body = client.get("/verify/1.2.156.3005.2.11100000000013338W011.11430000006122244L.20230000403.001.U").content.decode()
    assert "查无此证" in body and "伪造" in body


def test_wallet_pages_need_the_holder(world, client):
    licence = issue(world)
    assert client.get("/licences/wallet/").status_code == 302  # to the login page
    client.force_login(world.enterprise)
    assert client.get(f"/licences/wallet/{licence.pk}/").status_code == 404  # someone else's
    client.force_login(world.officer)
    assert client.get("/licences/wallet/").status_code == 403
    client.force_login(world.citizen)
    wallet = client.get("/licences/wallet/").content.decode()
    assert "居民身份证" in wallet
    detail = client.get(f"/licences/wallet/{licence.pk}/").content.decode()
    assert "亮证码有效至" in detail and "<svg" in detail and world.citizen.id_number in detail
    fragment = client.get(f"/licences/wallet/{licence.pk}/show/", HTTP_HX_REQUEST="true").content.decode()
    assert fragment.startswith('<div class="licence-show"') and 'hx-trigger="every 240s"' in fragment
    pdf = client.get(f"/licences/wallet/{licence.pk}/file.pdf")
    assert pdf["Content-Type"] == "application/pdf" and b"".join(pdf.streaming_content).startswith(b"%PDF")


def test_a_licence_that_is_not_valid_cannot_be_shown(world, client):
    licence = issue(world, "LIC-DRIVING-LICENCE", issued_on=dt.date(2019, 7, 1))
    client.force_login(world.citizen)
    detail = client.get(f"/licences/wallet/{licence.pk}/").content.decode()
    assert "不能亮证" in detail and "<svg" not in detail
    assert client.get(f"/licences/wallet/{licence.pk}/show/").status_code == 409


def test_staff_pages_are_for_licence_officers(world, client):
    assert client.get("/licences/staff/").status_code == 302
    client.force_login(world.citizen)
    assert client.get("/licences/staff/").status_code == 403
    client.force_login(world.yanta_clerk)
    assert client.get("/licences/staff/").status_code == 403
    assert client.get("/licences/staff/profiles/").status_code == 200  # clerks may look up profiles


def test_an_officer_finds_and_revokes_a_licence_in_scope(world, client):
    licence = issue(world, "LIC-FOOD-BUSINESS")
    client.force_login(world.officer)
    listing = client.get("/licences/staff/", {"q": world.enterprise.uscc}).content.decode()
    assert licence.identifier in listing and licence.masked_holder_id in listing
    empty = client.post(f"/licences/staff/{licence.pk}/", {"what": "status", "status-action": "revoke", "status-reason": ""})
    assert empty.status_code == 400 and "field-error" in empty.content.decode()
    done = client.post(f"/licences/staff/{licence.pk}/", {"what": "status", "status-action": "revoke",
                                                          "status-reason": "依据《行政许可法》第六十九条撤销"})
    assert done.status_code == 302
    licence.refresh_from_db()
    assert licence.status == "revoked"
    client.force_login(world.yanta_officer)  # the city's market bureau is outside 雁塔区
    assert client.get(f"/licences/staff/{licence.pk}/").status_code == 404


def test_an_officer_issues_a_new_version(world, client):
    licence = issue(world, "LIC-FOOD-BUSINESS", issued_on=dt.date(2021, 12, 1))
    client.force_login(world.officer)
    response = client.post(f"/licences/staff/{licence.pk}/", {"what": "version", "version-kind": "renewal",
                                                              "version-reason": "期满延续", "version-holder_name": ""})
    new = Licence.objects.get(previous=licence)
    assert response["Location"] == f"/licences/staff/{new.pk}/" and new.version == 2


def test_the_import_page_lists_every_problem(world, client):
    client.force_login(world.officer)
    upload = io.BytesIO("证照类型代码,持证主体名称,持证主体代码,发证日期\nLIC-NOPE,张三,1,2015-03-01\n".encode())
    upload.name = "a.csv"
    page = client.post("/licences/staff/import/", {"file": upload})
    body = page.content.decode()
    assert page.status_code == 400 and "第 2 行" in body and "证照类型代码" in body and "均未导入" in body
    template = client.get("/licences/staff/import/template/LIC-RESIDENT-ID.csv")
    assert template.content.decode("utf-8-sig").startswith("证照类型代码,")


def test_the_waiver_figure_page(world, client):
    licensing_item(world, materials=[("营业执照", "LIC-BUSINESS-LICENCE"), ("申请书", "")])
    client.force_login(world.officer)
    body = client.get("/licences/staff/waivers/").content.decode()
    assert "西安市市场监督管理局" in body and "50.0%" in body


def test_the_profile_lookup_goes_by_post(world, client):
    from yiwang.licences.services import profile_for_user

    issue(world, "LIC-HUKOU", division_code="610113J01")
    profile = profile_for_user(world.citizen)
    client.force_login(world.yanta_clerk)
    response = client.post("/licences/staff/profiles/", {"subject_id": world.citizen.id_number})
    assert response.status_code == 302 and response["Location"] == f"/licences/staff/profiles/{profile.pk}/"
    client.force_login(world.beilin_clerk)
    refused = client.post("/licences/staff/profiles/", {"subject_id": world.citizen.id_number})
    assert refused.status_code == 400 and "不在您的数据范围内" in refused.content.decode()


def test_an_officer_edits_a_profile_and_errors_name_the_field(world, client):
    from yiwang.licences.services import profile_for_user

    issue(world, "LIC-HUKOU", division_code="610113J01")
    profile = profile_for_user(world.citizen)
    client.force_login(world.officer)
    bad = client.post(f"/licences/staff/profiles/{profile.pk}/", {"p-household_size": "abc", "p-employment_status": ""})
    assert bad.status_code == 400 and "户内人数" in bad.content.decode()
    ok = client.post(f"/licences/staff/profiles/{profile.pk}/", {"p-household_size": "3", "p-employment_status": "retired",
                                                                 "p-birth_date": "1958-03-15"})
    assert ok.status_code == 302
    profile.refresh_from_db()
    assert profile.household_size == 3 and profile.employment_status == "retired"


def test_the_case_pages_show_the_licence(world, client):
    case = decided_case(world, licensing_item(world), applicant=world.enterprise)
    licence = Licence.objects.get(source_case=case)
    client.force_login(world.enterprise)
    body = client.get(f"/cases/mine/{case.pk}/").content.decode()
    assert "电子证照" in body and licence.identifier in body and f"/licences/wallet/{licence.pk}/" in body
    client.force_login(world.reviewer)
    staff = client.get(f"/cases/work/cases/{case.pk}/").content.decode()
    assert licence.identifier in staff
    public = client.get(f"/cases/p/{case.number}/{case.verification_code}/").content.decode()
    assert re.search(r"核验该证照", public)
