"""The shared PDF builder: embedded CJK font, running header and footer, wrapping tables, QR codes."""

import io

import pytest
import segno
from django.test import override_settings
from pypdf import PdfReader
from reportlab.graphics.shapes import Rect
from reportlab.lib.units import mm

from yiwang.core import pdf


def text_of(data: bytes) -> list[str]:
    return ["".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(data)).pages]


def test_build_pdf_embeds_the_font_and_decorates_every_page():
    long = "受理通知书正文内容" * 400
    data = pdf.build_pdf([pdf.paragraph("受理通知书", "title"), pdf.paragraph(long)],
                         title="受理通知书", header="食品经营许可 · 受理通知书", footer="西安市政务服务中心")
    pages = text_of(data)
    assert len(pages) >= 2
    for n, page in enumerate(pages, start=1):
        assert "食品经营许可·受理通知书" in page and f"第{n}页/共{len(pages)}页" in page and "西安市政务服务中心" in page
    reader = PdfReader(io.BytesIO(data))
    assert reader.metadata.title == "受理通知书"
    assert b"/FontFile2" in data and b"WenQuanYiZenHei" in data
    assert b"/Helvetica" not in data  # nothing falls back to an unembedded base-14 font


def test_user_text_is_escaped_not_interpreted_as_markup():
    data = pdf.build_pdf([pdf.paragraph("<b>张三</b> & 李四 <br/>")], title="t")
    assert "<b>张三</b>&李四<br/>" in text_of(data)[0]


def test_table_cells_wrap_long_chinese_text():
    cell = "很长的材料名称" * 30
    t = pdf.table([["材料", "来源"], [cell, "申请人自备"]], col_widths=[60 * mm, 40 * mm])
    _, height = t.wrap(100 * mm, 1000 * mm)
    assert height > 60  # several lines, not one line running off the page
    data = pdf.build_pdf([t, pdf.layout_table([["左", pdf.qr_flowable("http://x")]], col_widths=[100, 100])], title="t")
    assert "".join(cell.split()) in text_of(data)[0]
    assert b"/Helvetica" not in data


def test_qr_flowable_draws_the_segno_matrix():
    url = "http://127.0.0.1:8000/items/1/"
    size = 30 * mm
    drawing = pdf.qr_flowable(url, size=size)
    matrix = [list(row) for row in segno.make(url, error="m").matrix]
    n = len(matrix)
    module = size / (n + 4)
    drawn = [[0] * n for _ in range(n)]
    for rect in drawing.contents:
        assert isinstance(rect, Rect)
        row = round((size - rect.y) / module) - 1 - 2
        start = round(rect.x / module) - 2
        for col in range(start, start + round(rect.width / module)):
            drawn[row][col] = 1
    assert drawn == [[1 if v else 0 for v in row] for row in matrix]
    assert b"%PDF" in pdf.build_pdf([drawing], title="qr")[:8]


def test_missing_font_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setattr(pdf.pdfmetrics, "getRegisteredFontNames", lambda: [])
    with override_settings(YIWANG_PDF_FONT=str(tmp_path / "missing.ttc")), pytest.raises(pdf.PdfFontMissing) as err:
        pdf.register_cjk_font()
    assert "YIWANG_PDF_FONT" in err.value.message and err.value.code == "pdf_font_missing"
