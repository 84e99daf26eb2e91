"""Writes over accounts, split by concern (ADR 0006, 0008):

    field_rules    what a valid name, username, password or identifier is; uniqueness
    registration   citizen_register, enterprise_register (+ their *_errors for pages that check first)
    staff          staff_account_create, user_update, user_set_password (+ their *_errors)
    lockout        login_attempt, lockout_state, login_lock_clear, login_attempts_prune
    key_rotation   identifiers_reindex
    self_service   password_change (the signed-in person's own password)
    phone_codes    password_reset_request/_confirm, phone_confirmation_send, phone_confirm,
                   phone_change_request/_confirm/_pending (SMS codes)
    tokens         api_token_create, api_token_revoke, api_token_use

Who may act on which account is accounts.access. Everything public is importable from
`yiwang.accounts.services` as before.
"""

from yiwang.accounts.access import can_manage_user
from yiwang.accounts.services.field_rules import password_errors, username_errors
from yiwang.accounts.services.key_rotation import identifiers_reindex
from yiwang.accounts.services.lockout import (
    LockoutPolicy,
    LockoutState,
    lockout_policy,
    lockout_state,
    login_attempt,
    login_attempts_prune,
    login_identifier_index,
    login_lock_clear,
    logout_record,
)
from yiwang.accounts.services.phone_codes import (
    PHONE_CHANGED_HOOK,
    RESET_SENT_MESSAGE,
    SEND_HOOK,
    password_reset_confirm,
    password_reset_request,
    phone_change_confirm,
    phone_change_pending,
    phone_change_request,
    phone_confirm,
    phone_confirmation_send,
)
from yiwang.accounts.services.registration import (
    citizen_register,
    citizen_registration_errors,
    enterprise_register,
    enterprise_registration_errors,
)
from yiwang.accounts.services.self_service import password_change
from yiwang.accounts.services.staff import (
    USER_UPDATABLE_FIELDS,
    staff_account_create,
    staff_account_errors,
    user_delete,
    user_set_password,
    user_update,
    user_update_errors,
)
from yiwang.accounts.services.tokens import API_TOKEN_PREFIX, api_token_create, api_token_hash, api_token_revoke, api_token_use

__all__ = [
    "API_TOKEN_PREFIX",
    "USER_UPDATABLE_FIELDS",
    "password_change",
    "RESET_SENT_MESSAGE",
    "PHONE_CHANGED_HOOK",
    "SEND_HOOK",
    "password_reset_confirm",
    "password_reset_request",
    "phone_change_confirm",
    "phone_change_pending",
    "phone_change_request",
    "phone_confirm",
    "phone_confirmation_send",
    "LockoutPolicy",
    "LockoutState",
    "api_token_create",
    "api_token_hash",
    "api_token_revoke",
    "api_token_use",
    "can_manage_user",
    "citizen_register",
    "citizen_registration_errors",
    "enterprise_register",
    "enterprise_registration_errors",
    "identifiers_reindex",
    "lockout_policy",
    "lockout_state",
    "login_attempt",
    "login_attempts_prune",
    "login_identifier_index",
    "login_lock_clear",
    "logout_record",
    "password_errors",
    "staff_account_create",
    "staff_account_errors",
    "user_delete",
    "user_set_password",
    "user_update",
    "user_update_errors",
    "username_errors",
]
