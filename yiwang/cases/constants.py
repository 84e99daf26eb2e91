"""Code sets of applications and cases. Values are stable: they are stored and exchanged."""

from django.db import models


class Channel(models.TextChoices):
    """Where an application came in (受理渠道)."""

    WEB = "web", "网站"
    MOBILE = "mobile", "移动端"
    WINDOW = "window", "综合窗口"
    KIOSK = "kiosk", "自助终端"
    POST = "post", "邮寄"
    HOTLINE = "hotline", "12345 热线"
    # Filed by the platform itself for a subject found eligible (免申即享, by the policies app): the
    # case waits for the subject's confirmation before it counts as received.
    PROACTIVE = "proactive", "主动服务（免申即享）"


# Channels an applicant may name when filing themselves; the others are recorded by the staff member
# who received the application there (a window, the post room, the hotline).
SELF_SERVICE_CHANNELS = frozenset({Channel.WEB, Channel.MOBILE})


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", "草稿"  # saved, not yet submitted; can be resumed
    SUBMITTED = "submitted", "已提交"  # cases exist from here on
    WITHDRAWN = "withdrawn", "已撤回"  # withdrawn while still a draft, or with all its cases


class CaseStatus(models.TextChoices):
    """The legal lifecycle (行政许可法 §32 acceptance, §42 decision, §44 delivery). See lifecycle.py."""

    # 免申即享: created by the platform, prefilled; nothing counts (no receipt, no clock) until the
    # subject confirms (→ submitted); declined → withdrawn, left unconfirmed too long → terminated.
    AWAITING_CONFIRMATION = "awaiting_confirmation", "待确认领取"
    SUBMITTED = "submitted", "已提交待受理"
    CORRECTION_REQUESTED = "correction_requested", "待补正"  # one-time notice issued (§32)
    REFUSED = "refused", "不予受理"
    ACCEPTED = "accepted", "已受理"  # acceptance recorded; the back-office process starts next
    UNDER_REVIEW = "under_review", "审查中"
    SUSPENDED = "suspended", "特别程序中"  # hearing, inspection, testing … the clock is paused (§45)
    APPROVED = "approved", "准予（已决定）"
    DENIED = "denied", "不予准予（已决定）"
    CONCLUDED = "concluded", "已办结"  # result produced; awaiting delivery
    DELIVERED = "delivered", "已送达"
    WITHDRAWN = "withdrawn", "已撤回"
    TERMINATED = "terminated", "已终止"  # e.g. deferred materials not supplied in time
    REVOKED = "revoked", "已撤销"  # decision revoked, e.g. a false commitment (国办发〔2020〕42号)


# Statuses in which the case is finished for the clock and the worklists.
CLOSED_STATUSES = frozenset({
    CaseStatus.REFUSED, CaseStatus.DELIVERED, CaseStatus.WITHDRAWN, CaseStatus.TERMINATED, CaseStatus.REVOKED,
})
# Statuses in which the decision clock (§42) runs or is paused.
CLOCK_STATUSES = frozenset({CaseStatus.ACCEPTED, CaseStatus.UNDER_REVIEW, CaseStatus.SUSPENDED})


class CaseAction(models.TextChoices):
    ACCEPT = "accept", "受理"
    DEEM_ACCEPT = "deem_accept", "视为受理（§32 逾期未告知）"
    REQUEST_CORRECTIONS = "request_corrections", "一次性告知补正"
    RESUBMIT = "resubmit", "补正后重新提交"
    REFUSE = "refuse", "不予受理"
    START_REVIEW = "start_review", "开始审查"
    PAUSE = "pause", "启动特别程序（暂停计时）"
    RESUME = "resume", "特别程序结束（恢复计时）"
    APPROVE = "approve", "准予"
    DENY = "deny", "不予准予"
    CONCLUDE = "conclude", "办结"
    DELIVER = "deliver", "送达"
    WITHDRAW = "withdraw", "撤回申请"
    TERMINATE = "terminate", "终止办理"
    REVOKE = "revoke", "撤销决定"
    CONFIRM = "confirm", "确认领取"  # 免申即享: the subject confirms the case the platform prepared
    DECLINE = "decline", "放弃领取"
    LAPSE = "lapse", "逾期未确认"


