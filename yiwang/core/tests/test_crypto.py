from hypothesis import given
from hypothesis import strategies as st

from yiwang.core.crypto import blind_index, decrypt_text, encrypt_text, mask_id_number, mask_phone, sm3_hex


def test_sm3_known_answer():
    # GB/T 32905-2016 appendix A example 1.
    assert sm3_hex(b"abc") == "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"


@given(st.text(max_size=200))
def test_encrypt_round_trip_and_randomised(value):
    token = encrypt_text(value)
    assert decrypt_text(token) == value
    assert encrypt_text(value) != token  # fresh nonce every time
    assert len(value) < 6 or value not in token  # short strings may occur in base64 by chance


def test_tampered_ciphertext_is_rejected():
    import base64

    import pytest
    from cryptography.exceptions import InvalidTag

    token = encrypt_text("610102199001011234")
    raw = bytearray(base64.b64decode(token.split(":", 1)[1]))
    raw[15] ^= 1
    with pytest.raises(InvalidTag):
        decrypt_text("sm4gcm1:" + base64.b64encode(bytes(raw)).decode())


def test_blind_index_is_deterministic_normalised_and_purpose_bound():
    a = blind_index("61010219900101123x", purpose="id_number")
    assert a == blind_index(" 61010219900101123X ", purpose="id_number")
    assert a != blind_index("61010219900101123X", purpose="phone")
    assert len(a) == 64


def test_masks():
    assert mask_id_number("61010219900101123X") == "6101**********123X"
    assert mask_phone("13912345678") == "139****5678"


def test_sm3_known_answer_of_the_64_byte_message():
    # GB/T 32905-2016 appendix A, example 2: "abcd" repeated 16 times.
    assert sm3_hex(b"abcd" * 16) == "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732"


def test_sm4_block_cipher_known_answer():
    """GB/T 32907-2016 appendix A, example 1: a wrong cipher cannot pass."""
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    key = bytes.fromhex("0123456789abcdeffedcba9876543210")
    encryptor = Cipher(algorithms.SM4(key), modes.ECB()).encryptor()  # noqa: S305 (one block: the standard's vector)
    assert (encryptor.update(key) + encryptor.finalize()).hex() == "681edf34d206965e86b3e94f536e4246"


def test_sm4_gcm_known_answer_as_the_field_encryption_uses_it():
    """RFC 8998 appendix A.2 (SM4-GCM): the mode our field encryption runs SM4 in."""
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    key = bytes.fromhex("0123456789ABCDEFFEDCBA9876543210")
    iv = bytes.fromhex("00001234567800000000ABCD")
    aad = bytes.fromhex("FEEDFACEDEADBEEFFEEDFACEDEADBEEFABADDAD2")
    plaintext = bytes.fromhex("AAAAAAAAAAAAAAAABBBBBBBBBBBBBBBBCCCCCCCCCCCCCCCCDDDDDDDDDDDDDDDD"
                              "EEEEEEEEEEEEEEEEFFFFFFFFFFFFFFFFEEEEEEEEEEEEEEEEAAAAAAAAAAAAAAAA")
    encryptor = Cipher(algorithms.SM4(key), modes.GCM(iv)).encryptor()
    encryptor.authenticate_additional_data(aad)
    ciphertext = encryptor.update(plaintext) + encryptor.finalize()
    assert ciphertext.hex().upper() == ("17F399F08C67D5EE19D0DC9969C4BB7D5FD46FD3756489069157B282BB200735"
                                        "D82710CA5C22F0CCFA7CBF93D496AC15A56834CBCF98C397B4024A2691233B8D")
    assert encryptor.tag.hex().upper() == "83DE3541E4C2B58177E065A9BF7B62EC"


def test_field_encryption_decrypts_a_token_made_by_hand(settings):
    """decrypt_text reads exactly the format written down in crypto.py: prefix, base64 of
    nonce || SM4-GCM ciphertext || tag, under YIWANG_FIELD_KEY."""
    import base64

    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    from yiwang.core.crypto import decrypt_text

    nonce = bytes(range(12))
    encryptor = Cipher(algorithms.SM4(bytes.fromhex(settings.YIWANG_FIELD_KEY)), modes.GCM(nonce)).encryptor()
    body = encryptor.update(b"610113195803150242") + encryptor.finalize()
    token = "sm4gcm1:" + base64.b64encode(nonce + body + encryptor.tag).decode()
    assert decrypt_text(token) == "610113195803150242"


def test_hmac_sm3_matches_rfc_2104_over_the_tested_sm3(settings):
    """HMAC-SM3 (the blind index, the audit hashes) is RFC 2104's construction over SM3, whose
    known answers are checked above: computed here by hand from the definition."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives import hmac as crypto_hmac

    def sm3(data: bytes) -> bytes:
        return bytes.fromhex(sm3_hex(data))

    def hmac_sm3_by_definition(key: bytes, message: bytes) -> bytes:
        block = 64  # SM3's block size in bytes
        key = sm3(key) if len(key) > block else key
        key = key.ljust(block, b"\x00")
        inner = sm3(bytes(k ^ 0x36 for k in key) + message)
        return sm3(bytes(k ^ 0x5C for k in key) + inner)

    for key, message in [(b"key", b"The quick brown fox jumps over the lazy dog"), (b"\x0b" * 20, b"Hi There"),
                         (b"k" * 100, "身份证号".encode())]:
        mac = crypto_hmac.HMAC(key, hashes.SM3())
        mac.update(message)
        assert mac.finalize() == hmac_sm3_by_definition(key, message)

    from yiwang.core.crypto import blind_index

    expected = hmac_sm3_by_definition(bytes.fromhex(settings.YIWANG_BLIND_INDEX_KEY), b"id\x00610113195803150242").hex()
    assert blind_index("610113195803150242", purpose="id") == expected
