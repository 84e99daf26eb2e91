"""Code sets of e-licences (GB/T 36901–36905-2018) and of person/enterprise profiles."""

from django.db import models


class LicenceStatus(models.TextChoices):
    """The states of STANDARDS §6 (and of 行政许可法 §69–§70), plus one for replaced versions."""

    VALID = "valid", "有效"  # issued and within its validity period
    EXPIRED = "expired", "已失效（有效期届满）"  # validity period over, not renewed (§70 (一) → to be cancelled)
    REVOKED = "revoked", "已撤销"  # 撤销: the decision was unlawful or obtained by deceit (§69)
    CANCELLED = "cancelled", "已注销"  # 注销: the licence ends by law (§70): expired, subject gone, revoked …
    WITHDRAWN = "withdrawn", "已吊销"  # 吊销: an administrative penalty (行政处罚法 §9)
    SUPERSEDED = "superseded", "已换发新版本"  # renewal or change issued a new version; the new one counts


# States in which a licence proves anything today.
CURRENT_STATUSES = frozenset({LicenceStatus.VALID})


class LicenceAction(models.TextChoices):
    EXPIRE = "expire", "到期失效"  # the system, the day after valid_until
    REVOKE = "revoke", "撤销"
    CANCEL = "cancel", "注销"
    WITHDRAW = "withdraw", "吊销"
    SUPERSEDE = "supersede", "换发新版本"  # renewal (延续) or change (变更)


class HolderKind(models.TextChoices):
    """持证主体类型 with the identifier that keys it."""

    PERSON = "person", "自然人（居民身份证）"
    ENTERPRISE = "enterprise", "法人及其他组织（统一社会信用代码）"


class ValidityRule(models.TextChoices):
    LONG_TERM = "long_term", "长期有效"
    FIXED_TERM = "fixed_term", "自发证之日起固定期限（月）"
    # 居民身份证法 §5: under 16 → 5 years; 16–25 → 10; 26–45 → 20; 46 and older → long term.
    RESIDENT_ID_CARD = "resident_id_card", "按持证人年龄（居民身份证法第五条）"


class NumberRule(models.TextChoices):
    """How the licence's own number (证照编号) is formed."""

    HOLDER_ID = "holder_id", "证照编号即持证主体代码（身份证号 / 统一社会信用代码）"
    GENERATED = "generated", "发证机关编号：前缀 + 年份 + 顺序号"


class LicenceSource(models.TextChoices):
    CASE = "case", "办件办结后自动签发"
    IMPORT = "import", "存量证照批量导入"
    RENEWAL = "renewal", "延续 / 变更换发"
    DEMO = "demo", "演示数据"


class KeyStatus(models.TextChoices):
    ACTIVE = "active", "使用中"  # signs new licences
    RETIRED = "retired", "已停用"  # still verifies what it signed; signs nothing new


class VerificationChannel(models.TextChoices):
    PAGE = "page", "核验网页（输入证照标识）"
    API = "api", "核验接口"
    QR = "qr", "扫描证照文件上的二维码"
    WALLET = "wallet", "扫描持证人手机上的亮证码"


class VerificationOutcome(models.TextChoices):
    VALID = "valid", "真实有效"
    EXPIRED = "expired", "真实，但已过有效期"
    REVOKED = "revoked", "真实，但已被撤销"
    CANCELLED = "cancelled", "真实，但已被注销"
    WITHDRAWN = "withdrawn", "真实，但已被吊销"
    SUPERSEDED = "superseded", "真实，但已换发新版本"
    ALTERED = "altered", "内容与签名不符（被篡改）"
    NOT_FOUND = "not_found", "查无此证（可能伪造）"
    MALFORMED = "malformed", "证照标识格式或校验位错误"
    QR_FORGED = "qr_forged", "二维码内容与签名不符（伪造）"
    TOKEN_EXPIRED = "token_expired", "亮证码已过期"


GENUINE_OUTCOMES = frozenset({
    VerificationOutcome.VALID, VerificationOutcome.EXPIRED, VerificationOutcome.REVOKED, VerificationOutcome.CANCELLED,
    VerificationOutcome.WITHDRAWN, VerificationOutcome.SUPERSEDED, VerificationOutcome.TOKEN_EXPIRED,
})


# --- Profiles (一人一档 / 一企一档) ---------------------------------------------------------------


class SubjectKind(models.TextChoices):
    PERSON = "person", "个人"
    ENTERPRISE = "enterprise", "企业"


class DisabilityGrade(models.TextChoices):
    """GB/T 26341-2010 残疾人残疾分类和分级: grade one is the most severe."""

    NONE = "", "无"
    GRADE_1 = "1", "一级"
    GRADE_2 = "2", "二级"
    GRADE_3 = "3", "三级"
    GRADE_4 = "4", "四级"


class EmploymentStatus(models.TextChoices):
    UNKNOWN = "", "未登记"
    EMPLOYED = "employed", "在职"
    FLEXIBLE = "flexible", "灵活就业"
    SELF_EMPLOYED = "self_employed", "个体经营 / 自主创业"
    UNEMPLOYED = "unemployed", "登记失业"
    RETIRED = "retired", "退休"
    STUDENT = "student", "在校学生"


class HouseholdKind(models.TextChoices):
    """户别 on the household register."""

    UNKNOWN = "", "未登记"
    FAMILY = "family", "家庭户"
    COLLECTIVE = "collective", "集体户"


class EnterpriseSize(models.TextChoices):
    """企业划型 (工信部联企业〔2011〕300号): large, medium, small, micro."""

    UNKNOWN = "", "未划型"
    LARGE = "large", "大型"
    MEDIUM = "medium", "中型"
    SMALL = "small", "小型"
    MICRO = "micro", "微型"


class CreditGrade(models.TextChoices):
    """公共信用综合评价等级 (local default A–D; 纳税信用 uses A/B/M/C/D and is mapped at the edge)."""

    UNKNOWN = "", "未评价"
    A = "A", "A 级（诚信）"
    B = "B", "B 级（良好）"
    C = "C", "C 级（警示）"
    D = "D", "D 级（失信）"


class AttributeSource(models.TextChoices):
    ACCOUNT = "account", "实名账号"
    LICENCE = "licence", "电子证照"
    STAFF = "staff", "工作人员录入"


class ErrorCode:
    IDENTIFIER_INVALID = "licence_identifier_invalid"
    LICENCE_NOT_FOUND = "licence_not_found"
    TYPE_NOT_FOUND = "licence_type_not_found"
    NO_ISSUER_CODE = "issuer_without_uscc"
    IMPORT_FAILED = "licence_import_failed"
    REASON_REQUIRED = "reason_required"
    PROFILE_NOT_FOUND = "profile_not_found"
    FIELD_INVALID = "field_invalid"
    FIELD_TOO_LONG = "field_too_long"
    CONTROL_CHARACTERS = "control_characters"
