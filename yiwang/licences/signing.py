"""SM2 signatures (GB/T 32918) on licences, through gmalglib (C; nonces from the OS: ADR 0009).

Two signatures per licence, each over its own domain-separated message:
- the **licence signature** over `metadata_message(...)`: the canonical JSON of the metadata of
  STANDARDS §6 (and the type's extra attributes) plus the SM3 digest of the PDF file. Checked on
  every online verification; a changed column, a swapped PDF or another key fails it.
- the **QR signature** over `offline_verifier.qr_message(...)`: the few essential fields printed in
  the QR code, so a verifier holding the published keys can check a QR without the server.

Signing uses the SM2 default user ID (1234567812345678, GB/T 35276) so any standard SM2 library can
verify. Verification results are memoised per process: SM2 verification is a pure function of
(public key, message, signature), so the same three bytes strings always give the same answer;
changing any stored field changes the message and misses the memo.
"""

from __future__ import annotations

import json
from functools import lru_cache

from gmalglib.sm2 import SM2

from yiwang.core.crypto import sm3_hex

METADATA_DOMAIN = b"YWLIC1\n"


def generate_keypair() -> tuple[bytes, bytes]:
    """(private key 32 bytes, public key 65 bytes uncompressed). The private scalar comes from
    gmalglib's default random source, the operating system's (/dev/urandom) — see ADR 0009."""
    return SM2().generate_keypair()


def key_id_of(public_key: bytes) -> str:
    """A short stable name for a public key: the first 16 hex digits of its SM3 digest."""
    return sm3_hex(public_key)[:16]


def sign(private_key: bytes, message: bytes) -> bytes:
    """SM2 signature of `message`, checked before it is returned.

    gmalglib 0.5.9 draws the nonce in a `do { … continue; } while (0)` block, so in the
    (probability ≈ 2^-256) cases where r = 0, r + k = n or s = 0 it returns that degenerate value
    instead of drawing again (ADR 0009). Verifying our own signature catches it, and a new draw
    gives a valid one; the check costs 0.6 ms at issuance, never on the verification path."""
    signer = SM2(sk=private_key)
    public_key = SM2.get_pk(private_key)
    for _ in range(3):
        signature = signer.sign(message)
        if SM2(pk=public_key).verify(message, signature):
            return signature
    raise RuntimeError("SM2 signing produced no valid signature in three draws")


@lru_cache(maxsize=8192)
def _verify(public_key: bytes, message: bytes, signature: bytes) -> bool:
    try:
        return bool(SM2(pk=public_key).verify(message, signature))
    except (ValueError, OverflowError):
        return False


def verify(public_key: bytes, message: bytes, signature: bytes) -> bool:
    if len(signature) != 64:
        return False
    return _verify(bytes(public_key), bytes(message), bytes(signature))


def canonical_json(value) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)


def metadata_message(metadata: dict, *, pdf_sm3: str) -> bytes:
    """The bytes of the licence signature: domain tag + canonical JSON of metadata and PDF digest."""
    return METADATA_DOMAIN + canonical_json({"metadata": metadata, "pdf_sm3": pdf_sm3}).encode("utf-8")
