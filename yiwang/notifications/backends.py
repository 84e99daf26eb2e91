"""Senders for SMS and e-mail.

The SMS gateway is outside the project. `YIWANG_SMS_BACKEND` names the adapter (settings read it
from the environment):
- `HttpSmsGateway` — the real shape of a city SMS gateway: an HTTPS POST per message carrying a
  stable message id, so a retry after a crash between "gateway accepted" and "we recorded it" is
  recognised by the gateway and not delivered twice;
- `LogSmsBackend` — writes a masked line to the log and delivers nothing. It exists for the demo
  and development: a message it handles is recorded as *logged*, never as *sent*, and production
  refuses to start with it unless `YIWANG_ALLOW_LOG_SMS=1` says this is a demonstration;
- `MemorySmsBackend` — keeps messages in memory, standing in for the gateway in tests (the one
  place a fake is allowed: a third-party system). It "delivers" as far as the tests can tell.

An adapter has `delivers` (does `send` hand the message to someone who will deliver it?) and
`send(*, message_id, phone, text) -> receipt` raising `SmsRejected` for a permanent refusal (a bad
number: retrying will not help) and any other exception for a temporary failure (retried later).
"""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request

from django.conf import settings
from django.core.mail import send_mail
from django.utils.module_loading import import_string

logger = logging.getLogger("yiwang.notifications")


class SmsRejected(Exception):
    """The gateway refused this message for good (e.g. an invalid number); do not retry."""


def _masked(phone: str) -> str:
    return phone[:3] + "****" + phone[-4:] if len(phone) >= 7 else "****"


class LogSmsBackend:
    """Development and demo only: a masked line in the log, nothing delivered."""

    delivers = False

    def send(self, *, message_id: str, phone: str, text: str) -> str:
        logger.warning("SMS %s to %s not delivered (no gateway configured), %d characters", message_id,
                       _masked(phone), len(text))
        return ""


# The old name, still accepted in YIWANG_SMS_BACKEND.
ConsoleSmsBackend = LogSmsBackend


class MemorySmsBackend:
    """Keeps messages in memory; stands in for the gateway in tests."""

    delivers = True
    outbox: list[dict] = []

    def send(self, *, message_id: str, phone: str, text: str) -> str:
        type(self).outbox.append({"message_id": message_id, "phone": phone, "text": text})
        return message_id


class HttpSmsGateway:
    """POST {"message_id", "phone", "text", "sign"} as JSON to `YIWANG_SMS_URL` with
    `Authorization: Bearer <YIWANG_SMS_API_KEY>`.

    The gateway answers 200/201/202 with {"id": …} when it accepts the message, 409 when it has
    already accepted this message id (a retry: counted as accepted, nothing is sent twice), 4xx
    for a permanent refusal, 5xx or no answer for a temporary failure."""

    delivers = True

    def __init__(self, *, url: str | None = None, api_key: str | None = None, timeout: float | None = None):
        self.url = url or settings.YIWANG_SMS_URL
        self.api_key = api_key if api_key is not None else settings.YIWANG_SMS_API_KEY
        self.timeout = timeout or settings.YIWANG_SMS_TIMEOUT
        if not self.url:
            raise ValueError("YIWANG_SMS_URL is not set")

    def send(self, *, message_id: str, phone: str, text: str) -> str:
        body = json.dumps({"message_id": message_id, "phone": phone, "text": text,
                           "sign": settings.YIWANG_SMS_SIGN}, ensure_ascii=False).encode("utf-8")
        request = urllib.request.Request(  # noqa: S310 (the URL is the operator's gateway setting)
            self.url, data=body, method="POST",
            headers={"Content-Type": "application/json; charset=utf-8", "Authorization": f"Bearer {self.api_key}",
                     "Idempotency-Key": message_id})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                payload = json.loads(response.read() or b"{}")
                return str(payload.get("id", message_id))
        except urllib.error.HTTPError as exc:
            if exc.code == 409:
                return message_id  # already accepted under this id: the retry after a crash
            if 400 <= exc.code < 500 and exc.code != 429:
                raise SmsRejected(f"gateway refused the message ({exc.code})") from exc
            raise


class DjangoEmailBackend:
    delivers = True

    def send(self, *, address: str, subject: str, text: str) -> None:
        send_mail(subject, text, settings.DEFAULT_FROM_EMAIL, [address])


def sms_backend():
    return import_string(settings.YIWANG_SMS_BACKEND)()


def email_backend():
    return import_string(getattr(settings, "YIWANG_EMAIL_SENDER", "yiwang.notifications.backends.DjangoEmailBackend"))()


def is_log_only(dotted_path: str) -> bool:
    """True when the configured SMS backend delivers nothing (for the production start-up check)."""
    try:
        return not getattr(import_string(dotted_path), "delivers", False)
    except ImportError:
        return False
