"""The licence file: one A4 page (yiwang.core.pdf, WenQuanYi Zen Hei embedded) with the metadata,
the type's extra fields and the QR code of the offline-verifiable payload.

The PDF's SM3 digest is part of what the licence signature covers, so the file is rendered once,
at signing, and stored; it is never re-rendered for the same version.
"""

from __future__ import annotations

from reportlab.lib.units import mm

from yiwang.core import pdf


def _period(valid_from: str, valid_until: str) -> str:
    return f"{valid_from} 至 {valid_until}" if valid_until else f"{valid_from} 起长期有效"


def licence_pdf(*, metadata: dict, labels: list[tuple[str, str]], qr_text: str, key_id: str, verify_url: str) -> bytes:
    """`metadata` as signed; `labels` the (label, value) rows of the type's extra fields."""
    styles = pdf.styles()
    rows = [
        ("证照名称", metadata["name"]),
        ("证照编号", metadata["number"]),
        ("持证主体", metadata["holder_name"]),
        ("持证主体代码", metadata["holder_id"]),
        *labels,
        ("发证机关", metadata["issuer_name"]),
        ("发证日期", metadata["issued_on"]),
        ("有效期限", _period(metadata["valid_from"], metadata["valid_until"])),
        ("电子证照标识", metadata["identifier"]),
    ]
    head = pdf.layout_table(
        [[[pdf.paragraph(metadata["name"], "title"),
           pdf.paragraph(f"{metadata['issuer_name']} 签发 · 电子证照", "small")],
          pdf.qr_flowable(qr_text, size=38 * mm)]],
        col_widths=[(pdf.PAGE_SIZE[0] - 2 * pdf.MARGIN) - 42 * mm, 42 * mm])
    flowables = [
        head,
        pdf.key_value_table(rows),
        pdf.paragraph(
            f"本证照由发证机关以 SM2 电子签名签发（密钥标识 {key_id}）。扫描右上角二维码，或访问 {verify_url} "
            "输入电子证照标识，可核验真伪与当前状态；持有发证机关公开密钥的核验方也可离线核验二维码。", styles["small"]),
    ]
    return pdf.build_pdf(flowables, title=f"{metadata['name']}（{metadata['holder_name']}）",
                         header="西安市一体化政务服务平台 · 电子证照", footer=metadata["identifier"],
                         author=metadata["issuer_name"], subject="电子证照")
