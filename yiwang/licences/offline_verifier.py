"""Offline verification of an e-licence QR code — standalone on purpose.

This module imports nothing but the Python standard library and `gmalglib` (SM2/SM3 in C). A bank,
a landlord or a police officer can copy this one file, download the published issuer keys once
(`GET /api/v1/licences/keys`, or the page `/licences/keys/`) and check a licence's QR code with no
network and no Yiwang server. The platform signs with the same functions (`qr_message`, `qr_text`),
so the signer and every verifier agree on the bytes by construction. The format is documented in
docs/licences.md ("QR format").

What an offline check proves: the identifier is well formed (GB/T 36904 with its ISO/IEC 7064
MOD 37,36 check character); the essential fields in the QR were signed by the issuing agency's
published key; the printed validity period and (for a phone's 亮证码) the display window have not
run out. What it cannot know: a later revocation, cancellation or withdrawal. Verify online for that.

Usage as a script: see scripts/verify_licence_qr.py.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import re
from urllib.parse import parse_qs, urlsplit

QR_FORMAT_VERSION = "1"
QR_DOMAIN = b"YWLQR1\n"  # domain separation: a QR signature can never pass for a metadata signature
IDENTIFIER_PREFIX = "1.2.156.3005.2"
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_PART = re.compile(r"^[0-9A-Z]+$")


# --- GB/T 36904 identifiers ---------------------------------------------------------------------


def mod_37_36_check_character(body: str) -> str:
    """ISO/IEC 7064 MOD 37,36 (hybrid system, M = 36) over 0-9A-Z: the character that makes the
    whole string's running product come out as 1. Written out here (not imported) so the offline
    verifier needs nothing else; the server uses python-stdnum and the tests check both agree."""
    m = len(ALPHABET)
    p = m
    for ch in body:
        s = (p + ALPHABET.index(ch)) % m or m
        p = (2 * s) % (m + 1)
    return ALPHABET[(m + 1 - p) % m]


def split_identifier(identifier: str) -> dict | None:
    """The parts of `1.2.156.3005.2.<type 21>.<issuer 18>.<serial>.<version 3>.<check>`, or None
    when the text is not such an identifier or its check character is wrong."""
    text = (identifier or "").strip().upper()
    if len(text) > 100 or not text.startswith(IDENTIFIER_PREFIX + "."):
        return None
    parts = text[len(IDENTIFIER_PREFIX) + 1:].split(".")
    if len(parts) != 5:
        return None
    type_code, issuer_code, serial, version, check = parts
    if (len(type_code) != 21 or len(issuer_code) != 18 or not 1 <= len(serial) <= 30 or len(version) != 3
            or not version.isdigit() or len(check) != 1
            or not all(_PART.match(p) for p in (type_code, issuer_code, serial, check))):
        return None
    if mod_37_36_check_character(type_code + issuer_code + serial + version) != check:
        return None
    return {"identifier": text, "type_code": type_code, "issuer_code": issuer_code, "serial": serial,
            "version": version, "check": check}


# --- The QR payload -----------------------------------------------------------------------------


def qr_message(*, identifier: str, key_id: str, holder: str, holder_id: str, valid_from: str, valid_until: str,
               show_expires: str) -> bytes:
    """The exact bytes an issuer signs for a QR code: a JSON array (no spaces, UTF-8) of the
    identifier, the key id, the masked holder name and id, the validity dates (YYYY-MM-DD, "" for
    long term) and the display expiry (Unix seconds, "" on a printed licence)."""
    fields = [identifier, key_id, holder, holder_id, valid_from, valid_until, show_expires]
    return QR_DOMAIN + json.dumps(fields, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def decode_signature(text: str) -> bytes | None:
    """The signature bytes of the `s` parameter (base64url without padding), None if not such."""
    try:
        return _unb64(text or "")
    except (ValueError, TypeError):
        return None


def qr_text(*, base_url: str, identifier: str, key_id: str, holder: str, holder_id: str, valid_from: str,
            valid_until: str, show_expires: str, signature: bytes) -> str:
    """The text of the QR code: a link to the public verification page, so any phone camera opens
    it, carrying the signed fields as query parameters for offline checking."""
    from urllib.parse import quote, urlencode

    query = urlencode({"v": QR_FORMAT_VERSION, "k": key_id, "h": holder, "i": holder_id, "f": valid_from,
                       "u": valid_until, "e": show_expires, "s": _b64(signature)}, quote_via=quote)
    return f"{base_url.rstrip('/')}/verify/{identifier}?{query}"


def parse_qr(text: str) -> dict | None:
    """The fields of a QR code's text, or None when it is not one of ours."""
    try:
        parts = urlsplit((text or "").strip())
    except ValueError:
        return None
    match = re.search(r"/verify/([^/?#]+)$", parts.path)
    if not match:
        return None
    query = parse_qs(parts.query, keep_blank_values=True)

    def one(key: str) -> str:
        values = query.get(key) or [""]
        return values[0]

    if one("v") != QR_FORMAT_VERSION:
        return None
    try:
        signature = _unb64(one("s"))
    except (ValueError, TypeError):
        return None
    return {"identifier": match.group(1).upper(), "key_id": one("k"), "holder": one("h"), "holder_id": one("i"),
            "valid_from": one("f"), "valid_until": one("u"), "show_expires": one("e"), "signature": signature}


