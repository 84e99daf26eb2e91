"""Uploaded files that could act when opened: PDFs with active content, PDF/HTML polyglots, and
ZIP containers (OFD, xlsx) that would explode when unpacked.

The checks read the file and never unpack or render it: a PDF is parsed with pypdf (every object
of its cross-reference table, object streams included, names decoded — `/J#61vaScript` is
`/JavaScript`); a ZIP is judged from its central directory (`infolist`), which states each entry's
compressed and uncompressed size. Each check returns None or the Chinese reason for refusing,
which the caller puts in its field error. Files are refused, not sanitised: a material is evidence
in an administrative case, and a changed file would no longer be what the applicant submitted.
"""

from __future__ import annotations

import logging
import re
import zipfile
from typing import IO

logger = logging.getLogger("yiwang.files")

# Keys of a PDF dictionary that only occur with active content: scripts, actions run on opening a
# document or page or on events, embedded files, XFA forms, rich media.
ACTIVE_KEYS = frozenset({"/JavaScript", "/JS", "/AA", "/EmbeddedFiles", "/EmbeddedFile", "/XFA", "/RichMedia",
                         "/Launch"})
# Action types (`/S`) that run something, submit data or open another file.
ACTIVE_ACTIONS = frozenset({"/JavaScript", "/Launch", "/SubmitForm", "/ImportData", "/GoToR", "/GoToE",
                            "/RichMediaExecute", "/Rendition", "/Movie", "/Sound", "/Hide", "/SetOCGState"})
MAX_PDF_OBJECTS = 500_000

# HTML that a browser would run, outside the PDF's streams. None of these can be PDF syntax (the
# letters after "<" are not hexadecimal digits), so inside a real PDF they occur only in stream data.
_HTML = re.compile(rb"<\s*(?:script|html|body|iframe|svg|object|embed|meta|!doctype|a\s+href)\b", re.IGNORECASE)
_STREAM = re.compile(rb"stream\r?\n.*?endstream", re.DOTALL)

ACTIVE_MESSAGE = ("含有可执行内容（{what}），出于安全原因不予接收。请用“打印为 PDF”或“另存为 PDF”重新生成后上传。")


def pdf_problem(fileobj: IO[bytes]) -> str | None:
    """None for a plain PDF; otherwise why it is refused."""
    fileobj.seek(0)
    data = fileobj.read()
    fileobj.seek(0)
    if not data.startswith(b"%PDF-"):
        return "不是以 %PDF- 开头的 PDF 文件（前面夹带了其他内容）。"
    outside_streams = _STREAM.sub(b"", data)
    if _HTML.search(outside_streams):
        return "除 PDF 内容外还夹带了网页代码（HTML/脚本），不予接收。请重新生成 PDF 后上传。"
    try:
        what = _active_content(fileobj)
    except Exception as exc:  # noqa: BLE001 — any parser failure means we cannot vouch for the file
        logger.info("PDF refused, unreadable: %s", exc)
        return "无法解析为 PDF（文件可能已损坏或被加密），请重新生成后上传。"
    finally:
        fileobj.seek(0)
    if what:
        return ACTIVE_MESSAGE.format(what=what)
    return None


def _active_content(fileobj: IO[bytes]) -> str | None:
    from pypdf import PdfReader
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    reader = PdfReader(fileobj, strict=False)
    if reader.is_encrypted and not reader.decrypt(""):
        return "加密且需要密码"

    def offending(obj, depth=0) -> str | None:
        if depth > 64:
            return None
        if isinstance(obj, DictionaryObject):
            for key, value in obj.items():
                if key in ACTIVE_KEYS:
                    return key.lstrip("/")
                if key == "/S" and value in ACTIVE_ACTIONS:
                    return str(value).lstrip("/")
                if key == "/OpenAction" and not isinstance(value, ArrayObject):
                    # An array is a destination (open at page 1, fit width) and harmless; a
                    # dictionary is an action run when the file opens.
                    target = value.get_object() if isinstance(value, IndirectObject) else value
                    if isinstance(target, DictionaryObject) and target.get("/S") != "/GoTo":
                        return f"OpenAction {str(target.get('/S', '')).lstrip('/')}".strip()
                if not isinstance(value, IndirectObject):
                    found = offending(value, depth + 1)
                    if found:
                        return found
        elif isinstance(obj, ArrayObject):
            for item in obj:
                if not isinstance(item, IndirectObject):
                    found = offending(item, depth + 1)
                    if found:
                        return found
        return None

    found = offending(reader.trailer)
    if found:
        return found
    # Every object the file declares, referenced or not (a viewer repairing a file may find them).
    numbers = [(num, gen) for gen, entries in reader.xref.items() for num in entries]
    numbers += [(num, 0) for num in reader.xref_objStm]
    if len(numbers) > MAX_PDF_OBJECTS:
        return "对象数量异常"
    for num, gen in numbers:
        try:
            obj = reader.get_object(IndirectObject(num, gen, reader))
        except Exception:  # noqa: BLE001, S112 — a broken object a viewer cannot open either
            continue
        found = offending(obj)
        if found:
            return found
    return None


# ---------------------------------------------------------------------------------------------
# ZIP containers (OFD, xlsx)

MAX_ZIP_ENTRIES = 5_000
MAX_ZIP_TOTAL = 200 * 1024 * 1024  # uncompressed, all entries
MAX_ZIP_RATIO = 100  # uncompressed / compressed, for entries (and totals) over RATIO_FLOOR
RATIO_FLOOR = 1024 * 1024


def zip_problem(fileobj: IO[bytes], *, max_entries: int = MAX_ZIP_ENTRIES, max_total: int = MAX_ZIP_TOTAL,
                max_ratio: int = MAX_ZIP_RATIO) -> str | None:
    """None for an archive that is safe to unpack; otherwise why it is refused. Judged from the
    central directory only — nothing is decompressed."""
    fileobj.seek(0)
    try:
        with zipfile.ZipFile(fileobj) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        return "压缩包结构已损坏，请重新生成后上传。"
    finally:
        fileobj.seek(0)
    if len(entries) > max_entries:
        return f"包含 {len(entries)} 个文件，超过 {max_entries} 个的上限。"
    total = compressed = 0
    for entry in entries:
        name = entry.filename
        if name.startswith(("/", "\\")) or ".." in re.split(r"[/\\]", name) or ":" in name:
            return f"包含不安全的文件路径「{name[:60]}」。"
        if entry.flag_bits & 0x1:
            return "包含加密的文件，无法检查。"
        total += entry.file_size
        compressed += entry.compress_size
        if entry.file_size > RATIO_FLOOR and entry.file_size > max_ratio * max(entry.compress_size, 1):
            return (f"压缩比异常（「{name[:60]}」解压后 {entry.file_size / 1048576:.0f} MB，"
                    f"压缩后仅 {entry.compress_size / 1024:.0f} KB），疑似压缩炸弹，不予接收。")
    if total > max_total:
        return f"解压后共 {total / 1048576:.0f} MB，超过 {max_total // 1048576} MB 的上限，疑似压缩炸弹，不予接收。"
    if total > RATIO_FLOOR and total > max_ratio * max(compressed, 1):
        return f"整体压缩比异常（解压后 {total / 1048576:.0f} MB），疑似压缩炸弹，不予接收。"
    return None


def zip_bomb_problem(fileobj: IO[bytes]) -> str | None:
    """As zip_problem, for a reader (openpyxl) that reports a file that is no ZIP at all itself."""
    fileobj.seek(0)
    is_zip = zipfile.is_zipfile(fileobj)
    fileobj.seek(0)
    return zip_problem(fileobj) if is_zip else None
