"""Public verification: outcomes in plain words, every check recorded, the holder sees who checked;
QR payloads and short-lived 亮证码."""

import datetime as dt
from urllib.parse import quote, urlsplit

import pytest
from django.utils import timezone

from yiwang.licences.constants import LicenceAction, VerificationChannel, VerificationOutcome
from yiwang.licences.models import Verification
from yiwang.licences.selectors import verifications_of, verifier_description
from yiwang.licences.services import licence_change_status, licence_show_code, licence_verify, licences_expire
from yiwang.licences.services.issuance import qr_text_for
from yiwang.licences.tests.conftest import issue

pytestmark = pytest.mark.django_db
REAL = "1.2.156.3005.2.11100000000013338W011.11430000006122244L.20230000403.001.U"


def _path(text: str) -> str:
    parts = urlsplit(text)
    return f"{parts.path}?{parts.query}"


def test_every_outcome_says_so_in_plain_chinese(world):
    licence = issue(world, "LIC-FOOD-BUSINESS")
    assert licence_verify(identifier=licence.identifier).outcome == VerificationOutcome.VALID
    assert licence_verify(identifier=REAL).outcome == VerificationOutcome.NOT_FOUND  # well formed, never issued here
    bad = licence_verify(identifier=REAL[:-1] + "V")
    assert bad.outcome == VerificationOutcome.MALFORMED and "校验位" in bad.message
    licence_change_status(actor=world.officer, licence=licence, action=LicenceAction.REVOKE, reason="依据行政许可法第六十九条撤销")
    revoked = licence_verify(identifier=licence.identifier)
    assert revoked.outcome == VerificationOutcome.REVOKED and revoked.genuine and not revoked.current
    assert "撤销" in revoked.message and revoked.details["holder"] == world.enterprise.org_name


def test_expiry_counts_from_the_date_even_before_the_nightly_task(world):
    licence = issue(world, "LIC-DRIVING-LICENCE", issued_on=dt.date(2019, 7, 1))
    assert licence.status == "valid"
    result = licence_verify(identifier=licence.identifier)
    assert result.outcome == VerificationOutcome.EXPIRED and "2025-06-30" in result.message
    assert licences_expire() == 1 and licences_expire() == 0
    licence.refresh_from_db()
    assert licence.status == "expired" and licence.status_changes.last().actor_label == "licences"


def test_holder_details_are_masked(world):
    licence = issue(world)
    details = licence_verify(identifier=licence.identifier).details
    assert details["holder"] == "王*英" and details["holder_id"] == "6101**********0242"
    assert world.citizen.id_number not in str(details)


def test_every_check_is_recorded_and_the_holder_sees_who(world, client):
    licence = issue(world)
    client.get(f"/verify/{licence.identifier}?by=" + quote("某银行西安分行"), REMOTE_ADDR="203.0.113.9")
    client.force_login(world.officer)
    client.get(f"/api/v1/licences/verify/{licence.identifier}")
    rows = list(Verification.objects.order_by("id"))
    assert [(r.channel, r.outcome) for r in rows] == [("page", "valid"), ("api", "valid")]
    assert rows[0].verifier_label == "某银行西安分行" and str(rows[0].client_ip) == "203.0.113.9"
    assert rows[1].verifier == world.officer
    seen = [verifier_description(v) for v in verifications_of(licence)]
    assert seen[1] == "某银行西安分行（来自 203.0.*.*）"
    assert world.officer.display_name in seen[0]


def test_a_failed_lookup_is_recorded_too(world):
    licence_verify(identifier="not an identifier\x00", client_ip="198.51.100.1")
    row = Verification.objects.get()
    assert row.outcome == "malformed" and row.licence is None and "\x00" not in row.identifier


def test_a_printed_qr_checks_its_own_signature(world, client):
    licence = issue(world)
    text = qr_text_for(licence, key=licence.signed_key, signature=bytes.fromhex(licence.qr_signature))
    page = client.get(_path(text))
    assert page.status_code == 200 and 'data-outcome="valid"' in page.content.decode()
    assert Verification.objects.get().channel == VerificationChannel.QR
    forged = client.get(_path(text.replace(quote("王*英"), quote("李*四"))))
    assert 'data-outcome="qr_forged"' in forged.content.decode() and "伪造" in forged.content.decode()


def test_a_wallet_code_expires_and_the_answer_explains(world, client, settings):
    settings.YIWANG_LICENCE_SHOW_SECONDS = 300
    licence = issue(world)
    text, expires = licence_show_code(licence=licence, now=timezone.now() - dt.timedelta(minutes=6))
    assert expires < timezone.now()
    body = client.get(_path(text)).content.decode()
    assert 'data-outcome="token_expired"' in body and "截图不能反复使用" in body and "重新出示" in body
    fresh, _ = licence_show_code(licence=licence)
    assert 'data-outcome="valid"' in client.get(_path(fresh)).content.decode()
    assert list(Verification.objects.order_by("id").values_list("channel", "outcome")) == [
        ("wallet", "token_expired"), ("wallet", "valid")]


