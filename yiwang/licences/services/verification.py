"""Public verification (核验) and showing (亮证).

Anyone may verify, without logging in: genuine (the issuer's SM2 signature over the stored
metadata and PDF digest), current (status and validity period today), who holds it (masked) and
who issued it. Every check is recorded — who (account or self-declared organisation, address),
when, which licence, on which channel — and the holder sees the list.

Showing on a phone: the wallet renders a QR whose payload carries a display expiry (default 5
minutes, YIWANG_LICENCE_SHOW_SECONDS) signed with the issuer's key, so a screenshot stops working
minutes later and even an offline verifier can tell.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from functools import lru_cache

from django.conf import settings
from django.db import connection
from django.utils import timezone

from yiwang.core.crypto import mask_id_number
from yiwang.licences import offline_verifier, signing
from yiwang.licences.constants import LicenceStatus, VerificationChannel, VerificationOutcome
from yiwang.licences.identifiers import IdentifierInvalid, normalise, parse_identifier
from yiwang.licences.models import IssuerKey, Licence, LicenceType, Verification
from yiwang.licences.services.issuance import metadata_of, qr_fields_of, qr_text_for
from yiwang.licences.services.keys import issuer_key_for, private_key_of

DEFAULT_SHOW_SECONDS = 300

_STATUS_OUTCOME = {
    LicenceStatus.VALID: VerificationOutcome.VALID,
    LicenceStatus.EXPIRED: VerificationOutcome.EXPIRED,
    LicenceStatus.REVOKED: VerificationOutcome.REVOKED,
    LicenceStatus.CANCELLED: VerificationOutcome.CANCELLED,
    LicenceStatus.WITHDRAWN: VerificationOutcome.WITHDRAWN,
    LicenceStatus.SUPERSEDED: VerificationOutcome.SUPERSEDED,
}


def show_seconds() -> int:
    return int(getattr(settings, "YIWANG_LICENCE_SHOW_SECONDS", DEFAULT_SHOW_SECONDS))


@dataclass
class VerificationResult:
    outcome: str
    message: str
    identifier: str
    genuine: bool | None = None  # None: there was nothing to check a signature on
    current: bool = False
    licence: Licence | None = None
    details: dict = field(default_factory=dict)  # what may be shown to anyone: masked holder, issuer, dates
    checked_at: dt.datetime | None = None

    @property
    def outcome_label(self) -> str:
        return VerificationOutcome(self.outcome).label

    def as_dict(self) -> dict:
        return {"outcome": self.outcome, "outcome_label": self.outcome_label, "message": self.message,
                "identifier": self.identifier, "genuine": self.genuine, "current": self.current,
                "checked_at": self.checked_at, **self.details}

    def as_json(self) -> str:
        """The API's answer (VerifyOut), dates in ISO 8601."""
        body = self.as_dict()
        for key, value in body.items():
            if isinstance(value, dt.date):
                body[key] = value.isoformat()
        return json.dumps(body, ensure_ascii=False, separators=(",", ":"))


def _clean_typed(text: str) -> str:
    text = text or ""
    if text.isprintable():
        return text[:100]
    return "".join(ch for ch in text if ch.isprintable())[:100]


def signature_genuine(licence: Licence) -> bool:
    """The licence signature verifies with the key it names, and that key is the issuer's."""
    key = licence.signed_key
    if key is None or key.agency_id != licence.issuer_id:
        return False
    try:
        signature = bytes.fromhex(licence.signature)
    except ValueError:
        return False
    message = signing.metadata_message(metadata_of(licence), pdf_sm3=licence.pdf_sm3)
    return signing.verify(key.public_key_bytes, message, signature)


def _qr_problem(licence: Licence, qr: dict, now: dt.datetime) -> str | None:
    """None if the QR payload is the issuer's signature over this licence's fields; else an outcome."""
    key = IssuerKey.objects.filter(key_id=str(qr.get("key_id", ""))[:16], agency_id=licence.issuer_id).first()
    if key is None:
        return VerificationOutcome.QR_FORGED
    expected = qr_fields_of(licence, key_id=key.key_id, show_expires=str(qr.get("show_expires", ""))[:12])
    given = {k: str(qr.get(k, ""))[:200] for k in ("holder", "holder_id", "valid_from", "valid_until")}
    if any(given[k] != expected[k] for k in given):
        return VerificationOutcome.QR_FORGED
    signature = qr.get("signature") or b""
    if not isinstance(signature, bytes | bytearray) or not signing.verify(
            key.public_key_bytes, offline_verifier.qr_message(**expected), bytes(signature)):
        return VerificationOutcome.QR_FORGED
    if expected["show_expires"]:
        try:
            expires = int(expected["show_expires"])
        except ValueError:
            return VerificationOutcome.QR_FORGED
        if now.timestamp() >= expires:
            return VerificationOutcome.TOKEN_EXPIRED
    return None


