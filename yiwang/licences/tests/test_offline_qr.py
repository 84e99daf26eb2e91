"""A QR code verified without the server: a separate Python process (isolated mode, no project on
its path) runs scripts/verify_licence_qr.py with only the published keys document and gmalglib."""

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest

from yiwang.licences import offline_verifier
from yiwang.licences.services import licence_show_code
from yiwang.licences.services.issuance import qr_text_for
from yiwang.licences.tests.conftest import issue

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[3]
SCRIPT = ROOT / "scripts" / "verify_licence_qr.py"
PROBE = """
import runpy, sys
sys.argv = ["verify_licence_qr.py", "--keys", sys.argv[1], sys.argv[2]]
try:
    runpy.run_path({script!r}, run_name="__main__")
except SystemExit as exit:
    code = exit.code
loaded = sorted(m for m in sys.modules if m.split(".")[0] in ("django", "yiwang", "ninja"))
print("SERVER-CODE:" + ",".join(loaded))
sys.exit(code)
"""


def _keys_file(client, tmp_path) -> Path:
    response = client.get("/api/v1/licences/keys")
    assert response.status_code == 200
    path = tmp_path / "keys.json"
    path.write_text(json.dumps(response.json(), ensure_ascii=False), encoding="utf-8")
    return path


def _offline(keys: Path, text: str) -> tuple[int, dict, str]:
    run = subprocess.run([sys.executable, "-I", "-c", PROBE.format(script=str(SCRIPT)), str(keys), text],
                         capture_output=True, text=True, timeout=60, cwd="/")
    out, marker = run.stdout.rsplit("SERVER-CODE:", 1)
    return run.returncode, json.loads(out), marker.strip()


def _printed_qr(licence) -> str:
    return qr_text_for(licence, key=licence.signed_key, signature=bytes.fromhex(licence.qr_signature))


def test_the_printed_qr_verifies_offline_with_only_the_published_keys(world, client, tmp_path):
    licence = issue(world)
    keys = _keys_file(client, tmp_path)
    code, result, server_code = _offline(keys, _printed_qr(licence))
    assert server_code == ""  # no Django, no Yiwang module was imported
    assert code == 0 and result["ok"] and result["reason"] == "ok"
    assert result["identifier"] == licence.identifier and result["holder"] == "王*英"
    assert result["licence_name"] == "居民身份证" and result["issuer_name"] == "西安市公安局"


def test_an_edited_qr_fails_offline(world, client, tmp_path):
    licence = issue(world)
    keys = _keys_file(client, tmp_path)
    text = _printed_qr(licence).replace(quote("王*英"), quote("李*四"))
    code, result, _ = _offline(keys, text)
    assert code == 1 and result["reason"] == "bad_signature" and "不真实" in result["message"]


def test_another_agencys_key_cannot_vouch_offline(world, client, tmp_path):
    police = issue(world)
    market = issue(world, "LIC-BUSINESS-LICENCE")
    keys = _keys_file(client, tmp_path)
    # The market key's genuine signature over the police licence's fields, with the market key id.
    from yiwang.licences import signing
    from yiwang.licences.services.issuance import qr_fields_of

    fields = qr_fields_of(police, key_id=market.signed_key.key_id)
    signature = signing.sign(bytes.fromhex(market.signed_key.private_key), offline_verifier.qr_message(**fields))
    text = qr_text_for(police, key=market.signed_key, signature=signature)
    code, result, _ = _offline(keys, text)
    assert code == 1 and result["reason"] == "issuer_mismatch"


def test_an_unpublished_key_is_unknown_offline(world, client, tmp_path):
    keys = _keys_file(client, tmp_path)  # downloaded before the licence's key existed
    licence = issue(world)
    code, result, _ = _offline(keys, _printed_qr(licence))
    assert code == 1 and result["reason"] == "unknown_key"


def test_a_wallet_code_expires_offline_too(world, client, tmp_path):
    licence = issue(world)
    keys_path = _keys_file(client, tmp_path)
    text, expires = licence_show_code(licence=licence)
    keys = json.loads(keys_path.read_text(encoding="utf-8"))
    assert offline_verifier.verify_qr(text, keys)["ok"]
    later = offline_verifier.verify_qr(text, keys, now=expires + dt.timedelta(seconds=1))
    assert not later["ok"] and later["reason"] == "show_expired" and "截图" in later["message"]
    code, result, _ = _offline(keys_path, text)
    assert code == 0 and result["show_expires"]


def test_a_licence_past_its_period_is_flagged_offline(world, client, tmp_path):
    licence = issue(world, "LIC-DRIVING-LICENCE", issued_on=dt.date(2019, 7, 1))
    keys = _keys_file(client, tmp_path)
    code, result, _ = _offline(keys, _printed_qr(licence))
    assert code == 1 and result["reason"] == "period_over" and "2025-06-30" in result["message"]
