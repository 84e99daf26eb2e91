"""Issuing agencies' SM2 keys: one active key per agency, created on first need; retired keys keep
verifying what they signed."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone

from yiwang.core.audit import record_event
from yiwang.core.errors import DomainError
from yiwang.licences import signing
from yiwang.licences.constants import ErrorCode, KeyStatus
from yiwang.licences.models import IssuerKey


def _require_uscc(agency) -> None:
    if not (agency.uscc or "").strip():
        raise DomainError(f"发证机关「{agency.name}」没有统一社会信用代码，不能签发电子证照。请先在组织机构中补充。",
                          code=ErrorCode.NO_ISSUER_CODE)


@transaction.atomic
def issuer_key_create(*, actor, agency) -> IssuerKey:
    """A new key pair for `agency`; its previous active key is retired (rotation)."""
    _require_uscc(agency)
    private_key, public_key = signing.generate_keypair()
    now = timezone.now()
    retired = list(IssuerKey.objects.select_for_update().filter(agency=agency, status=KeyStatus.ACTIVE))
    for old in retired:
        old.status, old.retired_at = KeyStatus.RETIRED, now
        old.save(update_fields=["status", "retired_at", "updated_at"])
    key = IssuerKey.objects.create(agency=agency, key_id=signing.key_id_of(public_key), public_key=public_key.hex(),
                                   private_key=private_key.hex(), status=KeyStatus.ACTIVE)
    record_event(actor=actor, action="licence.issuer_key_created", obj=key,
                 details={"agency": agency.pk, "key_id": key.key_id, "retired": [k.key_id for k in retired]})
    return key


def issuer_key_for(agency, *, actor=None) -> IssuerKey:
    """The agency's active key, created the first time the agency signs."""
    key = IssuerKey.objects.filter(agency=agency, status=KeyStatus.ACTIVE).select_related("agency").first()
    if key is not None:
        return key
    try:
        with transaction.atomic():
            return issuer_key_create(actor=actor or "licences", agency=agency)
    except IntegrityError:  # another process created it at the same moment
        return IssuerKey.objects.select_related("agency").get(agency=agency, status=KeyStatus.ACTIVE)


def private_key_of(key: IssuerKey) -> bytes:
    return bytes.fromhex(key.private_key)
