"""Code sets of the service catalog (GB/T 39046-2020 appendix A and the national exchange schema).

Stored values are the standard's codes where it has them, so exports need no mapping.
"""

from django.db import models

from yiwang.orgs.constants import ExerciseLevel  # noqa: F401  (re-exported: the catalog uses it too)


class ItemType(models.TextChoices):
    """事项类型代码 (A.1)."""

    LICENSING = "01", "行政许可"
    PENALTY = "02", "行政处罚"
    ENFORCEMENT = "03", "行政强制"
    LEVY = "04", "行政征收"
    BENEFIT = "05", "行政给付"
    INSPECTION = "06", "行政检查"
    CONFIRMATION = "07", "行政确认"
    REWARD = "08", "行政奖励"
    ADJUDICATION = "09", "行政裁决"
    OTHER_POWER = "10", "其他行政权力"
    # 行政备案 was added in 2022 and has no national code: "11" is this platform's extension code.
    FILING = "11", "行政备案（平台扩展代码）"
    PUBLIC_SERVICE = "20", "公共服务"


# Item types a citizen or enterprise applies for (依申请); the others are initiated by an agency.
ON_APPLICATION_TYPES = frozenset({
    ItemType.LICENSING, ItemType.BENEFIT, ItemType.CONFIRMATION, ItemType.ADJUDICATION, ItemType.REWARD,
    ItemType.FILING, ItemType.OTHER_POWER, ItemType.PUBLIC_SERVICE,
})


class AgencyNature(models.TextChoices):
    """实施主体性质."""

    STATUTORY = "1", "法定机关"
    AUTHORISED = "2", "授权组织"
    ENTRUSTED = "3", "受委托组织"
    OTHER = "9", "其他"


class ServiceObject(models.TextChoices):
    """服务对象 (multi-select)."""

    NATURAL_PERSON = "1", "自然人"
    ENTERPRISE = "2", "企业法人"
    INSTITUTION = "3", "事业法人"
    SOCIAL_ORGANISATION = "4", "社会组织法人"
    ADMINISTRATIVE_ORGAN = "5", "行政机关"
    OTHER = "6", "其他组织"


class HandlingForm(models.TextChoices):
    """办理形式 (multi-select)."""

    WINDOW = "1", "窗口办理"
    WEB = "2", "电脑端网上办理"
    MOBILE = "3", "移动端网上申请"
    POST = "4", "快递申请"
    OTHER = "9", "其他"


class CaseKind(models.TextChoices):
    """办件类型."""

    IMMEDIATE = "1", "即办件"
    PROMISED = "2", "承诺件"
    OTHER = "9", "其他"


class SpecialProcedureKind(models.TextChoices):
    """特别程序."""

    EXTENSION = "1", "延长审批"
    OTHER = "2", "其他特别程序（听证、检验、检测、检疫、鉴定、专家评审等）"


class Satisfaction(models.TextChoices):
    """满意度 (used by ratings)."""

    VERY_SATISFIED = "1", "非常满意"
    SATISFIED = "2", "满意"
    BASICALLY_SATISFIED = "3", "基本满意"
    DISSATISFIED = "4", "不满意"
    VERY_DISSATISFIED = "5", "非常不满意"


class OnlineDepth(models.TextChoices):
    """网上办理深度 (multi-select). All of 1–7 with zero visits is 全程网办."""

    CONSULTATION = "1", "互联网咨询"
    SUBMISSION = "2", "互联网收件"
    PRE_REVIEW = "3", "互联网预审"
    ACCEPTANCE = "4", "互联网受理"
    HANDLING = "5", "互联网办理"
    RESULT_FEEDBACK = "6", "办理结果信息反馈"
    LICENCE_FEEDBACK = "7", "电子证照反馈"


class CrossRegionScope(models.TextChoices):
    """通办范围."""

    NATIONAL = "national", "全国通办"
    CROSS_PROVINCE = "cross_province", "跨省通办"
    CROSS_CITY = "cross_city", "跨市通办"
    CROSS_COUNTY = "cross_county", "跨县通办"
    CITY_WIDE = "city_wide", "全市通办"


