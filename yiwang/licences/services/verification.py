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
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone

from yiwang.core.crypto import mask_id_number
from yiwang.licences import offline_verifier, signing
from yiwang.licences.constants import LicenceStatus, VerificationChannel, VerificationOutcome
from yiwang.licences.identifiers import IdentifierInvalid, normalise, parse_identifier
from yiwang.licences.models import IssuerKey, Licence, Verification
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


def _clean_typed(text: str) -> str:
    return "".join(ch for ch in (text or "") if ch.isprintable())[:100]


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


def _details(licence: Licence, status: str) -> dict:
    successor = (Licence.objects.filter(previous=licence).values_list("identifier", flat=True).first()
                 if status == LicenceStatus.SUPERSEDED else None)
    return {
        "licence_name": licence.name, "type_code": licence.licence_type.code, "holder": licence.masked_holder_name,
        "holder_id": mask_id_number(licence.holder_id), "issuer_name": licence.issuer_name,
        "issuer_code": licence.issuer_code, "issued_on": licence.issued_on, "valid_from": licence.valid_from,
        "valid_until": licence.valid_until, "status": status, "status_label": LicenceStatus(status).label,
        "version": licence.version, "key_id": licence.signed_key.key_id if licence.signed_key_id else "",
        "successor": successor or "",
    }


def _message(outcome: str, licence: Licence | None, *, status_date: str = "", reason: str = "", expires: str = "") -> str:
    name = f"「{licence.name}」" if licence else ""
    return {
        VerificationOutcome.VALID: f"该电子证照{name}真实有效：发证机关的电子签名验证通过，内容未被改动，当前在有效期内。",
        VerificationOutcome.EXPIRED: f"该电子证照{name}是真实签发的，但有效期已于 {status_date} 届满，目前不再有效。",
        VerificationOutcome.REVOKED: f"该电子证照{name}是真实签发的，但已被发证机关撤销，不能作为有效证照使用。",
        VerificationOutcome.CANCELLED: f"该电子证照{name}是真实签发的，但已被发证机关注销，不能作为有效证照使用。",
        VerificationOutcome.WITHDRAWN: f"该电子证照{name}是真实签发的，但已被发证机关吊销，不能作为有效证照使用。",
        VerificationOutcome.SUPERSEDED: f"这是电子证照{name}的旧版本，已换发新版本，请以新版本为准。",
        VerificationOutcome.ALTERED: "警告：该证照在平台上的记录与发证机关的电子签名不符，内容可能被篡改。请勿将其作为有效证照，并联系发证机关。",
        VerificationOutcome.NOT_FOUND: "查无此证：平台没有签发过这个标识的电子证照，证照可能是伪造的。请向持证人或发证机关核实。",
        VerificationOutcome.MALFORMED: f"这不是有效的电子证照标识：{reason}如是从证照上抄录或扫描所得，证照可能是伪造的。",
        VerificationOutcome.QR_FORGED: "警告：二维码中的信息与发证机关的电子签名不符，二维码可能是伪造或被改动的。"
                                       "下面是平台记录的真实信息，请与持证人出示的内容比对。",
        VerificationOutcome.TOKEN_EXPIRED: f"这是已过期的亮证码（于 {expires} 过期）。手机上的亮证码只在生成后 {show_seconds() // 60} 分钟内有效，"
                                           "截图不能反复使用。请持证人在“我的证照”中刷新后重新出示。",
    }[outcome]


def licence_verify(*, identifier: str, channel: str = VerificationChannel.PAGE, qr: dict | None = None, verifier=None,
                   verifier_label: str = "", client_ip: str | None = None, now: dt.datetime | None = None) -> VerificationResult:
    """Verify one licence and record the check. `qr` is the parsed QR payload when the check
    came from a scanned code (offline_verifier.parse_qr), so its own signature is checked too."""
    now = now or timezone.now()
    typed = _clean_typed(identifier)
    licence = None
    try:
        parsed = parse_identifier(identifier)
    except IdentifierInvalid as exc:
        result = VerificationResult(VerificationOutcome.MALFORMED, _message(VerificationOutcome.MALFORMED, None, reason=exc.message),
                                    normalise(typed)[:100])
    else:
        text = str(parsed)
        licence = (Licence.objects.select_related("licence_type", "signed_key").filter(identifier=text).first())
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
    Verification.objects.create(licence=licence, identifier=result.identifier[:100], channel=channel, outcome=result.outcome,
                                verifier=user, verifier_label=label, client_ip=client_ip or None, occurred_at=now)
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
