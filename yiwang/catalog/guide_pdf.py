"""The printable guide (办事指南 PDF): the same `Guide` the page shows, laid out on A4."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Spacer

from yiwang.catalog.guide import Guide
from yiwang.core.pdf import (
    MARGIN,
    PAGE_SIZE,
    build_pdf,
    key_value_table,
    layout_table,
    paragraph,
    qr_flowable,
    styles,
    table,
)

FRAME_WIDTH = PAGE_SIZE[0] - 2 * MARGIN
NOT_SET = "无"


def guide_public_url(guide: Guide) -> str:
    base = getattr(settings, "YIWANG_PUBLIC_BASE_URL", "").rstrip("/")
    return base + reverse("catalog:guide", args=[guide.implementation_id])


def _list(items: list[str]) -> list:
    if not items:
        return [paragraph(NOT_SET)]
    return [paragraph(f"{i}. {text}") for i, text in enumerate(items, start=1)]


def guide_pdf(guide: Guide) -> bytes:
    st = styles()
    generated = timezone.localtime()
    story: list = []

    # Title block with a QR code to the live guide: paper goes stale, the page does not.
    qr = qr_flowable(guide_public_url(guide), size=26 * mm)
    # Left-aligned beside the QR code (the house title style is centred, for notices).
    title_style = ParagraphStyle("guide_title", parent=st["title"], alignment=TA_LEFT, spaceAfter=1 * mm)
    title_block = [paragraph(guide.name, title_style), paragraph("办事指南", st["h2"])]
    if guide.tags:
        title_block.append(paragraph("清单：" + "、".join(t.label for t in guide.tags), "small"))
    version_line = f"版本 v{guide.version_number}"
    if guide.published_at:
        version_line += f" · 发布日期 {guide.published_at:%Y年%m月%d日}"
    title_block.append(paragraph(version_line, "small"))
    title_block.append(paragraph("扫描右侧二维码查看网上最新版本", "small"))
    story.append(layout_table([[title_block, qr]], col_widths=[FRAME_WIDTH - 30 * mm, 30 * mm]))
    if guide.is_demo:
        story.append(paragraph("说明：本指南为演示数据，并非官方办事指南原文。", "small"))

    story.append(paragraph("一、基本信息", "h1"))
    story.append(key_value_table(guide.summary_rows()))

    story.append(paragraph("二、受理条件", "h1"))
    story.extend(_list(guide.acceptance_conditions))

    story.append(paragraph("三、申请材料", "h1"))
    if guide.materials:
        rows = [["序号", "材料名称", "类型及份数", "形式", "必要性", "来源渠道"]]
        for m in guide.materials:
            name = m.name + (f"\n出具单位：{m.issuing_body}" if m.issuing_body else "")
            if m.filling_notes:
                name += f"\n填报须知：{m.filling_notes}"
            source = m.source + (f"\n{m.no_submission_hint}" if m.no_submission_hint else "")
            rows.append([str(m.order), name, m.copies, m.medium, m.necessity, source])
        story.append(table(rows, col_widths=[10 * mm, 62 * mm, 30 * mm, 20 * mm, 18 * mm, FRAME_WIDTH - 140 * mm]))
    else:
        story.append(paragraph("无需提交材料。"))

    story.append(paragraph("四、办理时限", "h1"))
    limits = [("法定办结时限", guide.statutory_limit), ("承诺办结时限", guide.promised_limit)]
    if guide.statutory_limit_note:
        limits.append(("法定时限说明", guide.statutory_limit_note))
    if guide.promised_limit_note:
        limits.append(("承诺时限说明", guide.promised_limit_note))
    story.append(key_value_table(limits))

    story.append(paragraph("五、收费标准", "h1"))
    if guide.fee_charged:
        if guide.fee_items:
            rows = [["收费项目", "收费标准", "减免政策"]] + [[f.name, f.standard, f.reduction or NOT_SET]
                                                              for f in guide.fee_items]
            story.append(table(rows, col_widths=[50 * mm, 60 * mm, FRAME_WIDTH - 110 * mm]))
        story.append(paragraph(f"收费依据：{guide.fee_basis or NOT_SET}"))
    else:
        story.append(paragraph("不收费。"))

    story.append(paragraph("六、办理流程", "h1"))
    if guide.process:
        rows = [["步骤", "环节", "说明", "时限"]] + [[str(i), s.name, s.description or "—", s.limit or "—"]
                                                    for i, s in enumerate(guide.process, start=1)]
        story.append(table(rows, col_widths=[12 * mm, 35 * mm, FRAME_WIDTH - 82 * mm, 35 * mm]))
    if guide.special_procedures:
        story.append(paragraph("特别程序", "h2"))
        story.append(paragraph("听证、检验、检测、检疫、鉴定、专家评审等特别程序所需时间不计入办结时限；"
                               "延长审批须经负责人批准并告知理由。", "small"))
        rows = [["名称", "类型", "最长时限", "说明"]] + [[s.name, s.kind or "—", s.max_days or "—", s.note or "—"]
                                                      for s in guide.special_procedures]
        story.append(table(rows, col_widths=[40 * mm, 45 * mm, 25 * mm, FRAME_WIDTH - 110 * mm]))

    story.append(paragraph("七、办理地点、时间和方式", "h1"))
    if guide.places:
        rows = [["办理地点", "地址", "办理时间", "电话"]] + [[p.name, p.address, p.hours, p.phone or "—"]
                                                         for p in guide.places]
        story.append(table(rows, col_widths=[40 * mm, 50 * mm, 45 * mm, FRAME_WIDTH - 135 * mm]))
    ways = [
        ("办理形式", "、".join(guide.handling_forms) or NOT_SET),
        ("到办事现场次数", f"{guide.visits} 次（{guide.visits_label}）"
         + (f"；原因：{guide.visits_reason}" if guide.visits_reason else "")),
        ("网上办理深度", "、".join(guide.online_depth) or NOT_SET),
    ]
    if guide.online_url:
        ways.append(("网上办理地址", guide.online_url))
    ways.append(("支持", "；".join(f"{s.label}：{'是' if s.supported else '否'}" for s in guide.supports)))
    if guide.cross_region_scope:
        ways.append(("通办范围", guide.cross_region_scope))
    if guide.intermediary_services:
        ways.append(("中介服务", guide.intermediary_services))
    if guide.quantity_limit:
        ways.append(("数量限制", guide.quantity_limit))
    story.append(Spacer(1, 2 * mm))
    story.append(key_value_table(ways))

    story.append(paragraph("八、办理结果", "h1"))
    story.append(key_value_table([("结果名称", guide.result_name or NOT_SET), ("结果类型", guide.result_type)]))

    story.append(paragraph("九、设定依据", "h1"))
    story.extend(_list(guide.legal_basis))

    if guide.faqs:
        story.append(paragraph("十、常见问题", "h1"))
        for i, faq in enumerate(guide.faqs, start=1):
            story.append(KeepTogether([paragraph(f"问{i}：{faq.question}", st["h2"]), paragraph(f"答：{faq.answer}")]))

    story.append(paragraph("咨询和投诉", "h1"))
    story.append(key_value_table([("咨询电话", guide.consultation_phone or "12345"),
                                  ("监督投诉电话", guide.complaint_phone or "12345")]))

    return build_pdf(
        story,
        title=f"{guide.name} 办事指南",
        subject=f"实施编码 {guide.implementation_code}",
        header=f"{guide.name} · 办事指南",
        footer=f"生成时间：{generated:%Y-%m-%d %H:%M} · 以窗口最新告知为准",
    )