class AcceptanceMode(models.TextChoices):
    NORMAL = "normal", "一般受理"
    DEFERRED = "deferred", "容缺受理"
    COMMITMENT = "commitment", "告知承诺"
    DEEMED = "deemed", "视为受理（逾期未告知，§32）"


class Decision(models.TextChoices):
    APPROVED = "approved", "准予"
    DENIED = "denied", "不予准予"


class MaterialSatisfaction(models.TextChoices):
    """How a material requirement of an application is met."""

    UPLOAD = "upload", "上传"
    REUSE = "reuse", "复用历史材料"
    LICENCE = "licence", "电子证照免提交"  # a valid held licence (the `cases.material_sources` hook)
    FORM = "form", "在线填报"  # the material is the application form itself, filled online
    PAPER = "paper", "窗口收取纸质材料"
    DEFERRED = "deferred", "容缺后补"
    COMMITMENT = "commitment", "以承诺代替"
    MISSING = "missing", "未提供"


class MaterialReview(models.TextChoices):
    PENDING = "pending", "待核验"
    OK = "ok", "合格"
    NEEDS_CORRECTION = "needs_correction", "需补正"


class SpecialProcedure(models.TextChoices):
    """Procedures that do not count toward the limit (行政许可法 §45)."""

    HEARING = "hearing", "听证"
    TENDER = "tender", "招标、拍卖"
    INSPECTION = "inspection", "现场核查/检查"
    TESTING = "testing", "检验、检测、检疫"
    APPRAISAL = "appraisal", "鉴定"
    EXPERT_REVIEW = "expert_review", "专家评审"
    PUBLIC_NOTICE = "public_notice", "公示"
    OTHER = "other", "其他特别程序"


class DeliveryMethod(models.TextChoices):
    WINDOW = "window", "窗口领取"
    MAIL = "mail", "邮寄送达"
    LOCKER = "locker", "智能信包箱自取"
    ELECTRONIC = "electronic", "电子送达（仅电子结果）"


class WarningKind(models.TextChoices):
    """Monitoring (电子监察) warnings."""

    DUE_SOON = "due_soon", "即将到期（黄牌）"
    OVERDUE = "overdue", "已超期（红牌）"
    ACCEPTANCE_LATE = "acceptance_late", "受理超 5 个工作日未决定"
    DELIVERY_LATE = "delivery_late", "决定后超 10 日未送达"
    DEFERRED_MATERIALS_OVERDUE = "deferred_materials_overdue", "容缺材料逾期未补齐"
    COMMITMENT_VERIFICATION_DUE = "commitment_verification_due", "告知承诺核查到期"


class WarningColour(models.TextChoices):
    NONE = "", "正常"
    YELLOW = "yellow", "黄牌"
    RED = "red", "红牌"


class DocumentKind(models.TextChoices):
    ACCEPTANCE_NOTICE = "acceptance_notice", "受理通知书"
    REFUSAL_DECISION = "refusal_decision", "不予受理决定书"
    CORRECTION_NOTICE = "correction_notice", "补正材料通知书（一次性告知书）"
    DEFERRED_ACCEPTANCE_NOTICE = "deferred_acceptance_notice", "容缺受理通知书"
    COMMITMENT_LETTER = "commitment_letter", "告知承诺书"
    SPECIAL_PROCEDURE_NOTICE = "special_procedure_notice", "特别程序告知书"
    EXTENSION_NOTICE = "extension_notice", "延长审批期限告知书"
    DECISION = "decision", "行政决定书"
    RECEIPT = "receipt", "材料接收凭证"


class TaskStatus(models.TextChoices):
    READY = "ready", "待办"
    CLAIMED = "claimed", "办理中"
    COMPLETED = "completed", "已完成"
    CANCELLED = "cancelled", "已取消"


# A task in a work queue: ready for anyone with its role, or claimed by one officer.
OPEN_TASK_STATUSES = (TaskStatus.READY, TaskStatus.CLAIMED)


class TransferStatus(models.TextChoices):
    SENT = "sent", "已寄出"
    RECEIVED = "received", "已签收"


class DropOffChoice(models.TextChoices):
    """How the applicant will bring the paper materials (the wizard's choice)."""

    WINDOW = "window", "到窗口递交（或无需纸质材料）"
    LOCKER = "locker", "投递到24小时自助信包箱"


