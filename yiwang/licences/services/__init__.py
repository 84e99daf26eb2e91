"""Licence and profile services (writes). Import from here."""

from yiwang.licences.services.imports import LicenceImportFailed, licences_import
from yiwang.licences.services.issuance import (
    Holder,
    licence_issue,
    licence_issue_for_case,
    licence_new_version,
    metadata_of,
)
from yiwang.licences.services.keys import issuer_key_create, issuer_key_for
from yiwang.licences.services.profiles import (
    profile_ensure,
    profile_for_user,
    profile_record_access,
    profile_sync,
    profile_update,
)
from yiwang.licences.services.states import licence_change_status, licences_expire, licences_revoke_for_case
from yiwang.licences.services.types import licence_types_load
from yiwang.licences.services.verification import licence_show_code, licence_verify, signature_genuine

__all__ = [
    "Holder",
    "LicenceImportFailed",
    "issuer_key_create",
    "issuer_key_for",
    "licence_change_status",
    "licence_issue",
    "licence_issue_for_case",
    "licence_new_version",
    "licence_show_code",
    "licence_types_load",
    "licence_verify",
    "licences_expire",
    "licences_import",
    "licences_revoke_for_case",
    "metadata_of",
    "profile_ensure",
    "profile_for_user",
    "profile_record_access",
    "profile_sync",
    "profile_update",
    "signature_genuine",
]
