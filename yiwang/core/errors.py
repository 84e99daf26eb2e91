"""One error hierarchy for the whole platform.

Every error a person or a system can cause carries a stable machine `code` (English, snake case,
never changes once published), a Chinese `message` that names what is wrong and how to fix it, and
an optional `detail` (e.g. a list of field errors). The API renders them as
`{"code": ..., "message": ..., "detail": ...}` with `http_status`; pages show `message`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


class DomainError(Exception):
    code = "domain_error"
    http_status = 400

    def __init__(self, message: str, *, code: str | None = None, detail: Any = None, field: str | None = None):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.field = field
        self.detail = detail

    def as_dict(self) -> dict[str, Any]:
        detail = self.detail
        if detail is None and self.field:
            detail = [{"field": self.field, "code": self.code, "message": self.message}]
        return {"code": self.code, "message": self.message, "detail": detail}


@dataclass(frozen=True)
class FieldError:
    """One problem with one input: `field` is the form/data-element name, `message` says the fix."""

    field: str
    code: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"field": self.field, "code": self.code, "message": self.message}


class ValidationFailed(DomainError):
    """Several field errors reported at once (一次性告知: never make people fix one error at a time)."""

    code = "validation_failed"

    def __init__(self, errors: list[FieldError], message: str | None = None):
        self.errors = list(errors)
        text = message or "；".join(f"{e.field}：{e.message}" for e in self.errors) or "输入有误"
        super().__init__(text, detail=[e.as_dict() for e in self.errors])


class NotFound(DomainError):
    """Missing and forbidden look alike to the caller, so existence is not leaked."""

    code = "not_found"
    http_status = 404


class PermissionDenied(DomainError):
    code = "permission_denied"
    http_status = 403


class Conflict(DomainError):
    code = "conflict"
    http_status = 409


class TooManyAttempts(DomainError):
    """Too many failed guesses at something a secret protects; the message says when to retry."""

    code = "too_many_attempts"
    http_status = 429


class InvalidTransition(Conflict):
    code = "invalid_transition"


# A database id as the API accepts it: a positive 64-bit integer (larger values would overflow the
# column and surface as a server error instead of a clear 400).
MAX_DB_ID = 2**63 - 1
