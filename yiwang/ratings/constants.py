"""The five satisfaction levels of 好差评 (GB/T 39734 / 39735-2020; 国办发〔2019〕51号).

The *meaning* is stored (a stable English value); numeric codes differ between interfaces
(GB/T 39046 appendix A uses 1 = 非常满意 … 5 = 非常不满意, some provincial systems the reverse) and
are translated only at the edge, by the client of that interface. The 12345 hotline's callback
satisfaction uses the same levels, so both feed one set of indicators.

Everything else of the ratings domain that is stored or exchanged is here too: stages, channels,
the standard list of bad-rating reasons, the rectification loop's states, appeals, error codes."""

from django.db import models


class SatisfactionLevel(models.TextChoices):
    VERY_SATISFIED = "very_satisfied", "非常满意"
    SATISFIED = "satisfied", "满意"
    BASICALLY_SATISFIED = "basically_satisfied", "基本满意"
    DISSATISFIED = "dissatisfied", "不满意"
    VERY_DISSATISFIED = "very_dissatisfied", "非常不满意"


# 差评: 不满意 or 非常不满意 (GB/T 39734).
BAD_LEVELS = frozenset({SatisfactionLevel.DISSATISFIED, SatisfactionLevel.VERY_DISSATISFIED})
# Satisfaction rate counts 非常满意, 满意 and 基本满意 as satisfied (the definition used in docs/ratings.md).
SATISFIED_LEVELS = frozenset({SatisfactionLevel.VERY_SATISFIED, SatisfactionLevel.SATISFIED,
                              SatisfactionLevel.BASICALLY_SATISFIED})

# GB/T 39046 appendix A 满意度 code set: code -> meaning.
GBT_39046_CODES = {
    "1": SatisfactionLevel.VERY_SATISFIED,
    "2": SatisfactionLevel.SATISFIED,
    "3": SatisfactionLevel.BASICALLY_SATISFIED,
    "4": SatisfactionLevel.DISSATISFIED,
    "5": SatisfactionLevel.VERY_DISSATISFIED,
}
# The reversed order some provincial interfaces use (5 = 非常满意 … 1 = 非常不满意).
REVERSED_CODES = {str(6 - int(code)): level for code, level in GBT_39046_CODES.items()}
# Stars as rating screens show them (GB/T 39734: five stars for 非常满意 … one for 非常不满意).
STARS = {level: 6 - int(code) for code, level in GBT_39046_CODES.items()}


class RatingStage(models.TextChoices):
    """What a rating is about. A single case is rated once, as a whole (一事一评); a staged bundle
    may rate acceptance, review and delivery separately (STANDARDS §4), each member case apart."""

    OVERALL = "overall", "整体服务"  # the case as a whole: the only stage offered for a single case
    ACCEPTANCE = "acceptance", "受理环节"  # rateable once the case is accepted
    REVIEW = "review", "审批环节"  # rateable once it is decided
    DELIVERY = "delivery", "出件环节"  # rateable once it is delivered


class RatingChannel(models.TextChoices):
    """Where the rating was given (STANDARDS §4: PC, mobile, QR code, hall tablet, other hall
    terminal, phone, SMS)."""

    PC = "pc", "电脑端网页"
    MOBILE = "mobile", "移动端"
    QR = "qr", "扫描二维码（窗口或文书上）"
    TABLET = "tablet", "大厅评价平板"
    TERMINAL = "terminal", "大厅自助终端"
    PHONE = "phone", "电话（语音按键）"
    SMS = "sms", "短信"


# Channels where the rater is on our own pages (logged in, or holding a signed link).
PAGE_CHANNELS = frozenset({RatingChannel.PC, RatingChannel.MOBILE, RatingChannel.QR, RatingChannel.TABLET,
                           RatingChannel.SMS})
# Channels that post through the channel API as a registered system (kiosk, phone system, SMS gateway).
SYSTEM_CHANNELS = frozenset({RatingChannel.TERMINAL, RatingChannel.PHONE, RatingChannel.SMS, RatingChannel.TABLET})


class IdentityCheck(models.TextChoices):
    """How a channel system verified that the person rating is the applicant."""

    ID_CARD = "id_card", "读取居民身份证（或人脸核验）"  # kiosk / tablet: the card in the reader
    PHONE_NUMBER = "phone_number", "来电或短信号码与登记手机一致"  # phone system / SMS gateway


