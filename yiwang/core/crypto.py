"""The national algorithms where the rules ask for them.

- SM4-GCM encrypts personal identifiers at rest (ID numbers, phone numbers). Every value gets a
  fresh 96-bit nonce, so equal plaintexts give different ciphertexts; exact lookups go through
- a keyed blind index, HMAC-SM3(key, purpose || value): deterministic, so `WHERE id_number_index =
  blind_index(...)` finds a person without decrypting the table, and useless without the key.
- SM3 for content hashes (audit trail, material digests).

Keys are 128-bit hex strings from settings (the environment in production). The ciphertext is
prefixed with an algorithm/version tag so keys can be rotated later without guessing.
"""

from __future__ import annotations

import base64
import os
from functools import lru_cache

from cryptography.hazmat.primitives import hashes, hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.conf import settings

_PREFIX = "sm4gcm1:"
_NONCE = 12
_TAG = 16


@lru_cache(maxsize=4)
def _key(hex_key: str) -> bytes:
    key = bytes.fromhex(hex_key)
    if len(key) != 16:
        raise ValueError("SM4/HMAC keys must be 32 hex characters (128 bits).")
    return key


def encrypt_text(plaintext: str) -> str:
    nonce = os.urandom(_NONCE)
    encryptor = Cipher(algorithms.SM4(_key(settings.YIWANG_FIELD_KEY)), modes.GCM(nonce)).encryptor()
    ciphertext = encryptor.update(plaintext.encode("utf-8")) + encryptor.finalize()
    return _PREFIX + base64.b64encode(nonce + ciphertext + encryptor.tag).decode("ascii")


def decrypt_text(token: str) -> str:
    if not token.startswith(_PREFIX):
        raise ValueError("not an SM4-GCM token")
    raw = base64.b64decode(token[len(_PREFIX):])
    nonce, ciphertext, tag = raw[:_NONCE], raw[_NONCE:-_TAG], raw[-_TAG:]
    decryptor = Cipher(algorithms.SM4(_key(settings.YIWANG_FIELD_KEY)), modes.GCM(nonce, tag)).decryptor()
    return (decryptor.update(ciphertext) + decryptor.finalize()).decode("utf-8")


def blind_index(value: str, *, purpose: str) -> str:
    """Keyed HMAC-SM3 of a normalised value; `purpose` keeps ID numbers and phones apart."""
    mac = hmac.HMAC(_key(settings.YIWANG_BLIND_INDEX_KEY), hashes.SM3())
    mac.update(purpose.encode("ascii") + b"\x00" + value.strip().upper().encode("utf-8"))
    return mac.finalize().hex()


def sm3_hex(data: bytes) -> str:
    return sm3_hex_chunks((data,))


def sm3_hex_chunks(chunks) -> str:
    """SM3 of a stream (an uploaded file) without holding it all in memory."""
    digest = hashes.Hash(hashes.SM3())
    for chunk in chunks:
        digest.update(chunk)
    return digest.finalize().hex()


def mask_id_number(value: str) -> str:
    """6101**********123X: area prefix and last four stay readable for the clerk to compare."""
    if not value:
        return ""
    if len(value) <= 8:
        return value[:1] + "*" * (len(value) - 1)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def mask_phone(value: str) -> str:
    """138****5678."""
    if not value:
        return ""
    if len(value) < 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_name(value: str) -> str:
    """张*明 / 李*: the surname stays, so a clerk can still address the person."""
    if not value:
        return ""
    if len(value) == 1:
        return value
    if len(value) == 2:
        return value[0] + "*"
    return value[0] + "*" * (len(value) - 2) + value[-1]
