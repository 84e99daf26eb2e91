"""Pluggable senders for SMS and e-mail. The SMS gateway is outside the project: production points
YIWANG_SMS_BACKEND at an adapter for the city's gateway; development prints to the console; tests
collect messages in memory (the one place a fake is allowed: a third-party system)."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.utils.module_loading import import_string

logger = logging.getLogger("yiwang.notifications")


class ConsoleSmsBackend:
    def send(self, *, phone: str, text: str) -> None:
        logger.warning("SMS to %s: %s", phone[:3] + "****" + phone[-4:], text)


class MemorySmsBackend:
    """Keeps messages in memory; for tests and local runs without a gateway."""

    outbox: list[dict] = []

    def send(self, *, phone: str, text: str) -> None:
        type(self).outbox.append({"phone": phone, "text": text})


class DjangoEmailBackend:
    def send(self, *, address: str, subject: str, text: str) -> None:
        send_mail(subject, text, settings.DEFAULT_FROM_EMAIL, [address])


def sms_backend():
    return import_string(getattr(settings, "YIWANG_SMS_BACKEND", "yiwang.notifications.backends.ConsoleSmsBackend"))()


def email_backend():
    return import_string(getattr(settings, "YIWANG_EMAIL_SENDER", "yiwang.notifications.backends.DjangoEmailBackend"))()