class BadReason(models.TextChoices):
    """The standard list of reasons for a bad rating.

    Source: the national unified evaluation content of 好差评 (全国一体化在线政务服务平台“好差评”
    评价内容, published with 国办发〔2019〕51号 and applied by GB/T 39734-2020): online services are
    rated on 办事效率, 办事指南精确度, 办事便捷度 and 平台操作性; services at the hall on 服务效率,
    服务水平 and 服务态度. A bad rating names at least one of these as what went wrong, plus 其他 with
    the rater's own words. The values are stable (stored and uploaded); the labels are what people read.
    """

    EFFICIENCY = "efficiency", "办事效率低（时间长、环节多）"  # 线上：办事效率
    GUIDE_ACCURACY = "guide_accuracy", "办事指南不准确、不清楚"  # 线上：办事指南精确度
    CONVENIENCE = "convenience", "办事不便捷（材料多、跑动多）"  # 线上：办事便捷度
    PLATFORM = "platform", "网站或手机端操作不便"  # 线上：平台操作性
    SERVICE_EFFICIENCY = "service_efficiency", "窗口等候或办理时间长"  # 线下：服务效率
    SERVICE_COMPETENCE = "service_competence", "工作人员业务不熟、解释不清"  # 线下：服务水平
    SERVICE_ATTITUDE = "service_attitude", "工作人员服务态度差"  # 线下：服务态度
    OTHER = "other", "其他问题（请在说明中写明）"


class RectificationStatus(models.TextChoices):
    """The bad-rating loop (差评整改, STANDARDS §4). See lifecycle.py for the transitions."""

    VERIFYING = "verifying", "待核实"  # opened by the bad rating: call back and verify
    RECTIFYING = "rectifying", "整改中"  # verified: fix (now or by the deadline) or explain
    AWAITING_APPROVAL = "awaiting_approval", "待领导审核"  # the result waits for the leader's approval
    FOLLOWING_UP = "following_up", "待回访"  # the result is told to the rater; the follow-up call is due
    CLOSED = "closed", "已办结"  # followed up (reached, or attempts exhausted)
    EXCLUDED = "excluded", "申诉成立，不再整改"  # an upheld appeal ended the loop; the rating is kept


# States in which the loop's own clock runs (the result is not reported yet).
CLOCK_RUNNING = frozenset({RectificationStatus.VERIFYING, RectificationStatus.RECTIFYING,
                           RectificationStatus.AWAITING_APPROVAL})
# States in which the result has been reported to the rater.
RESULT_REPORTED = frozenset({RectificationStatus.FOLLOWING_UP, RectificationStatus.CLOSED})


class RectificationAction(models.TextChoices):
    VERIFY = "verify", "核实"
    REPORT = "report", "反馈处理结果"
    SUBMIT_FOR_APPROVAL = "submit_for_approval", "提交领导审核"
    APPROVE = "approve", "审核同意"
    RETURN = "return", "退回重新整改"
    FOLLOW_UP_REACHED = "follow_up_reached", "回访（已联系上）"
    FOLLOW_UP_UNREACHED = "follow_up_unreached", "回访（未联系上）"
    FOLLOW_UP_EXHAUSTED = "follow_up_exhausted", "回访（多次未联系上，结束回访）"
    EXCLUDE = "exclude", "申诉成立，终止整改"


class Handling(models.TextChoices):
    """How a verified bad rating is handled (STANDARDS §4)."""

    FIX_NOW = "fix_now", "立行立改（问题清楚、诉求合理）"
    FIX_BY_DEADLINE = "fix_by_deadline", "限期整改（情况复杂，说明并记录）"
    EXPLAIN = "explain", "解释说明（诉求无法律依据、不属实或不合理）"


class AppealGround(models.TextChoices):
    MALICIOUS = "malicious", "恶意差评"
    MISTAKEN = "mistaken", "误评（评价对象或内容有误）"


class AppealStatus(models.TextChoices):
    PENDING = "pending", "待复核"
    UPHELD = "upheld", "申诉成立（不计入统计）"
    REJECTED = "rejected", "申诉不成立"


class UploadState(models.TextChoices):
    """The provincial upload of one rating (the latest revision of its record)."""

    PENDING = "pending", "待上报"
    SENT = "sent", "已上报"
    FAILED = "failed", "上报失败（需人工处理）"


class ErrorCode:
    """Stable codes of rating domain errors."""

    STAFF_CANNOT_RATE = "staff_cannot_rate"
    NOT_THE_APPLICANT = "not_the_applicant"
    ALREADY_RATED = "already_rated"
    STAGE_NOT_OPEN = "rating_stage_not_open"
    REASONS_REQUIRED = "bad_rating_reasons_required"
    COMMENT_REQUIRED = "bad_rating_comment_required"
    TOKEN_INVALID = "rating_token_invalid"  # noqa: S105 (an error code, not a secret)
    TOKEN_EXPIRED = "rating_token_expired"  # noqa: S105
    IDENTITY_MISMATCH = "rating_identity_mismatch"
    CHANNEL_NOT_REGISTERED = "rating_channel_not_registered"
    APPEAL_WINDOW_CLOSED = "appeal_window_closed"
    APPEAL_EXISTS = "appeal_exists"
    APPEAL_NOT_BAD = "appeal_only_for_bad_ratings"
    APPEAL_NOT_HIGHER = "appeal_decider_not_higher"
    FIX_ALREADY_RATED = "fix_already_rated"
    FIX_NOT_REPORTED = "fix_not_reported"
    RATING_IMMUTABLE = "rating_immutable"