def _verify_sm2(public_key_hex: str, message: bytes, signature: bytes) -> bool:
    from gmalglib.sm2 import SM2

    try:
        return bool(SM2(pk=bytes.fromhex(public_key_hex)).verify(message, signature))
    except (ValueError, OverflowError):
        return False


def verify_qr(text: str, keys: dict, *, now: dt.datetime | None = None) -> dict:
    """Check a QR code against the published keys document (the JSON of /api/v1/licences/keys).

    Returns {"ok": bool, "reason": code, "message": 中文说明, ...fields}. Reasons: ok, malformed,
    unknown_key, issuer_mismatch, bad_signature, show_expired, period_over.
    """
    now = now or dt.datetime.now(dt.UTC)
    fields = parse_qr(text)
    if fields is None:
        return {"ok": False, "reason": "malformed", "message": "不是本平台电子证照的二维码，或二维码内容不完整。"}
    parts = split_identifier(fields["identifier"])
    if parts is None:
        return {"ok": False, "reason": "malformed", "message": "二维码中的证照标识格式或校验位错误，证照不真实。", **_public(fields)}
    key = next((k for k in keys.get("keys", []) if k.get("key_id") == fields["key_id"]), None)
    if key is None:
        return {"ok": False, "reason": "unknown_key",
                "message": "签名所用的密钥不在已公布的发证机关密钥中：证照不真实，或密钥清单需要更新。", **_public(fields)}
    if key.get("issuer_code") != parts["issuer_code"]:
        # A genuine key of agency A cannot vouch for a licence that names agency B as its issuer.
        return {"ok": False, "reason": "issuer_mismatch",
                "message": f"签名密钥属于{key.get('issuer_name', '其他机关')}，与证照标识中的发证机关不符：证照不真实。", **_public(fields)}
    message = qr_message(identifier=parts["identifier"], key_id=fields["key_id"], holder=fields["holder"],
                         holder_id=fields["holder_id"], valid_from=fields["valid_from"],
                         valid_until=fields["valid_until"], show_expires=fields["show_expires"])
    if not _verify_sm2(key["public_key"], message, fields["signature"]):
        return {"ok": False, "reason": "bad_signature",
                "message": "签名验证失败：二维码内容被改动或伪造，证照不真实。", **_public(fields)}
    names = {t.get("type_code"): t.get("name") for t in keys.get("licence_types", [])}
    result = {**_public(fields), "licence_name": names.get(parts["type_code"], ""), "issuer_name": key.get("issuer_name", "")}
    if fields["show_expires"]:
        try:
            expires = dt.datetime.fromtimestamp(int(fields["show_expires"]), tz=dt.UTC)
        except (ValueError, OverflowError, OSError):
            return {"ok": False, "reason": "malformed", "message": "亮证码的有效时间无法识别。", **result}
        if now >= expires:
            return {"ok": False, "reason": "show_expired", **result,
                    "message": "签名真实，但这是已过期的亮证码（亮证码只在生成后几分钟内有效，截图不能反复使用）。请持证人刷新后重新出示。"}
    if fields["valid_until"]:
        try:
            until = dt.date.fromisoformat(fields["valid_until"])
        except ValueError:
            return {"ok": False, "reason": "malformed", "message": "有效期截止日期无法识别。", **result}
        if now.astimezone(dt.timezone(dt.timedelta(hours=8))).date() > until:
            return {"ok": False, "reason": "period_over", **result,
                    "message": f"签名真实，但证照有效期已于 {until.isoformat()} 届满。"}
    return {"ok": True, "reason": "ok", **result,
            "message": "签名真实：二维码中的信息由发证机关签发，未被改动。离线核验无法得知证照此后是否被撤销、注销或吊销，如需确认请联网核验。"}


def _public(fields: dict) -> dict:
    return {k: fields[k] for k in ("identifier", "key_id", "holder", "holder_id", "valid_from", "valid_until", "show_expires")}
