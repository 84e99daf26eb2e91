"""Printable documents (办事指南, 受理通知书, 一次性告知书 …) as PDF with reportlab.

Every document embeds one CJK TrueType font so it prints the same on any machine: reportlab's
built-in CID fonts (STSong-Light) are *not* embedded, and Noto CJK has CFF outlines reportlab cannot
embed, so we use WenQuanYi Zen Hei from Debian (settings.YIWANG_PDF_FONT, a .ttc collection).

The pieces an app needs:

    register_cjk_font()                -> the registered font name (idempotent)
    styles()                           -> dict of ParagraphStyles: title, h1, h2, body, small, cell, cell_head
    paragraph(text, style="body")      -> Paragraph with the text escaped (user data is never markup)
    table(rows, col_widths=..., header_rows=1) -> Table whose cells wrap long Chinese text
    layout_table(rows, col_widths=...) -> a borderless Table placing blocks side by side
    key_value_table(pairs)             -> a two-column label/value Table
    qr_flowable(url, size=30*mm)       -> a vector QR code (segno)
    build_pdf(flowables, title=..., header=..., footer=...) -> bytes (A4, margins, running
                                          header, footer with "第 n 页 / 共 N 页")
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterable, Sequence
from xml.sax.saxutils import escape

import segno
from django.conf import settings
from reportlab.graphics.shapes import Drawing, Rect
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas as pdf_canvas
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Table, TableStyle

from yiwang.core.errors import DomainError

FONT_NAME = "WenQuanYiZenHei"
DEFAULT_FONT_PATH = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"
PAGE_SIZE = A4
MARGIN = 20 * mm
INK = colors.HexColor("#1a1a1a")
MUTED = colors.HexColor("#4a4f55")
LINE = colors.HexColor("#9aa1ab")
PANEL = colors.HexColor("#eef1f5")


class PdfFontMissing(DomainError):
    code = "pdf_font_missing"
    http_status = 500


def register_cjk_font() -> str:
    """Register the CJK font once per process and return its name."""
    if FONT_NAME in pdfmetrics.getRegisteredFontNames():
        return FONT_NAME
    path = getattr(settings, "YIWANG_PDF_FONT", DEFAULT_FONT_PATH)
    if not os.path.exists(path):
        raise PdfFontMissing(
            f"PDF 字体文件不存在：{path}。请安装 fonts-wqy-zenhei（scripts/system-deps.sh fonts）"
            "或在环境变量 YIWANG_PDF_FONT 中指定 TrueType 中文字体。")
    # A .ttc is a collection: reportlab needs the index of the face (0 = Zen Hei).
    pdfmetrics.registerFont(TTFont(FONT_NAME, path, subfontIndex=0))
    return FONT_NAME


def styles() -> dict[str, ParagraphStyle]:
    """The house styles. `wordWrap="CJK"` lets lines break between any two Chinese characters,
    which Latin word-wrapping would never do (a long material name would overflow its cell)."""
    font = register_cjk_font()
    base = ParagraphStyle("body", fontName=font, fontSize=10.5, leading=16, textColor=INK, wordWrap="CJK")
    return {
        "title": ParagraphStyle("title", parent=base, fontSize=18, leading=26, alignment=TA_CENTER, spaceAfter=4 * mm),
        "h1": ParagraphStyle("h1", parent=base, fontSize=14, leading=20, spaceBefore=5 * mm, spaceAfter=2 * mm),
        "h2": ParagraphStyle("h2", parent=base, fontSize=12, leading=18, spaceBefore=3 * mm, spaceAfter=1.5 * mm),
        "body": ParagraphStyle("body_p", parent=base, spaceAfter=1.5 * mm),
        "small": ParagraphStyle("small", parent=base, fontSize=8.5, leading=12, textColor=MUTED),
        "cell": ParagraphStyle("cell", parent=base, fontSize=9.5, leading=13.5),
        "cell_head": ParagraphStyle("cell_head", parent=base, fontSize=9.5, leading=13.5),
    }


def paragraph(text: object, style: str | ParagraphStyle = "body") -> Paragraph:
    """A paragraph of plain text: escaped, newlines kept as line breaks."""
    st = styles()[style] if isinstance(style, str) else style
    safe = escape("" if text is None else str(text)).replace("\n", "<br/>")
    return Paragraph(safe, st)


def _cell(value: object, style: ParagraphStyle) -> object:
    if isinstance(value, Flowable | list):
        return value
    return paragraph(value, style)


def table(rows: Sequence[Sequence[object]], *, col_widths: Sequence[float] | None = None,
          header_rows: int = 1) -> Table:
    """A grid table; strings become wrapping Paragraphs, flowables are kept as they are.
    `col_widths` in points; None shares the frame width equally."""
    st = styles()
    if col_widths is None and rows:
        width = PAGE_SIZE[0] - 2 * MARGIN
        col_widths = [width / len(rows[0])] * len(rows[0])
    data = [[_cell(v, st["cell_head"] if i < header_rows else st["cell"]) for v in row] for i, row in enumerate(rows)]
    t = Table(data, colWidths=col_widths, repeatRows=header_rows)
    commands = [
        # Cells without text still get a font set; the default (Helvetica) would not be embedded.
        ("FONTNAME", (0, 0), (-1, -1), register_cjk_font()),
        ("GRID", (0, 0), (-1, -1), 0.5, LINE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
    ]
    if header_rows:
        commands.append(("BACKGROUND", (0, 0), (-1, header_rows - 1), PANEL))
    t.setStyle(TableStyle(commands))
    return t


def layout_table(rows: Sequence[Sequence[object]], *, col_widths: Sequence[float]) -> Table:
    """A borderless table to place blocks side by side (a title beside its QR code)."""
    t = Table([list(row) for row in rows], colWidths=col_widths)
    t.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), register_cjk_font()), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                           ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
    return t


def key_value_table(pairs: Iterable[tuple[str, object]], *, label_width: float = 35 * mm) -> Table:
    """Label/value rows (a printed summary list); the label column is shaded."""
    rows = [[label, value] for label, value in pairs]
    width = PAGE_SIZE[0] - 2 * MARGIN
    t = table(rows, col_widths=[label_width, width - label_width], header_rows=0)
    t.setStyle(TableStyle([("BACKGROUND", (0, 0), (0, -1), PANEL)]))
    return t


def qr_flowable(url: str, size: float = 30 * mm) -> Drawing:
    """A QR code as vector shapes (crisp at any print resolution, no image library involved)."""
    qr = segno.make(url, error="m")
    matrix = [list(row) for row in qr.matrix]
    border = 2  # modules of quiet zone; printers crop less than screens
    n = len(matrix) + 2 * border
    module = size / n
    drawing = Drawing(size, size)
    # A drawing starts in Helvetica, which is never embedded; start it in ours (it draws no text).
    drawing.initialFontName = register_cjk_font()
    for y, row in enumerate(matrix):
        x = 0
        while x < len(row):
            if row[x]:
                start = x
                while x < len(row) and row[x]:
                    x += 1
                # one rectangle per horizontal run of dark modules keeps the PDF small
                drawing.add(Rect((start + border) * module, size - (y + 1 + border) * module,
                                 (x - start) * module, module, fillColor=colors.black, strokeColor=None))
            else:
                x += 1
    return drawing


def _numbered_canvas(header: str, footer: str, font: str):
    """A canvas that knows the page count when it draws the footer ("第 n 页 / 共 N 页"): pages are
    kept until the document ends, then each is finished with its running header and footer."""

    class NumberedCanvas(pdf_canvas.Canvas):
        def __init__(self, *args, **kwargs):
            # Start in the embedded font, so no unembedded base-14 font (Helvetica) is referenced.
            kwargs["initialFontName"] = kwargs.get("initialFontName") or font
            super().__init__(*args, **kwargs)
            self._saved_pages: list[dict] = []

        def showPage(self):  # noqa: N802 (reportlab's name)
            self._saved_pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._saved_pages)
            for state in self._saved_pages:
                self.__dict__.update(state)
                self._decorate(total)
                super().showPage()
            super().save()

        def _decorate(self, total: int):
            width, height = PAGE_SIZE
            self.saveState()
            self.setStrokeColor(LINE)
            self.setLineWidth(0.5)
            self.setFillColor(MUTED)
            if header:
                self.setFont(font, 9)
                self.drawString(MARGIN, height - MARGIN + 6 * mm, _fit(self, header, font, 9, width - 2 * MARGIN))
                self.line(MARGIN, height - MARGIN + 4 * mm, width - MARGIN, height - MARGIN + 4 * mm)
            self.line(MARGIN, MARGIN - 5 * mm, width - MARGIN, MARGIN - 5 * mm)
            self.setFont(font, 8.5)
            page_label = f"第 {self._pageNumber} 页 / 共 {total} 页"
            self.drawRightString(width - MARGIN, MARGIN - 9 * mm, page_label)
            if footer:
                room = width - 2 * MARGIN - self.stringWidth(page_label, font, 8.5) - 6 * mm
                self.drawString(MARGIN, MARGIN - 9 * mm, _fit(self, footer, font, 8.5, room))
            self.restoreState()

    return NumberedCanvas


def _fit(c: pdf_canvas.Canvas, text: str, font: str, size: float, width: float) -> str:
    """Shorten a running header/footer to one line (they are drawn, not flowed)."""
    if c.stringWidth(text, font, size) <= width:
        return text
    while text and c.stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text + "…"


def build_pdf(flowables: Sequence[Flowable], *, title: str, header: str = "", footer: str = "",
              author: str = "西安市一体化政务服务平台", subject: str = "") -> bytes:
    """Lay the flowables out on A4 with 20 mm margins and return the PDF bytes.

    `title` goes into the document metadata (what a PDF reader shows in its title bar); `header`
    is repeated at the top of every page, `footer` at the bottom beside the page numbers.
    """
    font = register_cjk_font()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer, pagesize=PAGE_SIZE, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN + 4 * mm,
        bottomMargin=MARGIN, title=title, author=author, subject=subject, creator="Yiwang",
        lang="zh-CN",
    )
    doc.build(list(flowables), canvasmaker=_numbered_canvas(header, footer, font))
    return buffer.getvalue()
