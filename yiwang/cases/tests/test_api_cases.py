"""The cases API over HTTP: submit with Idempotency-Key, list/read, staff decisions with scope."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from yiwang.accounts.tests.factories import PASSWORD
from yiwang.cases.models import Application, Case
from yiwang.cases.tests.conftest import PDF_BYTES, form_for
from yiwang.workdays.time_limits import is_working_day

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def upload(client) -> int:
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post("/api/v1/files", {"file": SimpleUploadedFile("申请书.pdf", PDF_BYTES)})
    assert response.status_code == 201, response.content
    return response.json()["id"]


def payload(world, file_id, **extra):
    return {"implementation_id": world.impl.pk, "form_data": form_for(world),
            "materials": {str(world.required_material.pk): {"file": file_id}}, **extra}


def test_submit_is_idempotent_over_http(world):
    client = client_for(world.citizen)
    body = payload(world, upload(client))
    first = client.post("/api/v1/applications", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="abc-1")
    assert first.status_code == 201, first.content
    again = client.post("/api/v1/applications", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="abc-1")
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    assert Application.objects.filter(applicant=world.citizen).count() == 1
    other = client.post("/api/v1/applications", {**body, "form_data": {**body["form_data"], "enterprise.address": "别处"}},
                        content_type="application/json", HTTP_IDEMPOTENCY_KEY="abc-1")
    assert other.status_code == 409 and other.json()["code"] == "idempotency_conflict"


def test_bad_submission_names_the_fields(world):
    client = client_for(world.citizen)
    response = client.post("/api/v1/applications", {"implementation_id": world.impl.pk, "form_data": {}},
                           content_type="application/json")
    assert response.status_code == 400
    data = response.json()
    assert data["code"] == "validation_failed"
    fields = {d["field"] for d in data["detail"]}
    assert {"applicant.name", f"materials.{world.required_material.pk}"} <= fields
    missing = client.post("/api/v1/applications", {"form_data": {}}, content_type="application/json")
    assert missing.status_code == 400 and missing.json()["code"] == "invalid_input"
    assert "implementation_id" in missing.json()["message"]


def test_upload_with_a_fake_type_is_refused(world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for(world.citizen)
    response = client.post("/api/v1/files", {"file": SimpleUploadedFile("a.pdf", b"<html>not a pdf</html>")})
    assert response.status_code == 400 and response.json()["code"] == "file_type_not_allowed"


def test_anonymous_is_401_and_public_progress_needs_the_code(world):
    anon = Client()
    assert anon.get("/api/v1/cases").status_code == 401
    client = client_for(world.citizen)
    created = client.post("/api/v1/applications", payload(world, upload(client)), content_type="application/json").json()
    case = Case.objects.get(pk=created["case_ids"][0])
    ok = anon.get("/api/v1/progress", {"number": case.number, "code": case.verification_code})
    assert ok.status_code == 200 and ok.json()["status"] == "submitted"
    assert "王秀英" not in ok.content.decode()
    wrong = anon.get("/api/v1/progress", {"number": case.number, "code": "000000" if case.verification_code != "000000" else "1"})
    assert wrong.status_code == 404 and wrong.json()["code"] == "case_not_found"
    wide = str.maketrans("0123456789", "０１２３４５６７８９")
    typed = anon.get("/api/v1/progress", {"number": case.number.translate(wide), "code": " " + case.verification_code})
    assert typed.status_code == 200 and typed.json()["number"] == case.number  # as typed with a Chinese IME
    garbage = anon.get("/api/v1/progress", {"number": "2026\x00" + case.number, "code": "1\x00"})
    assert garbage.status_code == 400 and garbage.json()["code"] == "control_character"  # yiwang.core.inputs


def test_guessing_the_progress_code_is_limited_per_case_and_per_client(world):
    from yiwang.cases.access import PROGRESS_FAILURES_PER_CLIENT, PROGRESS_FAILURES_PER_NUMBER

    client = client_for(world.citizen)
    created = client.post("/api/v1/applications", payload(world, upload(client)), content_type="application/json").json()
    case = Case.objects.get(pk=created["case_ids"][0])
    wrong_codes = [f"{n:06d}" for n in range(100) if f"{n:06d}" != case.verification_code]
    anon = Client(REMOTE_ADDR="198.51.100.7")
    for code in wrong_codes[:PROGRESS_FAILURES_PER_NUMBER]:
        assert anon.get("/api/v1/progress", {"number": case.number, "code": code}).status_code == 404
    # Locked: even the right code is refused now (from any address), else the lock would leak it.
    other = Client(REMOTE_ADDR="203.0.113.9")
    locked = other.get("/api/v1/progress", {"number": case.number, "code": case.verification_code})
    assert locked.status_code == 429 and locked.json()["code"] == "too_many_attempts"
    assert "1 小时后" in locked.json()["message"]
    # The applicant still sees the case when logged in.
    assert client.get(f"/api/v1/cases/{case.pk}").status_code == 200

    # Scanning many case numbers from one address stops at the per-client limit.
    scanner = Client(REMOTE_ADDR="192.0.2.50")
    answers = [scanner.get("/api/v1/progress", {"number": f"2026{n:014d}", "code": "123456"}).status_code
               for n in range(PROGRESS_FAILURES_PER_CLIENT + 1)]
    assert answers[:PROGRESS_FAILURES_PER_CLIENT] == [404] * PROGRESS_FAILURES_PER_CLIENT
    assert answers[-1] == 429


def test_applicant_sees_own_cases_only(world):
    client = client_for(world.citizen)
    created = client.post("/api/v1/applications", payload(world, upload(client)), content_type="application/json").json()
    case_id = created["case_ids"][0]
    listing = client.get("/api/v1/cases").json()
    assert listing["count"] == 1 and listing["results"][0]["id"] == case_id
    detail = client.get(f"/api/v1/cases/{case_id}").json()
    assert detail["clock"]["acceptance_due_on"] and detail["timeline"][0]["title"] == "已提交待受理"
    assert client_for(world.other_citizen).get(f"/api/v1/cases/{case_id}").status_code == 404


def test_staff_decisions_through_the_api_respect_scope(world):
    citizen = client_for(world.citizen)
    case_id = citizen.post("/api/v1/applications", payload(world, upload(citizen)),
                           content_type="application/json").json()["case_ids"][0]
    # A reviewer of another district: not found (existence is not leaked), cannot act.
    beilin = client_for(world.beilin_reviewer)
    assert beilin.get(f"/api/v1/cases/{case_id}").status_code == 404
    assert beilin.post(f"/api/v1/cases/{case_id}/accept", {}, content_type="application/json").status_code == 404
    assert beilin.get("/api/v1/cases").json()["count"] == 0
    # A citizen cannot use staff endpoints on her own case.
    assert citizen.post(f"/api/v1/cases/{case_id}/accept", {}, content_type="application/json").status_code == 404
    clerk = client_for(world.clerk)
    assert clerk.get("/api/v1/cases", {"status": "submitted"}).json()["count"] == 1
    accepted = clerk.post(f"/api/v1/cases/{case_id}/accept", {"mode": "normal"}, content_type="application/json")
    assert accepted.status_code == 200, accepted.content
    assert accepted.json()["status"] == "under_review" and accepted.json()["clock"]["due_on"]
    docs = accepted.json()["documents"]
    pdf = clerk.get(f"/api/v1/cases/{case_id}/documents/{docs[0]['id']}")
    assert pdf.status_code == 200 and b"".join(pdf.streaming_content).startswith(b"%PDF")
    again = clerk.post(f"/api/v1/cases/{case_id}/accept", {"mode": "normal"}, content_type="application/json")
    assert again.status_code == 409 and again.json()["code"] == "invalid_transition"


def test_back_office_tasks_and_decision_over_the_api(world):
    citizen = client_for(world.citizen)
    case_id = citizen.post("/api/v1/applications", payload(world, upload(citizen)),
                           content_type="application/json").json()["case_ids"][0]
    client_for(world.clerk).post(f"/api/v1/cases/{case_id}/accept", {}, content_type="application/json")
    reviewer = client_for(world.reviewer)
    tasks = reviewer.get("/api/v1/tasks").json()
    assert [t["case_id"] for t in tasks] == [case_id]
    task_id = tasks[0]["id"]
    assert reviewer.post(f"/api/v1/tasks/{task_id}/claim").status_code == 200
    done = reviewer.post(f"/api/v1/tasks/{task_id}/complete", {"outcome": "pass", "comment": "材料齐全"},
                         content_type="application/json")
    assert done.status_code == 200, done.content
    approver = client_for(world.approver)
    bad = approver.post(f"/api/v1/cases/{case_id}/decide", {"decision": "approved", "reasons": ""},
                        content_type="application/json")
    assert bad.status_code == 400
    decided = approver.post(f"/api/v1/cases/{case_id}/decide",
                            {"decision": "approved", "reasons": "符合条件", "legal_basis": "《食品安全法》第三十五条"},
                            content_type="application/json")
    assert decided.status_code == 200, decided.content
    assert decided.json()["status"] == "concluded" and decided.json()["decision"] == "approved"


def test_pause_extend_and_bad_input(world):
    citizen = client_for(world.citizen)
    case_id = citizen.post("/api/v1/applications", payload(world, upload(citizen)),
                           content_type="application/json").json()["case_ids"][0]
    client_for(world.clerk).post(f"/api/v1/cases/{case_id}/accept", {}, content_type="application/json")
    reviewer = client_for(world.reviewer)
    bad = reviewer.post(f"/api/v1/cases/{case_id}/pause", {"procedure": "x", "reason": "", "expected_days": 0},
                        content_type="application/json")
    # expected_days is bounded in the schema (1–3650), so it is refused before the service names the rest.
    assert bad.status_code == 400 and {d["field"] for d in bad.json()["detail"]} == {"expected_days"}
    paused = reviewer.post(f"/api/v1/cases/{case_id}/pause",
                           {"procedure": "inspection", "reason": "现场核查", "expected_days": 5}, content_type="application/json")
    assert paused.json()["status"] == "suspended" and paused.json()["clock"]["paused"] is True
    assert reviewer.post(f"/api/v1/cases/{case_id}/extend", {"reason": "复杂"}, content_type="application/json").status_code == 404
    extended = client_for(world.approver).post(f"/api/v1/cases/{case_id}/extend", {"reason": "情况复杂"},
                                               content_type="application/json")
    assert extended.status_code == 200 and extended.json()["clock"]["extension_days"] == 10
    resumed = reviewer.post(f"/api/v1/cases/{case_id}/resume")
    assert resumed.json()["status"] == "under_review"


def test_special_procedure_dates_through_the_api(world):
    citizen = client_for(world.citizen)
    case_id = citizen.post("/api/v1/applications", payload(world, upload(citizen)),
                           content_type="application/json").json()["case_ids"][0]
    client_for(world.clerk).post(f"/api/v1/cases/{case_id}/accept", {}, content_type="application/json")
    reviewer = client_for(world.reviewer)
    today = timezone.localdate()
    paused = reviewer.post(f"/api/v1/cases/{case_id}/pause", {"procedure": "testing", "reason": "送检",
                           "first_day": today.isoformat(), "expected_days": 3}, content_type="application/json")
    assert paused.status_code == 200, paused.content
    bad = reviewer.post(f"/api/v1/cases/{case_id}/resume", {"last_day": "明天"}, content_type="application/json")
    assert bad.status_code == 400 and {d["field"] for d in bad.json()["detail"]} == {"last_day"}
    resumed = reviewer.post(f"/api/v1/cases/{case_id}/resume", {"last_day": today.isoformat()}, content_type="application/json")
    assert resumed.status_code == 200 and resumed.json()["status"] == "under_review"
    assert resumed.json()["clock"]["paused_days"] == (1 if is_working_day(today) else 0)


def test_clerk_files_on_behalf_after_checking_identity(world):
    clerk = client_for(world.clerk)
    body = {"implementation_id": world.impl.pk, "form_data": form_for(world),
            "materials": {str(world.required_material.pk): {"paper": True}},
            "applicant": {"id_number": world.citizen.id_number}}
    response = clerk.post("/api/v1/applications", body, content_type="application/json")
    assert response.status_code == 201, response.content
    case = Case.objects.get(pk=response.json()["case_ids"][0])
    assert case.applicant == world.citizen and case.channel == "window" and case.application.filed_by == world.clerk
    unknown = clerk.post("/api/v1/applications", {**body, "applicant": {"id_number": "11010519491231002X"}},
                         content_type="application/json")
    assert unknown.status_code == 404 and unknown.json()["code"] == "applicant_not_found"
    assert unknown.json()["detail"][0]["field"] == "applicant.id_number"
    mistyped = clerk.post("/api/v1/applications", {**body, "applicant": {"id_number": "110105194912310020"}},
                          content_type="application/json")
    assert mistyped.status_code == 400 and mistyped.json()["detail"][0]["field"] == "applicant.id_number"
    staff = clerk.post("/api/v1/applications", {**body, "applicant": {"id_number": world.clerk.id_number}},
                       content_type="application/json")
    assert staff.status_code == 404 and staff.json()["code"] == "applicant_not_found"
    nobody = clerk.post("/api/v1/applications", {**body, "applicant": None}, content_type="application/json")
    assert nobody.status_code == 400 and nobody.json()["detail"][0] == {
        "field": "applicant", "code": "required", "message": nobody.json()["detail"][0]["message"]}
    assert Case.objects.filter(applicant__isnull=False).count() == 1
    citizen = client_for(world.citizen)
    on_behalf = citizen.post("/api/v1/applications", {**body, "applicant": {"id_number": world.other_citizen.id_number}},
                             content_type="application/json")
    assert on_behalf.status_code == 403


def test_due_dates_in_the_api_are_iso_dates(world):
    citizen = client_for(world.citizen)
    case_id = citizen.post("/api/v1/applications", payload(world, upload(citizen)),
                           content_type="application/json").json()["case_ids"][0]
    detail = citizen.get(f"/api/v1/cases/{case_id}").json()
    dt.date.fromisoformat(detail["clock"]["acceptance_due_on"])


def test_case_detail_says_what_the_caller_may_do_now(world):
    citizen = client_for(world.citizen)
    case_id = citizen.post("/api/v1/applications", payload(world, upload(citizen)),
                           content_type="application/json").json()["case_ids"][0]
    mine = citizen.get(f"/api/v1/cases/{case_id}").json()["actions"]
    assert mine["may_withdraw"] and not mine["may_accept"] and mine["handover"] == ""
    clerk = client_for(world.clerk)
    theirs = clerk.get(f"/api/v1/cases/{case_id}").json()["actions"]
    assert theirs["may_accept"] and theirs["may_refuse"] and not theirs["may_withdraw"]
    accepted = clerk.post(f"/api/v1/cases/{case_id}/accept", {"mode": "normal"}, content_type="application/json").json()
    assert not accepted["actions"]["may_accept"]  # the detail after the change, for the clerk
    approver = client_for(world.approver).get(f"/api/v1/cases/{case_id}").json()["actions"]
    assert approver["may_extend"] and approver["may_pause"] and not approver["may_resume"]