def test_a_superseded_version_points_to_the_new_one(world):
    from yiwang.licences.services import licence_new_version

    old = issue(world, "LIC-FOOD-BUSINESS")
    new = licence_new_version(actor=world.officer, licence=old, reason="变更负责人")
    result = licence_verify(identifier=old.identifier)
    assert result.outcome == VerificationOutcome.SUPERSEDED and result.details["successor"] == new.identifier


def test_the_api_answers_every_outcome_with_200_and_refuses_control_characters(world, client):
    licence = issue(world)
    ok = client.get(f"/api/v1/licences/verify/{licence.identifier}").json()
    assert ok["outcome"] == "valid" and ok["genuine"] is True and ok["current"] is True and ok["holder"] == "王*英"
    missing = client.get(f"/api/v1/licences/verify/{REAL}")
    assert missing.status_code == 200 and missing.json()["outcome"] == "not_found"
    nul = client.get("/api/v1/licences/verify/1.2.156%00")
    assert nul.status_code == 400 and nul.json()["detail"][0]["field"] == "path"  # core.inputs, before routing
    long = client.get("/api/v1/licences/verify/" + "1" * 101)
    assert long.status_code == 400
    text = qr_text_for(licence, key=licence.signed_key, signature=bytes.fromhex(licence.qr_signature))
    query = urlsplit(text).query
    assert client.get(f"/api/v1/licences/verify/{licence.identifier}?{query}").json()["outcome"] == "valid"
    assert client.get(f"/api/v1/licences/verify/{licence.identifier}?{query.replace('v=1', 'v=9')}").json()["outcome"] == "qr_forged"


def test_a_bank_system_is_recorded_by_its_token(world, client):
    from yiwang.accounts.services import api_token_create
    from yiwang.accounts.tests.factories import EnterpriseUserFactory

    bank = EnterpriseUserFactory(org_name="某银行西安分行")
    _, token = api_token_create(actor=None, user=bank, name="核验")
    licence = issue(world)
    client.get(f"/api/v1/licences/verify/{licence.identifier}", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert Verification.objects.get().verifier == bank


def test_the_one_statement_lookup_loads_what_the_orm_loads(world):
    from yiwang.licences.models import Licence
    from yiwang.licences.services import metadata_of
    from yiwang.licences.services.verification import licence_for_verification

    licence = issue(world, attributes={"household.address": "西安市雁塔区小寨东路 1 号"})
    fast, orm = licence_for_verification(licence.identifier), Licence.objects.get(pk=licence.pk)
    assert metadata_of(fast) == metadata_of(orm) and fast.signature == orm.signature
    key = orm.signed_key
    assert (fast.signed_key.pk, fast.signed_key.agency_id, fast.signed_key.key_id, fast.signed_key.public_key,
            fast.signed_key.status) == (key.pk, key.agency_id, key.key_id, key.public_key, key.status)
    assert licence_for_verification(licence.identifier[:-1] + "0") is None


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_every_outcome_is_recorded_right(world):
    """Outside a test transaction, PostgreSQL takes the one-statement path (lookup + record);
    SQLite the two-statement one. Both must record what the verifier was told."""
    from yiwang.licences.models import Licence

    valid = issue(world)
    old = issue(world, "LIC-DRIVING-LICENCE", issued_on=dt.date(2019, 7, 1))
    altered = issue(world, "LIC-BUSINESS-LICENCE")
    Licence.objects.filter(pk=altered.pk).update(holder_name="冒名企业")
    revoked = issue(world, "LIC-FOOD-BUSINESS")
    licence_change_status(actor=world.officer, licence=revoked, action=LicenceAction.REVOKE, reason="撤销")
    told = {lic.pk: licence_verify(identifier=lic.identifier, channel="api", verifier_label="某银行", client_ip="203.0.113.5").outcome
            for lic in (valid, old, altered, revoked)}
    assert told == {valid.pk: "valid", old.pk: "expired", altered.pk: "altered", revoked.pk: "revoked"}
    assert licence_verify(identifier=REAL, channel="api").outcome == "not_found"
    recorded = {v.licence_id: (v.outcome, v.channel, v.verifier_label, str(v.client_ip))
                for v in Verification.objects.exclude(licence=None)}
    assert {pk: r[0] for pk, r in recorded.items()} == told
    assert {r[1:] for r in recorded.values()} == {("api", "某银行", "203.0.113.5")}
    assert Verification.objects.get(licence=None).outcome == "not_found"
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        licence_verify(identifier=valid.identifier, channel="api")
    assert len(queries) == (1 if connection.vendor == "postgresql" else 2)
