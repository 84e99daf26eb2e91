"""The production settings refuse what would make the deployment insecure or silently broken:
public development keys, shared keys, and messaging that delivers nothing."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
GOOD = {
    "DJANGO_SECRET_KEY": "x" * 50,
    "YIWANG_FIELD_KEY": "1f2e3d4c5b6a79880123456789abcdef",
    "YIWANG_BLIND_INDEX_KEY": "2f2e3d4c5b6a79880123456789abcdef",
    "YIWANG_AUDIT_KEY": "3f2e3d4c5b6a79880123456789abcdef",
    "DJANGO_ALLOWED_HOSTS": "yiwang.example",
    "YIWANG_SMS_BACKEND": "yiwang.notifications.backends.HttpSmsGateway",
    "YIWANG_SMS_URL": "https://sms.example/send",
    "YIWANG_SMS_API_KEY": "k",
    "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
}


def _load(**changes):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("YIWANG_", "DJANGO_", "EMAIL_"))}
    env.update({k: v for k, v in {**GOOD, **changes}.items() if v is not None})
    code = "import config.settings.production as p; print('loaded', p.YIWANG_SMS_BACKEND)"
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)


def test_production_starts_with_real_keys_and_a_gateway():
    result = _load()
    assert result.returncode == 0, result.stderr
    assert "loaded yiwang.notifications.backends.HttpSmsGateway" in result.stdout


@pytest.mark.parametrize("name", ["YIWANG_FIELD_KEY", "YIWANG_BLIND_INDEX_KEY", "YIWANG_AUDIT_KEY"])
def test_the_public_development_keys_are_refused(name):
    from django.conf import settings

    dev_value = {"YIWANG_FIELD_KEY": "00112233445566778899aabbccddeeff",
                 "YIWANG_BLIND_INDEX_KEY": "ffeeddccbbaa99887766554433221100",
                 "YIWANG_AUDIT_KEY": "0f1e2d3c4b5a69788796a5b4c3d2e1f0"}[name]
    assert dev_value in settings.DEVELOPMENT_KEYS
    result = _load(**{name: dev_value})
    assert result.returncode != 0 and f"{name} is the public development key" in result.stderr


def test_one_key_for_two_purposes_is_refused():
    result = _load(YIWANG_AUDIT_KEY=GOOD["YIWANG_FIELD_KEY"])
    assert result.returncode != 0 and "three different keys" in result.stderr


def test_a_missing_audit_key_is_refused():
    result = _load(YIWANG_AUDIT_KEY=None)
    assert result.returncode != 0 and "YIWANG_AUDIT_KEY" in result.stderr


def test_the_log_only_sms_backend_is_refused_unless_declared_a_demo():
    refused = _load(YIWANG_SMS_BACKEND="yiwang.notifications.backends.LogSmsBackend")
    assert refused.returncode != 0 and "deliver nothing" in refused.stderr
    allowed = _load(YIWANG_SMS_BACKEND="yiwang.notifications.backends.LogSmsBackend", YIWANG_ALLOW_LOG_SMS="1")
    assert allowed.returncode == 0, allowed.stderr


def test_unset_sms_backend_falls_back_to_the_log_and_is_refused():
    result = _load(YIWANG_SMS_BACKEND=None)
    assert result.returncode != 0 and "deliver nothing" in result.stderr


def test_a_console_email_backend_is_refused():
    result = _load(EMAIL_BACKEND="django.core.mail.backends.console.EmailBackend")
    assert result.returncode != 0 and "deliver nothing" in result.stderr


def test_the_http_gateway_needs_its_address_and_key():
    result = _load(YIWANG_SMS_URL=None)
    assert result.returncode != 0 and "YIWANG_SMS_URL" in result.stderr
