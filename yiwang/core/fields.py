"""Model fields for personal data at rest (see yiwang/core/crypto.py for the why)."""

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