class DropOffStatus(models.TextChoices):
    """Paper materials left in a 24-hour locker for the hall (drop-off, 全城通港)."""

    AWAITING = "awaiting", "待投入信包箱"
    DEPOSITED = "deposited", "已投入信包箱"
    COLLECTED = "collected", "已由工作人员取出"
    HANDED_OVER = "handed_over", "已送达大厅"  # the courier brought them to the hall; it signs next
    RECEIVED = "received", "大厅已签收"
    CANCELLED = "cancelled", "已取消"


class ErrorCode:
    """Stable codes of case domain errors."""

    IDEMPOTENCY_CONFLICT = "idempotency_conflict"
    NOT_PUBLISHED = "item_not_published"
    FORM_INVALID = "form_invalid"
    MATERIALS_MISSING = "materials_missing"
    FILE_TOO_LARGE = "file_too_large"
    FILE_TYPE = "file_type_not_allowed"
    FILE_UNSAFE = "file_unsafe"  # active content in a PDF, HTML around it, a ZIP bomb
    NOT_ELIGIBLE_COMMITMENT = "not_eligible_commitment"
    NOT_ELIGIBLE_DEFERRED = "not_eligible_deferred"
    DEFERRAL_DEADLINE = "deferral_deadline_too_late"
    DEFERRED_INCOMPLETE = "deferred_materials_incomplete"
    ACCEPTANCE_PERIOD_OVER = "acceptance_period_over"
    REASON_REQUIRED = "reason_required"
    WRONG_AGENCY = "wrong_agency"
    DELIVERY_LOCKED = "delivery_locked"
    PICKUP_CODE = "pickup_code_invalid"
    NOT_CITY_WIDE = "not_city_wide"
    BPMN_INVALID = "bpmn_invalid"
    BPMN_UNTRUSTED = "bpmn_untrusted_expression"
    TASK_NOT_YOURS = "task_not_yours"
    CHANNEL_NOT_ALLOWED = "channel_not_allowed"
    PAPER_NOT_ALLOWED = "paper_not_allowed"


class CaseHook:
    """Named hooks (yiwang.core.hooks) the cases app calls, so higher apps (licences, ratings,
    bundles …) act on its events without cases importing them. Handlers run inside the caller's
    transaction; `actor` is the person who acted, or None when the system did (monitoring)."""

    ACCEPTED = "case.accepted"  # (case, actor): accepted or deemed accepted; the review has started
    REFUSED = "case.refused"  # (case, actor): 不予受理
    WITHDRAWN = "case.withdrawn"  # (case, actor): the applicant withdrew
    TERMINATED = "case.terminated"  # (case, actor): ended early (an approver, lapsed deferred materials, a false promise)
    REVOKED = "case.revoked"  # (case, actor, reason): the decision revoked (a false commitment)
    DECIDED = "case.decided"  # (case, actor): approved or denied (case.status says which)
    CONCLUDED = "case.concluded"  # (case, actor): 办结 — the result exists; delivery follows
    DELIVERED = "case.delivered"  # (case, actor): the result reached the applicant
    # (case, actor, audience) -> None | (template_name, context): a panel on the case page;
    # audience is "applicant", "window", "department" or "public".
    CASE_PAGE_PANELS = "cases.case_page_panels"
    # (applicant, requirement, on_date) -> None | {"source", "identifier", "satisfies", "reason",
    # "message", ...}: a held e-licence offered for a material requirement naming a licence type.
    MATERIAL_SOURCES = "cases.material_sources"
    # (lat, lng, area) -> [(locker id, label, distance in metres | None)]: lockers near the
    # applicant, nearest first, those within 5 km before the rest (servicemap); `area` is a value
    # from LOCKER_AREAS standing for a point; no point: every locker, distance None. Without a
    # handler, every registered locker is offered.
    NEARBY_LOCKERS = "cases.nearby_lockers"
    # (address) -> {"groups": [(group label, [(area value, label)])], "default": area value | ""}:
    # where the applicant may say she is when her phone does not share its position (districts,
    # street centres); `default` is the district named in `address`.
    LOCKER_AREAS = "cases.locker_areas"
