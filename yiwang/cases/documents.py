"""The written documents of a case (行政许可法 §32: acceptance or refusal is a written, dated
document; §45 and §42: special procedures and extensions are told in writing).

Each is a PDF with the agency, the case number, the date and a QR code that opens the case's
public progress page, in the embedded CJK font, stored with its SM3 digest.

Issuing has two halves, so nothing slow runs while the case row is locked:
- `document_issue`, inside the decision's transaction: the document row with its number and the
  *facts* it states, taken at that moment (a later extension must not change what an acceptance
  notice said), as plain JSON;
- `document_render`, after the commit (transaction.on_commit): the PDF is built from those facts
  alone and stored. A reader who arrives before it ran (or after a crash in between) gets it
  rendered then (`document_file`), from the same facts, so every copy says the same.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from reportlab.lib.units import mm
from reportlab.platypus import Spacer, Table, TableStyle

from yiwang.cases.constants import AcceptanceMode, Decision, DocumentKind, MaterialSatisfaction, SpecialProcedure
from yiwang.cases.models import Case, CaseDocument
from yiwang.catalog.selectors import version_facts
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


def correction_target_labels(version_id: int) -> dict[str, str]:
    """What a correction item's target ("form/<key>", "materials/<id>") names, in words: the notice
    must say which material or entry is wrong, not only what is wrong with it."""
    facts = version_facts(version_id)
    labels = {"": "整体"}
    for f in facts.form_fields:
        labels[f"form/{f.data_element.key}"] = f"表单：{f.label or f.data_element.name}"
    for m in facts.materials:
        labels[f"materials/{m.pk}"] = f"材料：{m.name}"
    return labels


def progress_url(case: Case) -> str:
    path = reverse("cases:progress_qr", kwargs={"number": case.number, "code": case.verification_code})
    return settings.YIWANG_PUBLIC_BASE_URL.rstrip("/") + path


# ---------------------------------------------------------------------------------------------
# Issuing (in the transaction)


def document_issue(*, case: Case, kind: str, actor, context: dict) -> CaseDocument:
    """Issue a document on a case the caller has locked: number it and record what it states; the
    PDF follows after commit."""
    today = timezone.localdate()
    agency_short = case.agency.short_name or case.agency.name
    sequence = CaseDocument.objects.filter(case=case, kind=kind).count() + 1
    number = f"{agency_short}{_NUMBER_PREFIX[kind]}字〔{today.year}〕{case.number}-{sequence}号"
    doc = CaseDocument.objects.create(case=case, kind=kind, number=number, issued_on=today, sm3="",
                                      facts={**document_facts(case=case, kind=kind, number=number, issued_on=today,
                                                              context=context), "sequence": sequence})
    record_event(actor=actor, action="case.document_issued", obj=case, details={"kind": kind, "number": number})
    transaction.on_commit(lambda: document_render(document_id=doc.pk), robust=True)
    return doc


def _day(value: date | None) -> str:
    return value.isoformat() if value else ""


def document_facts(*, case: Case, kind: str, number: str, issued_on: date, context: dict) -> dict:
    """Everything the document states, as JSON (read now, under the case lock)."""
    facts = {
        "kind": kind, "number": number, "issued_on": _day(issued_on), "agency": case.agency.name,
        "case_number": case.number, "item": case.version.name, "applicant_name": case.applicant_name,
        "outlet": case.outlet.name if case.outlet_id else "网上申请", "progress_url": progress_url(case),
        "verification_code": case.verification_code,
    }
    if kind == DocumentKind.ACCEPTANCE_NOTICE:
        facts.update(
            received_on=_day(case.received_on), mode=case.acceptance_mode,
            mode_label=AcceptanceMode(case.acceptance_mode).label if case.acceptance_mode else "",
            limit_days=case.limit_days, limit_unit=case.limit_unit, due_on=_day(case.due_on),
            waits_for=([c.version.name for c in case.depends_on.select_related("version").order_by("id")]
                       if case.waiting_since else []),
            materials=[[m.requirement.name, MaterialSatisfaction(m.satisfaction).label] for m in
                       case.application.materials.select_related("requirement").order_by("requirement__order")])
    elif kind == DocumentKind.CORRECTION_NOTICE:
        about = correction_target_labels(case.version_id)
        facts["items"] = [[about.get(str(it.get("target") or ""), "整体"), it["problem"], it["fix"]]
                          for it in context["notice"].items]
    elif kind == DocumentKind.REFUSAL_DECISION:
        refusal = context["refusal"]
        facts.update(reason=refusal.reason, legal_basis=refusal.legal_basis,
                     competent_agency=refusal.competent_agency.name if refusal.competent_agency else "",
                     competent_agency_note=refusal.competent_agency_note)
    elif kind == DocumentKind.DEFERRED_ACCEPTANCE_NOTICE:
        deferral = context["record"]
        facts.update(deadline=_day(deferral.deadline), form_note=deferral.form_note, consequence=deferral.consequence,
                     commitment_text=deferral.commitment_text,
                     materials=[m.name for m in deferral.requirements.order_by("order")])
    elif kind == DocumentKind.COMMITMENT_LETTER:
        commitment = context["record"]
        facts.update(conditions=list(commitment.conditions), liability_text=commitment.liability_text,
                     commitment_text=commitment.commitment_text,
                     verification_due_on=_day(commitment.verification_due_on))
    elif kind == DocumentKind.SPECIAL_PROCEDURE_NOTICE:
        pause = context["pause"]
        facts.update(procedure=SpecialProcedure(pause.procedure).label, reason=pause.reason,
                     expected_days=pause.expected_days, first_day=_day(pause.started_on),
                     last_day=_day(pause.last_day) if pause.last_day else None)
    elif kind == DocumentKind.EXTENSION_NOTICE:
        ext = context["extension"]
        facts.update(reason=ext.reason, days=ext.days, previous_due_on=_day(ext.previous_due_on),
                     new_due_on=_day(ext.new_due_on))
    elif kind == DocumentKind.DECISION:
        facts.update(decision=case.decision, reasons=case.decision_reasons, legal_basis=case.decision_legal_basis)
    return facts


# ---------------------------------------------------------------------------------------------
# Rendering (after commit; no case row is locked)


def document_render(*, document_id: int) -> CaseDocument | None:
    """Build the PDF of an issued document from its facts and store it (once)."""
    doc = CaseDocument.objects.filter(pk=document_id).first()
    if doc is None or doc.sm3:
        return doc
    pdf = render_pdf(doc.facts)
    with transaction.atomic():
        doc = CaseDocument.objects.select_for_update().get(pk=document_id)
        if doc.sm3:  # rendered meanwhile by a reader: the same facts, the same text
            return doc
        doc.sm3 = sm3_hex(pdf)
        doc.file.save(f"{doc.facts['case_number']}-{doc.kind}-{doc.facts['sequence']}.pdf", ContentFile(pdf), save=False)
        doc.save(update_fields=["file", "sm3", "updated_at"])
        record_event(actor="system", action="case.document_rendered", obj=doc,
                     details={"case": doc.facts["case_number"], "number": doc.number, "sm3": doc.sm3})
    return doc


def document_file(doc: CaseDocument):
    """The PDF of a document for a reader; rendered now if the after-commit step has not run."""
    if not doc.sm3:
        doc = document_render(document_id=doc.pk) or doc
    return doc.file


def _date(text: str) -> str:
    return f"{date.fromisoformat(text):%Y年%m月%d日}" if text else "—"


_APPEAL = "如不服本决定，可以自收到本决定书之日起六十日内依法申请行政复议，或者在六个月内依法提起行政诉讼。"


def _body(f: dict) -> list:
    kind = f["kind"]
    item = f["item"]
    flow: list = []
    if kind == DocumentKind.ACCEPTANCE_NOTICE:
        flow.append(paragraph(
            f"{f['applicant_name']}：\n你（单位）于 {_date(f['received_on'])} 提出的「{item}」申请，"
            f"申请材料齐全、符合法定形式，本机关决定予以受理（{f['mode_label']}）。"
            + (f"本事项须待{'、'.join(f'「{n}」' for n in f['waits_for'])}办结后办理，"
               f"本机关将自其办结之次日起 {f['limit_days']} 个{'自然日' if f['limit_unit'] == 'natural' else '工作日'}内作出决定，"
               "办结期限届时另行告知；" if f.get("waits_for") else
               f"本机关将在 {f['limit_days']} 个{'自然日' if f['limit_unit'] == 'natural' else '工作日'}内"
               f"（即 {_date(f['due_on'])} 前）作出决定；")
            + "依法需要听证、检验、检测、鉴定、专家评审等的，所需时间不计算在内，届时另行书面告知。"))
        if f["mode"] == AcceptanceMode.DEEMED:
            flow.append(paragraph("本机关未在法定期限内告知补正，依据《中华人民共和国行政许可法》第三十二条，"
                                  "自收到申请材料之日起即为受理。"))
        flow.append(paragraph("已收取的申请材料：", "h2"))
        rows = [["序号", "材料名称", "提交方式"]] + [[str(i), name, how] for i, (name, how) in enumerate(f["materials"], 1)]
        flow.append(table(rows, col_widths=[14 * mm, 110 * mm, 46 * mm]))
    elif kind == DocumentKind.CORRECTION_NOTICE:
        flow.append(paragraph(
            f"{f['applicant_name']}：\n你（单位）提出的「{item}」申请，经审查，申请材料不齐全或不符合法定形式。"
            "依据《中华人民共和国行政许可法》第三十二条，现一次性告知需要补正的全部内容如下，请补正后重新提交："))
        rows = [["序号", "涉及内容", "问题", "补正要求"]] + [[str(i), *row] for i, row in enumerate(f["items"], 1)]
        flow.append(table(rows, col_widths=[12 * mm, 40 * mm, 59 * mm, 59 * mm]))
        flow.append(paragraph("补正材料齐全后，本机关将自收到之日起重新计算受理期限。"))
    elif kind == DocumentKind.REFUSAL_DECISION:
        text = f"{f['applicant_name']}：\n你（单位）提出的「{item}」申请，经审查，决定不予受理。\n理由：{f['reason']}"
        if f["legal_basis"]:
            text += f"\n依据：{f['legal_basis']}"
        if f["competent_agency"] or f["competent_agency_note"]:
            text += f"\n该申请事项不属于本机关职权范围，请向 {f['competent_agency']}{f['competent_agency_note']} 申请。"
        flow.append(paragraph(text))
        flow.append(paragraph(_APPEAL))
    elif kind == DocumentKind.DEFERRED_ACCEPTANCE_NOTICE:
        flow.append(paragraph(
            f"{f['applicant_name']}：\n你（单位）提出的「{item}」申请，主要申请材料齐全，次要材料暂缺。"
            f"根据容缺受理制度，本机关予以容缺受理。请于 {_date(f['deadline'])} 前，以「{f['form_note']}」方式补交下列材料："))
        rows = [["序号", "需补交的材料"]] + [[str(i), name] for i, name in enumerate(f["materials"], 1)]
        flow.append(table(rows, col_widths=[14 * mm, 156 * mm]))
        flow.append(paragraph(f"逾期未补交的后果：{f['consequence']}\n审批结果在材料补齐后出具。"))
        flow.append(paragraph(f"申请人承诺：{f['commitment_text']}"))
        flow.append(paragraph("申请人（签字）：____________    日期：____________"))
    elif kind == DocumentKind.COMMITMENT_LETTER:
        flow.append(paragraph(f"事项：{item}\n本机关告知如下条件，申请人承诺已经符合："))
        rows = [["序号", "告知的条件/需证明的事项"]] + [[str(i), c] for i, c in enumerate(f["conditions"], 1)]
        flow.append(table(rows, col_widths=[14 * mm, 156 * mm]))
        flow.append(paragraph(f"虚假承诺的法律责任：{f['liability_text']}"))
        flow.append(paragraph(f"申请人承诺：{f['commitment_text']}"))
        flow.append(paragraph(f"本机关将于 {_date(f['verification_due_on'])} 前对承诺内容进行核查。"))
        flow.append(paragraph("申请人（签字）：____________    日期：____________"))
    elif kind == DocumentKind.SPECIAL_PROCEDURE_NOTICE:
        flow.append(paragraph(
            f"{f['applicant_name']}：\n你（单位）申请的「{item}」，依法需要进行{f['procedure']}。"
            f"理由：{f['reason']}\n{_procedure_period(f)}依据《中华人民共和国行政许可法》第四十五条，"
            "特别程序期间（首尾两日均含）不计算在办理期限内，结束后恢复计算并另行告知新的办结期限。"))
    elif kind == DocumentKind.EXTENSION_NOTICE:
        flow.append(paragraph(
            f"{f['applicant_name']}：\n你（单位）申请的「{item}」，因{f['reason']}，经本机关负责人批准，"
            f"办理期限延长 {f['days']} 个工作日，办结期限由 {_date(f['previous_due_on'])} 延至 {_date(f['new_due_on'])}。"
            "（《中华人民共和国行政许可法》第四十二条）"))
    elif kind == DocumentKind.DECISION:
        approved = f["decision"] == Decision.APPROVED
        text = (f"{f['applicant_name']}：\n你（单位）申请的「{item}」，经审查，本机关决定{'准予' if approved else '不予准予'}。"
                f"\n理由：{f['reasons']}")
        if f["legal_basis"]:
            text += f"\n依据：{f['legal_basis']}"
        flow.append(paragraph(text))
        if not approved:
            flow.append(paragraph(_APPEAL))
    return flow


def render_pdf(f: dict) -> bytes:
    """The PDF of a document from its facts alone (no database)."""
    title = DocumentKind(f["kind"]).label
    agency = f["agency"]
    issued_on = date.fromisoformat(f["issued_on"])
    flow = [paragraph(agency, "h2"), paragraph(title, "title"), paragraph(f["number"], "small"), Spacer(1, 4 * mm)]
    flow.append(key_value_table([
        ("办件编号", f["case_number"]), ("申请事项", f["item"]), ("申请人", f["applicant_name"]), ("受理网点", f["outlet"]),
    ]))
    flow.append(Spacer(1, 4 * mm))
    flow += _body(f)
    flow.append(Spacer(1, 8 * mm))
    qr = qr_flowable(f["progress_url"], size=28 * mm)
    sign = [paragraph(f"{agency}\n（电子印章）\n{issued_on:%Y年%m月%d日}"),
            paragraph(f"扫码查询办理进度\n查询验证码：{f['verification_code']}", "small")]
    t = Table([[qr, sign]], colWidths=[34 * mm, 136 * mm])
    t.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    flow.append(t)
    return build_pdf(flow, title=f"{title} {f['case_number']}", header=f"{agency} · {title}",
                     footer=f"办件编号 {f['case_number']} · 西安市一体化政务服务平台")


def _procedure_period(f: dict) -> str:
    """The notice's dates: first and last day (both inclusive), or the first day and the expected
    length when the last day is not yet known. Older notices stored only the expected length."""
    if not f.get("first_day"):
        return f"预计需要 {f['expected_days']} 日。"
    if f.get("last_day"):
        return f"特别程序自 {_date(f['first_day'])} 起至 {_date(f['last_day'])} 止。"
    return f"特别程序自 {_date(f['first_day'])} 起，预计需要 {f['expected_days']} 日，结束日期另行告知。"