class LimitUnit(models.TextChoices):
    """时限单位. The law counts working days (行政许可法 §82) unless a rule says natural days."""

    WORKING_DAY = "working_day", "工作日"
    NATURAL_DAY = "natural_day", "自然日"
    IMMEDIATE = "immediate", "即办"


class HandlingItemKind(models.TextChoices):
    """业务办理项 split by what is done to the result."""

    NEW = "new", "新设"
    CHANGE = "change", "变更"
    RENEWAL = "renewal", "延续"
    CANCELLATION = "cancellation", "注销"
    REISSUE = "reissue", "补证/换证"
    OTHER = "other", "其他"


class ResultType(models.TextChoices):
    LICENCE = "licence", "证照"
    APPROVAL_DOCUMENT = "approval_document", "批文/决定书"
    CERTIFICATE = "certificate", "证明/凭证"
    FILING_RECEIPT = "filing_receipt", "备案回执"
    OTHER = "other", "其他"
    NONE = "none", "无"


class MaterialType(models.TextChoices):
    ORIGINAL = "original", "原件"
    COPY = "copy", "复印件"
    ORIGINAL_AND_COPY = "original_and_copy", "原件和复印件"
    ORIGINAL_OR_COPY = "original_or_copy", "原件或复印件"


class MaterialMedium(models.TextChoices):
    PAPER = "paper", "纸质"
    ELECTRONIC = "electronic", "电子"
    BOTH = "both", "纸质和电子"


class MaterialNecessity(models.TextChoices):
    REQUIRED = "required", "必要"
    OPTIONAL = "optional", "非必要"
    DEFERRABLE = "deferrable", "容缺后补"
    EXEMPT = "exempt", "信息免交"


class MaterialSource(models.TextChoices):
    APPLICANT = "applicant", "申请人自备"
    GOVERNMENT_ISSUED = "government_issued", "政府部门核发"
    LICENCE_LIBRARY = "licence_library", "电子证照库调取"
    ONLINE_FORM = "online_form", "在线填报"


class VersionStatus(models.TextChoices):
    """Life of one version of an implementation (its guide). See catalog/lifecycle.py."""

    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "待审核"
    RETURNED = "returned", "退回修改"
    APPROVED = "approved", "审核通过（待发布）"
    PUBLISHED = "published", "已发布"
    SUPERSEDED = "superseded", "已被新版本替代"


class VersionAction(models.TextChoices):
    """What a person does to a version; catalog/lifecycle.py maps (status, action) to the next status."""

    SUBMIT = "submit", "提交审核"
    APPROVE = "approve", "审核通过"
    RETURN = "return", "退回修改"
    PUBLISH = "publish", "发布"
    SUPERSEDE = "supersede", "被新版本替代"


# Statuses whose content is frozen: what citizens read and what cases were filed under.
FROZEN_STATUSES = frozenset({VersionStatus.PUBLISHED, VersionStatus.SUPERSEDED})
# Statuses in which an editor may change the content.
EDITABLE_STATUSES = frozenset({VersionStatus.DRAFT, VersionStatus.RETURNED})


# The lists (清单) an implementation can be on; each is a boolean on the version and a filter in
# search. Order is the display order.
CATALOG_FLAGS: dict[str, str] = {
    "commitment_eligible": "告知承诺制",
    "deferred_material_eligible": "容缺受理",
    "high_frequency": "高频事项",
    "city_wide": "全市通办",
    "in_hall": "进驻大厅",
    "weekend_service": "周末可办",
}


class LifeSubject(models.TextChoices):
    PERSON = "person", "个人（自然人）"
    ENTERPRISE = "enterprise", "法人（企业）"


