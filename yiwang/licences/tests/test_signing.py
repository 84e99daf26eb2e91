"""SM2 signatures: a genuine licence verifies; an altered one, one re-signed with another key, and
one whose file was swapped do not — each named so in plain words."""

import pytest
from django.core.files.base import ContentFile

from yiwang.licences import signing
from yiwang.licences.constants import VerificationOutcome
from yiwang.licences.models import IssuerKey, Licence
from yiwang.licences.services import issuer_key_create, licence_verify, metadata_of, signature_genuine
from yiwang.licences.tests.conftest import issue

pytestmark = pytest.mark.django_db


def test_a_genuine_licence_verifies(world):
    licence = issue(world, "LIC-BUSINESS-LICENCE", attributes={"enterprise.address": "西安市雁塔区小寨东路 1 号"})
    assert signature_genuine(licence)
    result = licence_verify(identifier=licence.identifier)
    assert result.outcome == VerificationOutcome.VALID and result.genuine and result.current
    assert "真实有效" in result.message


def test_the_signature_covers_the_metadata_and_the_pdf_digest(world):
    licence = issue(world)
    content = licence.pdf.open("rb").read()
    from yiwang.core.crypto import sm3_hex

    assert content.startswith(b"%PDF") and b"FontFile2" in content  # the CJK font is embedded
    assert sm3_hex(content) == licence.pdf_sm3
    message = signing.metadata_message(metadata_of(licence), pdf_sm3=licence.pdf_sm3)
    assert signing.verify(licence.signed_key.public_key_bytes, message, bytes.fromhex(licence.signature))


@pytest.mark.parametrize("column,value", [
    ("holder_name", "李四"), ("valid_until", "2099-12-31"), ("issuer_name", "假冒的发证机关"),
    ("pdf_sm3", "0" * 64), ("attributes_json", '{"enterprise.address": "别处"}'),
])
def test_an_altered_licence_is_named_altered(world, column, value):
    licence = issue(world, "LIC-BUSINESS-LICENCE", attributes={"enterprise.address": "西安市雁塔区小寨东路 1 号"})
    # A change behind the services' back (a database edit), as a forger with table access would make.
    Licence.objects.filter(pk=licence.pk).update(**{column: value})
    result = licence_verify(identifier=licence.identifier)
    assert result.outcome == VerificationOutcome.ALTERED and result.genuine is False
    assert "篡改" in result.message


def test_re_signed_with_another_key_is_not_genuine(world):
    licence = issue(world)
    impostor_private, _ = signing.generate_keypair()
    forged = signing.sign(impostor_private, signing.metadata_message(metadata_of(licence), pdf_sm3=licence.pdf_sm3))
    Licence.objects.filter(pk=licence.pk).update(signature=forged.hex())
    assert licence_verify(identifier=licence.identifier).outcome == VerificationOutcome.ALTERED


def test_re_signed_with_another_agencys_genuine_key_is_not_genuine(world):
    licence = issue(world)  # issued by the police
    other = issuer_key_create(actor=None, agency=world.market)
    forged = signing.sign(bytes.fromhex(other.private_key),
                          signing.metadata_message(metadata_of(licence), pdf_sm3=licence.pdf_sm3))
    Licence.objects.filter(pk=licence.pk).update(signature=forged.hex(), signed_key=other)
    # The signature is mathematically valid for that key, but the key is not the issuer's.
    refreshed = Licence.objects.get(pk=licence.pk)
    assert signing.verify(other.public_key_bytes, signing.metadata_message(metadata_of(refreshed), pdf_sm3=refreshed.pdf_sm3),
                          forged)
    assert licence_verify(identifier=licence.identifier).outcome == VerificationOutcome.ALTERED


def test_a_swapped_file_is_caught_by_its_digest(world):
    licence = issue(world)
    from yiwang.core.crypto import sm3_hex

    licence.pdf.save("swapped.pdf", ContentFile(b"%PDF-1.4 another file"), save=True)
    assert sm3_hex(licence.pdf.open("rb").read()) != licence.pdf_sm3


def test_a_rotated_key_keeps_verifying_what_it_signed(world):
    licence = issue(world)
    old_key = licence.signed_key
    new_key = issuer_key_create(actor=None, agency=world.police)
    assert IssuerKey.objects.get(pk=old_key.pk).status == "retired" and new_key.status == "active"
    assert licence_verify(identifier=licence.identifier).outcome == VerificationOutcome.VALID
    assert issue(world, issued_on=licence.issued_on).signed_key == new_key


def test_private_keys_are_random_and_stored_encrypted(world):
    from django.db import connection

    issue(world)
    issue(world, "LIC-BUSINESS-LICENCE")
    keys = list(IssuerKey.objects.all())
    assert len({k.private_key for k in keys}) == len(keys) == 2
    with connection.cursor() as cursor:
        cursor.execute("SELECT private_key, public_key FROM licences_issuerkey")
        for raw_private, public in cursor.fetchall():
            assert raw_private.startswith("sm4gcm1:") and public not in raw_private
            assert all(k.private_key not in raw_private for k in keys)


def test_two_signatures_of_the_same_message_differ(world):
    # SM2 signing draws a fresh nonce every time (from the OS: ADR 0009); equal signatures would
    # mean a repeated nonce, which gives the private key away.
    private, public = signing.generate_keypair()
    first, second = signing.sign(private, b"same"), signing.sign(private, b"same")
    assert first != second and signing.verify(public, b"same", first) and signing.verify(public, b"same", second)


def test_a_degenerate_signature_is_drawn_again(monkeypatch):
    # gmalglib can return r = 0 / s = 0 instead of retrying (ADR 0009); our wrapper checks.
    real = signing.SM2
    calls = []

    class Flaky:
        get_pk = staticmethod(real.get_pk)

        def __init__(self, sk=None, pk=None):
            self.inner = real(sk=sk) if sk is not None else real(pk=pk)

        def sign(self, message):
            calls.append(message)
            return b"\x00" * 64 if len(calls) == 1 else self.inner.sign(message)

        def verify(self, message, signature):
            return self.inner.verify(message, signature)

    private, public = signing.generate_keypair()
    monkeypatch.setattr(signing, "SM2", Flaky)
    signature = signing.sign(private, b"licence")
    assert len(calls) == 2 and signature != b"\x00" * 64
    monkeypatch.setattr(signing, "SM2", real)
    assert signing.verify(public, b"licence", signature)


def test_no_code_replaces_gmalglibs_random_source():
    # ADR 0009: nonces come from the OS because nobody passes rnd_fn; keep it that way.
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    offenders = [str(p) for p in root.rglob("*.py") if "rnd_fn" in p.read_text(encoding="utf-8") and p.name != "test_signing.py"]
    assert offenders == []
