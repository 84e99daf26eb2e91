"""Model fields for personal data at rest (see yiwang/core/crypto.py for the why)."""

import json

from django.db import models

from yiwang.core.crypto import decrypt_text, encrypt_text


class EncryptedTextField(models.TextField):
    """A text column stored as SM4-GCM ciphertext; reads give the plaintext back.

    Not searchable (random nonces): pair it with a blind-index column for exact lookup.
    """

    description = "SM4-GCM encrypted text"

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return decrypt_text(value)

    def to_python(self, value):
        if isinstance(value, str) and value.startswith("sm4gcm1:"):
            return decrypt_text(value)
        return value

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt_text(value)


SEALED_KEY = "_sealed"


class SealedJSONField(models.JSONField):
    """A JSON object whose personal values are stored as one SM4-GCM token (ADR 0003).

    Readers and writers see the whole dict. In the column, the keys `plain_keys()` names (data the
    dictionary marks as not personal) stay readable for reporting; every other key — personal
    data and anything unknown, so a new field is protected before anyone classifies it — is
    JSON-encoded, encrypted, and kept under `_sealed`. `plain_keys` is a dotted path to a function
    returning a set of keys (the owning app decides; core knows no domain).
    """

    description = "JSON with SM4-GCM sealed personal values"

    def __init__(self, *args, plain_keys: str = "", **kwargs):
        self.plain_keys = plain_keys
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["plain_keys"] = self.plain_keys
        return name, path, args, kwargs

    def _plain(self) -> frozenset:
        from django.utils.module_loading import import_string

        return frozenset(import_string(self.plain_keys)()) if self.plain_keys else frozenset()

    def from_db_value(self, value, expression, connection):
        return self.unseal(super().from_db_value(value, expression, connection))

    @staticmethod
    def unseal(value):
        if isinstance(value, dict) and isinstance(value.get(SEALED_KEY), str):
            opened = json.loads(decrypt_text(value[SEALED_KEY]))
            value = {k: v for k, v in value.items() if k != SEALED_KEY} | opened
        return value

    def get_prep_value(self, value):
        if isinstance(value, dict) and value and SEALED_KEY not in value:
            plain = self._plain()
            kept = {k: v for k, v in value.items() if k in plain}
            secret = {k: v for k, v in value.items() if k not in plain}
            if secret:
                kept[SEALED_KEY] = encrypt_text(json.dumps(secret, ensure_ascii=False, cls=self.encoder))
            value = kept
        return super().get_prep_value(value)