def _public_fields(licence: Licence) -> dict:
    """What anyone may be shown of a licence (holder masked), apart from its state."""
    return {
        "licence_name": licence.name, "type_code": licence.licence_type.code, "holder": licence.masked_holder_name,
        "holder_id": mask_id_number(licence.holder_id), "issuer_name": licence.issuer_name,
        "issuer_code": licence.issuer_code, "issued_on": licence.issued_on, "valid_from": licence.valid_from,
        "valid_until": licence.valid_until, "version": licence.version,
        "key_id": licence.signed_key.key_id if licence.signed_key_id else "",
    }


def _with_state(fields: dict, *, licence_id: int, status: str) -> dict:
    successor = (Licence.objects.filter(previous_id=licence_id).values_list("identifier", flat=True).first()
                 if status == LicenceStatus.SUPERSEDED else None)
    return {**fields, "status": status, "status_label": LicenceStatus(status).label, "successor": successor or ""}


def _details(licence: Licence, status: str) -> dict:
    return _with_state(_public_fields(licence), licence_id=licence.pk, status=status)


_MESSAGES = {
    VerificationOutcome.VALID: "该电子证照{name}真实有效：发证机关的电子签名验证通过，内容未被改动，当前在有效期内。",
    VerificationOutcome.EXPIRED: "该电子证照{name}是真实签发的，但有效期已于 {status_date} 届满，目前不再有效。",
    VerificationOutcome.REVOKED: "该电子证照{name}是真实签发的，但已被发证机关撤销，不能作为有效证照使用。",
    VerificationOutcome.CANCELLED: "该电子证照{name}是真实签发的，但已被发证机关注销，不能作为有效证照使用。",
    VerificationOutcome.WITHDRAWN: "该电子证照{name}是真实签发的，但已被发证机关吊销，不能作为有效证照使用。",
    VerificationOutcome.SUPERSEDED: "这是电子证照{name}的旧版本，已换发新版本，请以新版本为准。",
    VerificationOutcome.ALTERED: "警告：该证照在平台上的记录与发证机关的电子签名不符，内容可能被篡改。请勿将其作为有效证照，并联系发证机关。",
    VerificationOutcome.NOT_FOUND: "查无此证：平台没有签发过这个标识的电子证照，证照可能是伪造的。请向持证人或发证机关核实。",
    VerificationOutcome.MALFORMED: "这不是有效的电子证照标识：{reason}如是从证照上抄录或扫描所得，证照可能是伪造的。",
    VerificationOutcome.QR_FORGED: "警告：二维码中的信息与发证机关的电子签名不符，二维码可能是伪造或被改动的。"
                                   "下面是平台记录的真实信息，请与持证人出示的内容比对。",
    VerificationOutcome.TOKEN_EXPIRED: "这是已过期的亮证码（于 {expires} 过期）。手机上的亮证码只在生成后 {minutes} 分钟内有效，"
                                       "截图不能反复使用。请持证人在“我的证照”中刷新后重新出示。",
}


