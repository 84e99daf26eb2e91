"""Code sets of the 12345 hotline (国办发〔2020〕53号; GB/T 33358-2016) and enterprise visits.
Every value is stored; labels are what people read."""

from django.db import models


class Channel(models.TextChoices):
    PHONE = "phone", "电话"  # an agent's console while the caller is on the line
    WEB = "web", "网站"
    MOBILE = "mobile", "移动端"  # the H5 page on a phone
    SMS = "sms", "短信"
    LETTER = "letter", "来信"
    OPEN311 = "open311", "开放接口（Open311）"
    LEADER = "leader", "领导批示"
    ENTERPRISE = "enterprise", "企业诉求（大走访）"


class TicketType(models.TextChoices):
    CONSULTATION = "consultation", "咨询"
    HELP = "help", "求助"
    COMPLAINT = "complaint", "投诉"
    REPORT = "report", "举报"
    SUGGESTION = "suggestion", "建议"
    PRAISE = "praise", "表扬"


class Urgency(models.TextChoices):
    NORMAL = "normal", "一般"
    URGENT = "urgent", "紧急"
    CRITICAL = "critical", "特急"


class TicketStatus(models.TextChoices):
    RECEIVED = "received", "已接收"  # came in, nobody has looked yet
    ACCEPTED = "accepted", "已受理"  # an agent accepted it as a hotline matter
    ANSWERED = "answered", "已直接答复"  # a consultation answered by the agent (terminal)
    REJECTED = "rejected", "不予受理"  # not a matter for the hotline (terminal)
    MERGED = "merged", "已并单"  # follows its master ticket (terminal for itself)
    INVALID = "invalid", "无效"  # silent call, test, abuse (terminal)
    PENDING_DISPATCH = "pending_dispatch", "待派单"
    DISPATCHED = "dispatched", "已派单"
    SIGNED = "signed", "已签收"
    IN_PROGRESS = "in_progress", "办理中"
    ON_HOLD = "on_hold", "暂停办理"  # the clock is paused
    REPLIED = "replied", "已答复"  # the unit replied; the centre reviews
    RETURNED = "returned", "退回重办"  # the reply was not good enough
    PENDING_CALLBACK = "pending_callback", "待回访"
    CLOSED = "closed", "已办结"
    REOPEN_REQUESTED = "reopen_requested", "申请重启"  # the caller is not satisfied; a person decides


class TicketAction(models.TextChoices):
    ACCEPT = "accept", "受理"
    ANSWER = "answer", "直接答复"
    REJECT = "reject", "不予受理"
    MERGE = "merge", "并单"
    INVALIDATE = "invalidate", "标为无效"
    QUEUE = "queue", "转待派单"
    DISPATCH = "dispatch", "派单"
    SIGN = "sign", "签收"
    SEND_BACK = "send_back", "退单（派错）"  # the unit returns a wrongly assigned ticket
    START = "start", "开始办理"
    HOLD = "hold", "暂停办理"
    RESUME = "resume", "恢复办理"
    REPLY = "reply", "答复"
    REWORK = "rework", "退回重办"
    APPROVE_REPLY = "approve_reply", "审核通过"
    CLOSE = "close", "办结"
    REQUEST_REOPEN = "request_reopen", "申请重启"
    REOPEN = "reopen", "同意重启"
    REFUSE_REOPEN = "refuse_reopen", "不予重启"


# Once here the ticket is over for the public (Open311 "closed").
TERMINAL_STATUSES = frozenset({TicketStatus.ANSWERED, TicketStatus.REJECTED, TicketStatus.MERGED,
                               TicketStatus.INVALID, TicketStatus.CLOSED})
# Dispatched to a unit and not yet replied: the handling clock runs (except on hold).
UNIT_STATUSES = frozenset({TicketStatus.DISPATCHED, TicketStatus.SIGNED, TicketStatus.IN_PROGRESS,
                           TicketStatus.ON_HOLD, TicketStatus.RETURNED})


class Closure(models.TextChoices):
    RESOLVED = "resolved", "已解决"
    PARTLY = "partly", "部分解决"
    EXPLAINED = "explained", "已解释说明"  # no legal basis or not possible: explained to the caller


