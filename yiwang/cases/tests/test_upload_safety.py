"""Uploads that would act when opened are refused (yiwang.core.file_safety via stored_file_create):
PDFs with active content, PDF/HTML polyglots, OFD zip bombs. The malicious files are built here
with pypdf and zipfile, as an attacker would build them."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, NumberObject, TextStringObject

from yiwang.cases.models import StoredFile
from yiwang.cases.services import stored_file_create
from yiwang.cases.tests.conftest import PDF_BYTES
from yiwang.core.errors import DomainError

pytestmark = pytest.mark.django_db


def _pdf(build=None) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    if build:
        build(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _js_open_action(writer):
    action = DictionaryObject({NameObject("/S"): NameObject("/JavaScript"),
                               NameObject("/JS"): TextStringObject("app.alert('x')")})
    writer._root_object[NameObject("/OpenAction")] = writer._add_object(action)


def _launch_on_page_open(writer):
    launch = DictionaryObject({NameObject("/S"): NameObject("/Launch"), NameObject("/F"): TextStringObject("cmd.exe")})
    writer.pages[0][NameObject("/AA")] = DictionaryObject({NameObject("/O"): writer._add_object(launch)})


def _embedded_file(writer):
    writer.add_attachment("payload.exe", b"MZ\x90\x00")


def _xfa(writer):
    writer._root_object[NameObject("/AcroForm")] = DictionaryObject(
        {NameObject("/Fields"): ArrayObject(), NameObject("/XFA"): TextStringObject("<xdp:xdp/>")})


def _named_javascript(writer):
    script = DictionaryObject({NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("this.print();")})
    names = DictionaryObject({NameObject("/Names"): ArrayObject([TextStringObject("x"), writer._add_object(script)])})
    writer._root_object[NameObject("/Names")] = DictionaryObject({NameObject("/JavaScript"): writer._add_object(names)})


def _submit_form_link(writer):
    action = DictionaryObject({NameObject("/S"): NameObject("/SubmitForm"), NameObject("/F"): TextStringObject("http://x/")})
    annotation = DictionaryObject({NameObject("/Type"): NameObject("/Annot"), NameObject("/Subtype"): NameObject("/Link"),
                                   NameObject("/Rect"): ArrayObject([NumberObject(0)] * 4),
                                   NameObject("/A"): writer._add_object(action)})
    writer.pages[0][NameObject("/Annots")] = ArrayObject([writer._add_object(annotation)])


def _store(world, name, content):
    return stored_file_create(actor=world.citizen, owner=world.citizen, upload=SimpleUploadedFile(name, content))


def _refused(world, name, content) -> str:
    with pytest.raises(DomainError) as caught:
        _store(world, name, content)
    assert caught.value.code in ("file_unsafe", "file_type_not_allowed")
    assert name in caught.value.message and caught.value.field == "file"
    assert not StoredFile.objects.exists()
    return caught.value.message


@pytest.mark.parametrize("build, what", [
    (_js_open_action, "JavaScript"), (_launch_on_page_open, "AA"), (_embedded_file, "EmbeddedFile"),
    (_xfa, "XFA"), (_named_javascript, "JavaScript"), (_submit_form_link, "SubmitForm"),
])
def test_a_pdf_with_active_content_is_refused_naming_what_it_holds(world, build, what):
    message = _refused(world, "申请书.pdf", _pdf(build))
    assert "可执行内容" in message and what in message


def test_an_obfuscated_name_does_not_hide_javascript(world):
    content = _pdf(_js_open_action).replace(b"/JavaScript", b"/J#61vaScript")
    assert b"/JavaScript" not in content
    assert "可执行内容" in _refused(world, "申请书.pdf", content)


def test_a_plain_pdf_and_one_opening_at_a_page_are_accepted(world):
    def open_at_first_page(writer):
        writer._root_object[NameObject("/OpenAction")] = ArrayObject([writer.pages[0].indirect_reference,
                                                                      NameObject("/Fit")])

    assert _store(world, "a.pdf", _pdf()).content_type == "application/pdf"
    assert _store(world, "b.pdf", _pdf(open_at_first_page)).content_type == "application/pdf"
    assert _store(world, "c.pdf", PDF_BYTES).content_type == "application/pdf"


@pytest.mark.parametrize("content", [
    _pdf() + b"\n<html><body><script>fetch('/api/v1/cases')</script></body></html>",  # after %%EOF
    _pdf().replace(b"%PDF-1.3\n", b"%PDF-1.3\n<!DOCTYPE html><svg onload=alert(1)>\n", 1),  # inside the header
])
def test_a_pdf_html_polyglot_is_refused(world, content):
    assert content.startswith(b"%PDF-")
    assert "网页代码" in _refused(world, "polyglot.pdf", content)


def test_html_before_the_pdf_is_not_a_pdf(world):
    _refused(world, "x.pdf", b"<html><script>alert(1)</script></html>\n" + _pdf())


def test_a_broken_pdf_is_refused(world):
    assert "无法解析" in _refused(world, "broken.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")


def _ofd(*entries) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("OFD.xml", "<ofd:OFD xmlns:ofd='http://www.ofdspec.org/2016'/>")
        for name, data in entries:
            archive.writestr(name, data)
    return buf.getvalue()


@pytest.fixture(scope="module")
def gigabyte_bomb() -> bytes:
    """1 GiB of zeros inside about 1 MB, written as a stream (never held in memory)."""
    buf = io.BytesIO()
    chunk = bytes(1 << 20)
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("OFD.xml", "<ofd:OFD xmlns:ofd='http://www.ofdspec.org/2016'/>")
        with archive.open("Doc_0/Res/image.bin", "w", force_zip64=True) as entry:
            for _ in range(1024):
                entry.write(chunk)
    return buf.getvalue()


def test_an_ofd_zip_bomb_is_refused_without_unpacking(world, gigabyte_bomb):
    assert len(gigabyte_bomb) < 1_200_000
    message = _refused(world, "证明.ofd", gigabyte_bomb)
    assert "压缩炸弹" in message and "1024 MB" in message


def test_an_ofd_over_the_size_ratio_or_entry_limits_is_refused(world):
    assert "压缩炸弹" in _refused(world, "ratio.ofd", _ofd(("Doc_0/big.bin", bytes(20 << 20))))
    assert "个文件" in _refused(world, "many.ofd", _ofd(*[(f"Doc_0/p{i}.xml", "<p/>") for i in range(5001)]))
    assert "不安全的文件路径" in _refused(world, "slip.ofd", _ofd(("../../etc/cron.d/x", "* * * * * root sh")))


def test_a_real_sized_ofd_is_accepted(world):
    pages = [(f"Doc_0/Pages/Page_{i}/Content.xml", f"<ofd:Page><ofd:TextCode>第 {i} 页</ofd:TextCode></ofd:Page>" * 50)
             for i in range(30)]
    assert _store(world, "证明.ofd", _ofd(*pages)).content_type == "application/ofd"


def test_the_api_says_why_a_file_is_refused(world, client):
    client.force_login(world.citizen)
    response = client.post("/api/v1/files", {"file": SimpleUploadedFile("申请书.pdf", _pdf(_js_open_action))})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "file_unsafe" and "JavaScript" in body["message"]
    assert body["detail"][0]["field"] == "file"