def _message(outcome: str, licence: Licence | None, *, status_date: str = "", reason: str = "", expires: str = "") -> str:
    return _MESSAGES[outcome].format(name=f"「{licence.name}」" if licence else "", status_date=status_date, reason=reason,
                                     expires=expires, minutes=show_seconds() // 60)


# The public verification is the platform's busiest read (banks, landlords, police: benchmarks/verify.py).
# Its two statements are written out once instead of being compiled by the ORM on every request:
# the licence with its type code and signing key in one join, and the record of the check.
_L, _T, _K, _V = (m._meta.db_table for m in (Licence, LicenceType, IssuerKey, Verification))
# What a verification reads: the signed metadata, state and validity, the issuer and the key. The
# other columns (file, history, source …) stay deferred and load only if something asks for them.
_UNREAD = ("created_at", "updated_at", "pdf", "status_reason", "source", "source_case_id", "previous_id", "signed_at",
           "qr_signature", "number_index", "holder_id_index", "serial")
_LICENCE_FIELDS = [f for f in Licence._meta.concrete_fields if f.attname not in _UNREAD]
# Names come from the models' metadata, never from input; every value is a parameter.
_LOOKUP_SQL = ("SELECT " + ", ".join(f"l.{f.column}" for f in _LICENCE_FIELDS)  # noqa: S608
               + f", t.code AS _type_code, k.agency_id AS _key_agency, k.key_id AS _key_id, k.public_key AS _key_public, "
               f"k.status AS _key_status FROM {_L} l "
               f"JOIN {_T} t ON t.id = l.licence_type_id JOIN {_K} k ON k.id = l.signed_key_id WHERE l.identifier = %s")
_RECORD_COLUMNS = "licence_id, identifier, channel, outcome, verifier_id, verifier_label, client_ip, occurred_at"
_RECORD_SQL = f"INSERT INTO {_V} ({_RECORD_COLUMNS}) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)"  # noqa: S608
# One statement, its own transaction, committed without waiting for the WAL flush (see _record).
_RECORD_ASYNC_SQL = (f"WITH _async AS (SELECT set_config('synchronous_commit', 'off', true)) "  # noqa: S608
                     f"INSERT INTO {_V} ({_RECORD_COLUMNS}) SELECT %s, %s, %s, %s, %s, %s, %s, %s FROM _async")


def _execute(cursor, sql: str, params: list) -> None:
    """Execute one of this module's fixed statements as a prepared statement on PostgreSQL.

    Django sets psycopg's `prepare_threshold` to None unless OPTIONS name one, which disables
    prepared statements on the connection, so every execution is planned again; for the
    lookup-and-record statement planning costs five times its execution (0.46 ms of database
    CPU against 0.09 ms prepared, measured). Enabling preparation for just these statements keeps
    the rest of the platform as it is. Only with server-side binding (a transaction-mode pooler
    rules both out, see config/settings/base.py)."""
    raw = connection.connection
    if (connection.vendor != "postgresql" or raw is None
            or connection.settings_dict.get("OPTIONS", {}).get("server_side_binding") is not True):
        cursor.execute(sql, params)
        return
    previous = raw.prepare_threshold
    raw.prepare_threshold = 0
    try:
        cursor.execute(sql, params)
    finally:
        raw.prepare_threshold = previous


_LICENCE_ATTNAMES = [f.attname for f in _LICENCE_FIELDS]
_converters: dict[str, list] = {}


# PostgreSQL, outside a larger transaction, no QR payload to check (the common case: an identifier
# typed or sent by a system): the lookup and the record are ONE statement. The record is written
# with the outcome the stored state gives (status, or expired by date); the signature is then
# checked in Python and, in the rare case it fails, the record is corrected to "altered" by a
# second statement. One round trip and one statement less for every genuine check.
_LOOKUP_AND_RECORD_SQL = (
    "WITH found AS (" + _LOOKUP_SQL.replace("SELECT ", "SELECT l.id AS _licence_pk, ", 1) + "), "  # noqa: S608
    "_async AS (SELECT set_config('synchronous_commit', 'off', true)), "
    f"recorded AS (INSERT INTO {_V} ({_RECORD_COLUMNS}) SELECT found._licence_pk, %s, %s, "
    "CASE WHEN found.status = 'valid' AND found.valid_until < %s THEN 'expired' ELSE found.status END, "
    "%s, %s, %s, %s FROM found, _async RETURNING id) "
    "SELECT found.*, (SELECT id FROM recorded) FROM found")
_CORRECT_SQL = (f"WITH _async AS (SELECT set_config('synchronous_commit', 'off', true)) "  # noqa: S608
                f"UPDATE {_V} SET outcome = %s FROM _async WHERE {_V}.id = %s")


def _converters_for(vendor: str) -> list:
    """Per column: None, or the function turning the database value into the model's value (the
    SM4 columns are decrypted; SQLite hands dates over as text, PostgreSQL as dates)."""
    if vendor not in _converters:
        from django.db import models

        def decrypt(field):
            return lambda value: field.from_db_value(value, None, connection)

        _converters[vendor] = [
            decrypt(f) if hasattr(f, "from_db_value")
            else f.to_python if vendor != "postgresql" and isinstance(f, models.DateField | models.DateTimeField)
            else None
            for f in _LICENCE_FIELDS]
    return _converters[vendor]


def licence_for_verification(identifier: str) -> Licence | None:
    """The licence with its type (code) and signing key loaded, in one statement."""
    with connection.cursor() as cursor:
        _execute(cursor, _LOOKUP_SQL, [identifier])
        row = cursor.fetchone()
    return None if row is None else _licence_from_row(row)


def _licence_from_row(row) -> Licence:
    n = len(_LICENCE_FIELDS)
    db = connection.alias
    values = [v if convert is None or v is None else convert(v)
              for convert, v in zip(_converters_for(connection.vendor), row[:n], strict=True)]
    licence = Licence.from_db(db, _LICENCE_ATTNAMES, values)
    type_code, agency_id, key_id, public_key, key_status = row[n:n + 5]
    licence.licence_type = LicenceType.from_db(db, ["id", "code"], [licence.licence_type_id, type_code])
    # from_db takes the values in the model's field order.
    licence.signed_key = IssuerKey.from_db(db, ["id", "agency_id", "key_id", "public_key", "status"],
                                           [licence.signed_key_id, agency_id, key_id, public_key, key_status])
    return licence


def _record(*, licence_id, identifier: str, channel: str, outcome: str, verifier_id, label: str, client_ip, now) -> None:
    """Write the record of one check. On PostgreSQL, outside any larger transaction, it commits
    without waiting for the WAL flush (synchronous_commit off for this one statement's
    transaction): the answer is already computed and the row is a log entry, and waiting for
    the disk was what bounded throughput (ADR 0010). A crash of the database server may lose the
    records of the last fraction of a second (≤ 3 × wal_writer_delay); it never corrupts
    anything, and every other write of the platform keeps synchronous commit."""
    ops = connection.ops
    params = [licence_id, identifier, channel, outcome, verifier_id, label,
              ops.adapt_ipaddressfield_value(client_ip or None), ops.adapt_datetimefield_value(now)]
    asynchronous = connection.vendor == "postgresql" and not connection.in_atomic_block
    with connection.cursor() as cursor:
        _execute(cursor, _RECORD_ASYNC_SQL if asynchronous else _RECORD_SQL, params)


def licence_verify(*, identifier: str, channel: str = VerificationChannel.PAGE, qr: dict | None = None, verifier=None,
                   verifier_label: str = "", client_ip: str | None = None, now: dt.datetime | None = None) -> VerificationResult:
    """Verify one licence and record the check. `qr` is the parsed QR payload when the check
    came from a scanned code (offline_verifier.parse_qr), so its own signature is checked too."""
    now = now or timezone.now()
    typed = _clean_typed(identifier)
    licence = None
    text = normalise(typed)[:100]
    try:
        parse_identifier(text)  # the normalised text is then the identifier as issued
    except IdentifierInvalid as exc:
        result = VerificationResult(VerificationOutcome.MALFORMED, _message(VerificationOutcome.MALFORMED, None, reason=exc.message),
                                    text)
    else:
        user = verifier if getattr(verifier, "is_authenticated", False) else None
        if qr is None and connection.vendor == "postgresql" and not connection.in_atomic_block:
            result = _verify_in_one_statement(text, channel=channel, verifier_id=user.pk if user else None,
                                              label=_clean_typed(verifier_label)[:100].strip(), client_ip=client_ip, now=now)
            if result is not None:
                return result
            # Not found: nothing was recorded by the statement; recorded below.
        else:
            licence = licence_for_verification(text)
        if licence is None:
            result = VerificationResult(VerificationOutcome.NOT_FOUND, _message(VerificationOutcome.NOT_FOUND, None), text,
                                        genuine=False)
        elif not signature_genuine(licence):
            result = VerificationResult(VerificationOutcome.ALTERED, _message(VerificationOutcome.ALTERED, licence), text,
                                        genuine=False, licence=licence)
        else:
            result = _genuine_result(licence, text, qr=qr, now=now)
    result.checked_at = now
    user = verifier if getattr(verifier, "is_authenticated", False) else None
    label = _clean_typed(verifier_label)[:100].strip()
    _record(licence_id=licence.pk if licence else None, identifier=result.identifier[:100], channel=channel,
            outcome=result.outcome, verifier_id=user.pk if user else None, label=label, client_ip=client_ip, now=now)
    return result


@dataclass(frozen=True)
class _CheckedRow:
    """What one stored version of a licence row says, once its signature has been checked: the
    signature's verdict and the public (masked) fields — never a decrypted identifier."""

    licence_id: int
    genuine: bool
    name: str
    status: str
    valid_until: dt.date | None
    fields: tuple  # sorted items of _public_fields()


@lru_cache(maxsize=2048)
def _check_row(row: tuple) -> _CheckedRow:
    """The verdict on a licence row as read (decrypt, rebuild the signed metadata, verify SM2).
    A pure function of the row's stored bytes and the key they name, so it is memoised per
    process: a re-read of the same row needs none of it again, and any changed column, state or
    key is a different row and is checked afresh."""
    licence = _licence_from_row(row)
    return _CheckedRow(licence.pk, signature_genuine(licence), licence.name, licence.status, licence.valid_until,
                       tuple(sorted(_public_fields(licence).items())))


def _verify_in_one_statement(text: str, *, channel: str, verifier_id, label: str, client_ip, now) -> VerificationResult | None:
    """Lookup and record in one statement (PostgreSQL); None when there is no such licence."""
    ops = connection.ops
    today = timezone.localtime(now).date()
    with connection.cursor() as cursor:
        _execute(cursor, _LOOKUP_AND_RECORD_SQL, [text, text, channel, today, verifier_id, label,
                                                 ops.adapt_ipaddressfield_value(client_ip or None),
                                                 ops.adapt_datetimefield_value(now)])
        row = cursor.fetchone()
    if row is None:
        return None
    checked = _check_row(tuple(row[1:-1]))
    record_id = row[-1]
    status = checked.status
    if status == LicenceStatus.VALID and checked.valid_until and checked.valid_until < today:
        status = LicenceStatus.EXPIRED
    provisional = _STATUS_OUTCOME[LicenceStatus(status)]
    name = f"「{checked.name}」"
    if not checked.genuine:
        result = VerificationResult(VerificationOutcome.ALTERED, _MESSAGES[VerificationOutcome.ALTERED], text, genuine=False)
        with connection.cursor() as cursor:  # the statement recorded what the state said; correct it
            _execute(cursor, _CORRECT_SQL, [result.outcome, record_id])
    else:
        until = checked.valid_until.isoformat() if checked.valid_until else ""
        result = VerificationResult(provisional, _MESSAGES[provisional].format(name=name, status_date=until), text,
                                    genuine=True, current=provisional == VerificationOutcome.VALID,
                                    details=_with_state(dict(checked.fields), licence_id=checked.licence_id, status=status))
    result.checked_at = now
    return result


def _genuine_result(licence: Licence, text: str, *, qr: dict | None, now: dt.datetime) -> VerificationResult:
    status = licence.status
    today = timezone.localtime(now).date()
    if status == LicenceStatus.VALID and licence.valid_until and licence.valid_until < today:
        status = LicenceStatus.EXPIRED  # the nightly expiry has not run yet: the date decides
    if qr is not None:
        problem = _qr_problem(licence, qr, now)
        if problem == VerificationOutcome.TOKEN_EXPIRED:
            expires = timezone.localtime(dt.datetime.fromtimestamp(int(qr["show_expires"]), tz=dt.UTC))
            return VerificationResult(problem, _message(problem, licence, expires=f"{expires:%H:%M:%S}"), text, genuine=True,
                                      licence=licence, details={"licence_name": licence.name, "issuer_name": licence.issuer_name})
        if problem:
            return VerificationResult(problem, _message(problem, licence), text, genuine=False, licence=licence,
                                      details=_details(licence, status))
    outcome = _STATUS_OUTCOME[LicenceStatus(status)]
    until = licence.valid_until.isoformat() if licence.valid_until else ""
    return VerificationResult(outcome, _message(outcome, licence, status_date=until), text, genuine=True,
                              current=outcome == VerificationOutcome.VALID, licence=licence, details=_details(licence, status))


def licence_show_code(*, licence: Licence, now: dt.datetime | None = None) -> tuple[str, dt.datetime]:
    """The QR text of a 亮证码 and when it stops working. The caller checked the holder (access)."""
    now = now or timezone.now()
    expires = int(now.timestamp()) + show_seconds()
    key = licence.signed_key if licence.signed_key.status == "active" else issuer_key_for(licence.issuer)
    fields = qr_fields_of(licence, key_id=key.key_id, show_expires=str(expires))
    signature = signing.sign(private_key_of(key), offline_verifier.qr_message(**fields))
    return (qr_text_for(licence, key=key, signature=signature, show_expires=str(expires)),
            dt.datetime.fromtimestamp(expires, tz=dt.UTC))


def channel_for_qr(qr: dict | None) -> str:
    if qr is None:
        return VerificationChannel.PAGE
    return VerificationChannel.WALLET if qr.get("show_expires") else VerificationChannel.QR