class CallbackResolved(models.TextChoices):
    RESOLVED = "resolved", "已解决"
    PARTLY = "partly", "部分解决"
    UNRESOLVED = "unresolved", "未解决"


class CallbackSource(models.TextChoices):
    PHONE = "phone", "电话回访"
    CITIZEN = "citizen", "群众网上评价"
    SMS = "sms", "短信回访"


class MeasureKind(models.TextChoices):
    """Records with their own clocks, never states (the ticket's status does not change)."""

    REMINDER = "reminder", "催办"
    SUPERVISION = "supervision", "督办"
    BULLETIN = "bulletin", "通报"
    EXTENSION = "extension", "延期申请"
    PRIORITY = "priority", "提级"


class MeasureStatus(models.TextChoices):
    OPEN = "open", "未处理"
    ANSWERED = "answered", "已回应"
    APPROVED = "approved", "已批准"
    REFUSED = "refused", "未批准"


class Milestone(models.TextChoices):
    """Which clock an escalation rule watches."""

    SIGN = "sign", "签收时限"
    HANDLING = "handling", "办理时限"
    CALLBACK = "callback", "回访时限"


class LimitUnit(models.TextChoices):
    WORKING = "working", "工作日"
    NATURAL = "natural", "自然日"


class HandlerRole(models.TextChoices):
    PRIMARY = "primary", "主办"
    CO = "co", "协办"


class EmergencyLine(models.TextChoices):
    POLICE = "110", "110 报警"
    FIRE = "119", "119 火警"
    AMBULANCE = "120", "120 急救"
    TRAFFIC = "122", "122 交通事故"


class VisitTargetKind(models.TextChoices):
    PROJECT = "project", "重点项目"
    ENTERPRISE = "enterprise", "规上企业"


class AppealMode(models.TextChoices):
    """The two lines of seed 004 (两线并行): on site by the leader's team, or dispatched."""

    ON_SITE = "on_site", "包抓领导现场协调"
    DISPATCHED = "dispatched", "转办（派单）"


class AppealCategory(models.TextChoices):
    """The 14 appeal categories of Xianyang's enterprise-visit platform (seed 004). The seed names
    企业开办注销, 施工许可证办理, 获得水电气暖, 办理不动产登记 as categories and 咨询, 企业运行成本,
    获得信贷, 行政审批中介服务 in its figures; the other six follow the business-environment indicators
    the same document works to (marked in docs/hotline.md)."""

    CONSULTATION = "consultation", "咨询类问题"
    STARTUP_CLOSURE = "startup_closure", "企业开办注销"
    CONSTRUCTION_PERMIT = "construction_permit", "施工许可证办理"
    UTILITIES = "utilities", "获得水电气暖"
    PROPERTY_REGISTRATION = "property_registration", "办理不动产登记"
    CREDIT = "credit", "获得信贷难度和成本"
    OPERATING_COSTS = "operating_costs", "企业运行成本"
    INTERMEDIARY = "intermediary", "行政审批中介服务"
    TAXES = "taxes", "纳税服务"
    LAND = "land", "项目用地"
    LABOUR = "labour", "用工招聘"
    POLICY = "policy", "惠企政策兑现"
    ENFORCEMENT = "enforcement", "执法检查与合同执行"
    LOGISTICS = "logistics", "物流交通与配套"


class ErrorCode:
    TICKET_NOT_FOUND = "ticket_not_found"
    NOT_CONSULTATION = "answer_not_consultation"
    TYPE_NOT_ALLOWED = "ticket_type_not_allowed"
    STREET_LEVEL_REFUSED = "functional_item_street_level"
    RETURN_WINDOW_PASSED = "return_window_passed"
    TEXT_REQUIRED = "text_required"
    MERGE_NOT_OPEN = "merge_not_open"
    MERGE_SELF = "merge_self"
    MERGE_MASTER_MERGED = "merge_master_merged"
    EXTENSION_TOO_LONG = "extension_too_long"
    EXTENSION_PENDING = "extension_pending"
    CALLBACK_NOT_DUE = "callback_not_due"
    RATING_NOT_ALLOWED = "rating_not_allowed"
    EMERGENCY_UNCONFIRMED = "emergency_unconfirmed"
    NO_UNIT = "no_unit"
