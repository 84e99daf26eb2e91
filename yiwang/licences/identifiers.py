"""GB/T 36904-2018 e-licence identifiers.

    1.2.156.3005.2.<type code>.<issuer code>.<serial>.<version>.<check>

- `1.2.156.3005.2` is the OID arc of Chinese government e-licences;
- the type code has 21 characters: the defining ministry's 18-character USCC + a 3-digit sequence;
- the issuer code is the issuing agency's 18-character USCC;
- the serial is the issuer's own number for the licence (here: year + 7 digits);
- the version has 3 digits; renewal and change keep the serial and raise the version;
- the check character is ISO/IEC 7064 MOD 37,36 (hybrid system) over type + issuer + serial +
  version concatenated without dots, alphabet 0-9A-Z (python-stdnum's `iso7064.mod_37_36`).

STANDARDS §6's real identifier `1.2.156.3005.2.11100000000013338W011.11430000006122244L.20230000403.001.U`
validates (tests/test_identifiers.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from stdnum.iso7064 import mod_37_36

from yiwang.core.errors import DomainError
from yiwang.licences.constants import ErrorCode

PREFIX = "1.2.156.3005.2"
MAX_LENGTH = 100
_ALNUM = re.compile(r"^[0-9A-Z]+$")


class IdentifierInvalid(DomainError):
    code = ErrorCode.IDENTIFIER_INVALID


@dataclass(frozen=True)
class LicenceIdentifier:
    type_code: str
    issuer_code: str
    serial: str
    version: int

    @property
    def body(self) -> str:
        return f"{self.type_code}{self.issuer_code}{self.serial}{self.version:03d}"

    @property
    def check(self) -> str:
        return mod_37_36.calc_check_digit(self.body)

    def __str__(self) -> str:
        return f"{PREFIX}.{self.type_code}.{self.issuer_code}.{self.serial}.{self.version:03d}.{self.check}"


def build_identifier(*, type_code: str, issuer_code: str, serial: str, version: int) -> str:
    """The identifier with its check character; raises IdentifierInvalid for a bad part."""
    ident = LicenceIdentifier(type_code.upper(), issuer_code.upper(), serial.upper(), int(version))
    problem = _part_problem(ident.type_code, ident.issuer_code, ident.serial, f"{ident.version:03d}")
    if problem:
        raise IdentifierInvalid(problem)
    return str(ident)


def normalise(text: str) -> str:
    """As people paste it: surrounding spaces dropped, letters upper-cased, full-width dots and
    digits folded (a Chinese input method types ．and ０-９)."""
    import unicodedata

    return "".join(unicodedata.normalize("NFKC", text or "").split()).upper()


def _part_problem(type_code: str, issuer_code: str, serial: str, version: str) -> str:
    if len(type_code) != 21 or not _ALNUM.match(type_code):
        return f"证照类型代码应为 21 位数字或大写字母，当前为「{type_code}」。"
    if len(issuer_code) != 18 or not _ALNUM.match(issuer_code):
        return f"发证机关代码应为 18 位统一社会信用代码，当前为「{issuer_code}」。"
    if not 1 <= len(serial) <= 30 or not _ALNUM.match(serial):
        return "证照顺序号应为 1–30 位数字或大写字母。"
    if len(version) != 3 or not version.isdigit():
        return f"版本号应为 3 位数字，当前为「{version}」。"
    return ""


def parse_identifier(text: str) -> LicenceIdentifier:
    """The parts of a well-formed identifier; IdentifierInvalid saying exactly what is wrong."""
    value = normalise(text)
    if not value:
        raise IdentifierInvalid("请输入电子证照标识。", field="identifier")
    if len(value) > MAX_LENGTH:
        raise IdentifierInvalid(f"电子证照标识不超过 {MAX_LENGTH} 个字符。", field="identifier")
    if not value.startswith(PREFIX + "."):
        raise IdentifierInvalid(f"电子证照标识应以 {PREFIX}. 开头（国家电子证照标识规则）。", field="identifier")
    parts = value[len(PREFIX) + 1:].split(".")
    if len(parts) != 5:
        raise IdentifierInvalid("电子证照标识应由类型代码、发证机关代码、顺序号、版本号、校验位五段组成，以“.”分隔。",
                                field="identifier")
    type_code, issuer_code, serial, version, check = parts
    problem = _part_problem(type_code, issuer_code, serial, version)
    if problem:
        raise IdentifierInvalid(problem, field="identifier")
    ident = LicenceIdentifier(type_code, issuer_code, serial, int(version))
    if len(check) != 1 or ident.check != check:
        raise IdentifierInvalid("电子证照标识的校验位不正确：标识有误或被改动，请核对证照上的标识。", field="identifier")
    return ident


def is_valid_identifier(text: str) -> bool:
    try:
        parse_identifier(text)
    except IdentifierInvalid:
        return False
    return True