class DataType(models.TextChoices):
    """Types of data elements; each maps to an input widget and a server-side check."""

    STRING = "string", "文本"
    TEXT = "text", "多行文本"
    INTEGER = "integer", "整数"
    DECIMAL = "decimal", "数值"
    DATE = "date", "日期"
    BOOLEAN = "boolean", "是/否"
    CHOICE = "choice", "单选"
    MULTI_CHOICE = "multi_choice", "多选"
    ID_NUMBER = "id_number", "居民身份证号码"
    USCC = "uscc", "统一社会信用代码"
    PHONE = "phone", "手机号码"
    EMAIL = "email", "电子邮箱"
    ADDRESS = "address", "地址"
    DIVISION = "division", "行政区划"


class ErrorCode:
    """Stable codes of catalog domain errors (machines depend on them; never rename one)."""

    # Consistency rules (STANDARDS §1), checked at submission: catalog/rules.py
    RULE_PROMISED_EXCEEDS_STATUTORY = "rule_promised_exceeds_statutory"
    RULE_LIMIT_UNIT_MISSING = "rule_limit_unit_missing"
    RULE_LIMIT_UNIT_MISMATCH = "rule_limit_unit_mismatch"
    RULE_PROMISED_LIMIT_MISSING = "rule_promised_limit_missing"
    RULE_IMMEDIATE_MISMATCH = "rule_immediate_mismatch"
    RULE_VISITS_REASON = "rule_visits_reason"
    RULE_ZERO_VISITS_DELIVERY = "rule_zero_visits_delivery"
    RULE_FEE_DETAILS = "rule_fee_details"
    RULE_FEE_ITEMS_WITHOUT_FEE = "rule_fee_items_without_fee"
    RULE_FEE_ONLINE_PAYMENT = "rule_fee_online_payment"
    RULE_PHONE_MISSING = "rule_phone_missing"
    RULE_PHONES_DIFFERENT = "rule_phones_different"
    RULE_PHONE_AREA_CODE = "rule_phone_area_code"
    RULE_RESULT_SAMPLE = "rule_result_sample"
    RULE_LICENSING_FAQ = "rule_licensing_faq"
    RULE_NAME_MISSING = "rule_name_missing"
    RULE_LEGAL_BASIS_MISSING = "rule_legal_basis_missing"
    RULE_ACCEPTANCE_CONDITIONS_MISSING = "rule_acceptance_conditions_missing"
    RULE_MATERIALS_MISSING = "rule_materials_missing"
    RULE_NO_MATERIALS_CONFLICT = "rule_no_materials_conflict"
    RULE_MATERIAL_INVALID = "rule_material_invalid"
    RULE_DEFERRABLE_NOT_ELIGIBLE = "rule_deferrable_not_eligible"
    RULE_LICENCE_TYPE_MISSING = "rule_licence_type_missing"
    RULE_CODE_INVALID = "rule_code_invalid"
    # Input checks of version_update / implementation_create (types, choices, unknown elements)
    FIELD_REQUIRED = "required"
    FIELD_INVALID = "invalid"
    FIELD_INVALID_CHOICE = "invalid_choice"
    FIELD_TOO_LONG = "too_long"
    FIELD_OUT_OF_RANGE = "out_of_range"
    FIELD_UNKNOWN = "unknown_field"
    FIELD_READ_ONLY = "read_only"
    # Versions and their review
    VERSION_IMMUTABLE = "version_immutable"
    VERSION_NOT_EDITABLE = "version_not_editable"
    DRAFT_EXISTS = "draft_exists"
    NO_PUBLISHED_VERSION = "no_published_version"
    SELF_REVIEW = "self_review"
    COMMENT_REQUIRED = "comment_required"
    IMPLEMENTATION_CODE_TAKEN = "implementation_code_taken"
    DIFF_OTHER_IMPLEMENTATION = "diff_other_implementation"
    # Application form data (catalog/application_form.py)
    FORM_REQUIRED = "required"
    FORM_INVALID = "invalid"
    FORM_INVALID_CHOICE = "invalid_choice"
    FORM_TOO_LONG = "too_long"
    FORM_PATTERN = "pattern_mismatch"
    FORM_OUT_OF_RANGE = "out_of_range"
    FORM_PHONE = "phone_format"
    FORM_DATE = "date_format"
    FORM_INCONSISTENT = "inconsistent"
    # Workbook import
    IMPORT_FAILED = "import_failed"
