"""The written documents of a case (行政许可法 §32: acceptance or refusal is a written, dated
document; §45 and §42: special procedures and extensions are told in writing).

Each is a PDF with the agency, the case number, the date and a QR code that opens the case's
public progress page, in the embedded CJK font. Generated inside the decision's transaction so the
clerk can print it at once, and stored with its SM3 digest.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone
from reportlab.lib.units import mm
from reportlab.platypus import Spacer, Table, TableStyle

from yiwang.cases.constants import AcceptanceMode, DocumentKind, MaterialSatisfaction, SpecialProcedure
from yiwang.cases.models import Case, CaseDocument
from yiwang.core.audit import record_event
from yiwang.core.crypto import sm3_hex
from yiwang.core.pdf import build_pdf, key_value_table, paragraph, qr_flowable, table

# The abbreviation in document numbers: 受 (受理), 补 (补正), 不受 (不予受理) …
_NUMBER_PREFIX = {
    DocumentKind.ACCEPTANCE_NOTICE: "受",
    DocumentKind.REFUSAL_DECISION: "不受",
    DocumentKind.CORRECTION_NOTICE: "补",
    DocumentKind.DEFERRED_ACCEPTANCE_NOTICE: "容",
    DocumentKind.COMMITMENT_LETTER: "诺",
    DocumentKind.SPECIAL_PROCEDURE_NOTICE: "特",
    DocumentKind.EXTENSION_NOTICE: "延",
    DocumentKind.DECISION: "决",
    DocumentKind.RECEIPT: "收",
}



def correction_target_labels(version) -> dict[str, str]:
    """What a correction item's target ("form/<key>", "materials/<id>") names, in words: the notice
    must say which material or entry is wrong, not only what is wrong with it."""
    labels = {"": "整体"}
    for f in version.form_fields.select_related("data_element"):
        labels[f"form/{f.data_element.key}"] = f"表单：{f.label or f.data_element.name}"
    for m in version.materials.all():
        labels[f"materials/{m.pk}"] = f"材料：{m.name}"
    return labels

def progress_url(case: Case) -> str:
    path = reverse("cases:progress_qr", kwargs={"number": case.number, "code": case.verification_code})
    return settings.YIWANG_PUBLIC_BASE_URL.rstrip("/") + path


def document_issue(*, case: Case, kind: str, actor, context: dict) -> CaseDocument:
    today = timezone.localdate()
    agency_short = case.agency.short_name or case.agency.name
    sequence = CaseDocument.objects.filter(case=case, kind=kind).count() + 1
    number = f"{agency_short}{_NUMBER_PREFIX[kind]}字〔{today.year}〕{case.number}-{sequence}号"
    pdf = render_document(case=case, kind=kind, number=number, issued_on=today, context=context)
    doc = CaseDocument(case=case, kind=kind, number=number, issued_on=today, sm3=sm3_hex(pdf))
    doc.file.save(f"{case.number}-{kind}-{sequence}.pdf", ContentFile(pdf), save=False)
    doc.save()
    record_event(actor=actor, action="case.document_issued", obj=case,
                 details={"kind": kind, "number": number, "sm3": doc.sm3})
    return doc


def _materials_table(case: Case) -> Table:
    rows = [["序号", "材料名称", "提交方式"]]
    for i, m in enumerate(case.application.materials.select_related("requirement").order_by("requirement__order"), 1):
        rows.append([str(i), m.requirement.name, MaterialSatisfaction(m.satisfaction).label])
    return table(rows, col_widths=[14 * mm, 110 * mm, 46 * mm])


def _body(case: Case, kind: str, context: dict) -> list:
    v = case.version
    due = f"{case.due_on:%Y年%m月%d日}" if case.due_on else "—"
    flow: list = []
    if kind == DocumentKind.ACCEPTANCE_NOTICE:
        mode = AcceptanceMode(case.acceptance_mode).label if case.acceptance_mode else ""
        flow.append(paragraph(
            f"{case.applicant_name}：\n你（单位）于 {case.received_on:%Y年%m月%d日} 提出的「{v.name}」申请，"
            f"申请材料齐全、符合法定形式，本机关决定予以受理（{mode}）。"
            f"本机关将在 {case.limit_days} 个{'自然日' if case.limit_unit == 'natural' else '工作日'}内"
            f"（即 {due} 前）作出决定；依法需要听证、检验、检测、鉴定、专家评审等的，所需时间不计算在内，届时另行书面告知。"))
        if case.acceptance_mode == AcceptanceMode.DEEMED:
            flow.append(paragraph("本机关未在法定期限内告知补正，依据《中华人民共和国行政许可法》第三十二条，"
                                  "自收到申请材料之日起即为受理。"))
        flow.append(paragraph("已收取的申请材料：", "h2"))
        flow.append(_materials_table(case))
    elif kind == DocumentKind.CORRECTION_NOTICE:
        notice = context["notice"]
        flow.append(paragraph(
            f"{case.applicant_name}：\n你（单位）提出的「{v.name}」申请，经审查，申请材料不齐全或不符合法定形式。"
            "依据《中华人民共和国行政许可法》第三十二条，现一次性告知需要补正的全部内容如下，请补正后重新提交："))
        about = correction_target_labels(v)
        rows = [["序号", "涉及内容", "问题", "补正要求"]] + [
            [str(i), about.get(str(it.get("target") or ""), "整体"), it["problem"], it["fix"]]
            for i, it in enumerate(notice.items, 1)]
        flow.append(table(rows, col_widths=[12 * mm, 40 * mm, 59 * mm, 59 * mm]))
        flow.append(paragraph("补正材料齐全后，本机关将自收到之日起重新计算受理期限。"))
    elif kind == DocumentKind.REFUSAL_DECISION:
        refusal = context["refusal"]
        text = (f"{case.applicant_name}：\n你（单位）提出的「{v.name}」申请，经审查，决定不予受理。\n"
                f"理由：{refusal.reason}")
        if refusal.legal_basis:
            text += f"\n依据：{refusal.legal_basis}"
        if refusal.competent_agency or refusal.competent_agency_note:
            where = refusal.competent_agency.name if refusal.competent_agency else ""
            text += f"\n该申请事项不属于本机关职权范围，请向 {where}{refusal.competent_agency_note} 申请。"
        flow.append(paragraph(text))
        flow.append(paragraph("如不服本决定，可以自收到本决定书之日起六十日内依法申请行政复议，或者在六个月内依法提起行政诉讼。"))
    elif kind == DocumentKind.DEFERRED_ACCEPTANCE_NOTICE:
        deferral = context["record"]
        flow.append(paragraph(
            f"{case.applicant_name}：\n你（单位）提出的「{v.name}」申请，主要申请材料齐全，次要材料暂缺。"
            f"根据容缺受理制度，本机关予以容缺受理。请于 {deferral.deadline:%Y年%m月%d日} 前，以「{deferral.form_note}」方式补交下列材料："))
        rows = [["序号", "需补交的材料"]] + [[str(i), m.name] for i, m in enumerate(deferral.requirements.order_by("order"), 1)]
        flow.append(table(rows, col_widths=[14 * mm, 156 * mm]))
        flow.append(paragraph(f"逾期未补交的后果：{deferral.consequence}\n审批结果在材料补齐后出具。"))
        flow.append(paragraph(f"申请人承诺：{deferral.commitment_text}"))
        flow.append(paragraph("申请人（签字）：____________    日期：____________"))
    elif kind == DocumentKind.COMMITMENT_LETTER:
        commitment = context["record"]
        flow.append(paragraph(f"事项：{v.name}\n本机关告知如下条件，申请人承诺已经符合："))
        rows = [["序号", "告知的条件/需证明的事项"]] + [[str(i), c] for i, c in enumerate(commitment.conditions, 1)]
        flow.append(table(rows, col_widths=[14 * mm, 156 * mm]))
        flow.append(paragraph(f"虚假承诺的法律责任：{commitment.liability_text}"))
        flow.append(paragraph(f"申请人承诺：{commitment.commitment_text}"))
        flow.append(paragraph(f"本机关将于 {commitment.verification_due_on:%Y年%m月%d日} 前对承诺内容进行核查。"))
        flow.append(paragraph("申请人（签字）：____________    日期：____________"))
    elif kind == DocumentKind.SPECIAL_PROCEDURE_NOTICE:
        pause = context["pause"]
        flow.append(paragraph(
            f"{case.applicant_name}：\n你（单位）申请的「{v.name}」，依法需要进行{SpecialProcedure(pause.procedure).label}。"
            f"理由：{pause.reason}\n预计需要 {pause.expected_days} 日。依据《中华人民共和国行政许可法》第四十五条，"
            "所需时间不计算在办理期限内，结束后恢复计算并另行告知新的办结期限。"))
    elif kind == DocumentKind.EXTENSION_NOTICE:
        ext = context["extension"]
        flow.append(paragraph(
            f"{case.applicant_name}：\n你（单位）申请的「{v.name}」，因{ext.reason}，经本机关负责人批准，"
            f"办理期限延长 {ext.days} 个工作日，办结期限由 {ext.previous_due_on:%Y年%m月%d日} 延至 {ext.new_due_on:%Y年%m月%d日}。"
            "（《中华人民共和国行政许可法》第四十二条）"))
    elif kind == DocumentKind.DECISION:
        verdict = "准予" if case.decision == "approved" else "不予准予"
        text = f"{case.applicant_name}：\n你（单位）申请的「{v.name}」，经审查，本机关决定{verdict}。\n理由：{case.decision_reasons}"
        if case.decision_legal_basis:
            text += f"\n依据：{case.decision_legal_basis}"
        flow.append(paragraph(text))
        if case.decision != "approved":
            flow.append(paragraph("如不服本决定，可以自收到本决定书之日起六十日内依法申请行政复议，或者在六个月内依法提起行政诉讼。"))
    return flow


def render_document(*, case: Case, kind: str, number: str, issued_on: date, context: dict) -> bytes:
    title = DocumentKind(kind).label
    agency = case.agency.name
    flow = [paragraph(agency, "h2"), paragraph(title, "title"), paragraph(number, "small"), Spacer(1, 4 * mm)]
    flow.append(key_value_table([
        ("办件编号", case.number), ("申请事项", case.version.name), ("申请人", case.applicant_name),
        ("受理网点", case.outlet.name if case.outlet_id else "网上申请"),
    ]))
    flow.append(Spacer(1, 4 * mm))
    flow += _body(case, kind, context)
    flow.append(Spacer(1, 8 * mm))
    qr = qr_flowable(progress_url(case), size=28 * mm)
    sign = [paragraph(f"{agency}\n（电子印章）\n{issued_on:%Y年%m月%d日}"),
            paragraph(f"扫码查询办理进度\n查询验证码：{case.verification_code}", "small")]
    t = Table([[qr, sign]], colWidths=[34 * mm, 136 * mm])
    t.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    flow.append(t)
    return build_pdf(flow, title=f"{title} {case.number}", header=f"{agency} · {title}",
                     footer=f"办件编号 {case.number} · 西安市一体化政务服务平台")
