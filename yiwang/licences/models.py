"""E-licences (电子证照) and person/enterprise profiles (一人一档 / 一企一档).

A `LicenceType` is what a licence is (居民身份证, 营业执照 …) with its GB/T 36904 type code; a
`Licence` is one issued licence version, identified by its GB/T 36904 identifier, signed with the
issuing agency's SM2 key (`IssuerKey`, private part SM4-encrypted at rest). Every state change is
a `LicenceStatusChange`; every check by anyone is a `Verification` the holder can read.

A `Profile` gathers what the platform knows about one subject, keyed by the resident ID number or
USCC (SM4-encrypted, HMAC-SM3 blind index); every staff view is a `ProfileAccess` row (and an audit
event) the subject can read.
"""

from __future__ import annotations

import json

from django.conf import settings
from django.db import models

from yiwang.core.base_model import BaseModel
from yiwang.core.crypto import mask_id_number, mask_name
from yiwang.core.fields import EncryptedTextField
from yiwang.licences.constants import (
    AttributeSource,
    CreditGrade,
    DisabilityGrade,
    EmploymentStatus,
    EnterpriseSize,
    HolderKind,
    HouseholdKind,
    KeyStatus,
    LicenceSource,
    LicenceStatus,
    NumberRule,
    SubjectKind,
    ValidityRule,
    VerificationChannel,
    VerificationOutcome,
)

# Blind-index purpose shared by licence holders and profile subjects, so "the licences of this
# profile" is one indexed equality (the accounts app keeps its own purposes).
SUBJECT_INDEX_PURPOSE = "licence-subject"


class LicenceType(BaseModel):
    """证照类型 with the metadata rules of GB/T 36902/36904 and how the platform issues it."""

    code = models.CharField("证照类型代码", max_length=21, unique=True,
                            help_text="GB/T 36904：定义部门统一社会信用代码（18 位）+ 3 位顺序号")
    catalog_code = models.CharField("事项目录中的证照代码", max_length=40, unique=True, null=True, blank=True,
                                    help_text="事项目录（材料、办理结果）引用本类型时使用的平台代码，如 LIC-BUSINESS-LICENCE")
    name = models.CharField("证照名称", max_length=100)
    defining_authority = models.CharField("证照定义部门", max_length=100)
    code_is_platform = models.BooleanField("平台自编类型代码", default=True,
                                           help_text="是：定义部门的统一社会信用代码为平台自编（真实代码未收录），上线前替换为国家目录代码")
    issuing_agency = models.ForeignKey("orgs.Organisation", null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="+", verbose_name="默认发证机关",
                                       help_text="导入存量证照时的默认发证机关；办件签发时以办件的实施机关为发证机关")
    holder_kind = models.CharField("持证主体", max_length=20, choices=HolderKind.choices, default=HolderKind.PERSON)
    validity_rule = models.CharField("有效期规则", max_length=30, choices=ValidityRule.choices,
                                     default=ValidityRule.LONG_TERM)
    validity_months = models.PositiveSmallIntegerField("有效期（月）", null=True, blank=True)
    number_rule = models.CharField("证照编号规则", max_length=20, choices=NumberRule.choices, default=NumberRule.GENERATED)
    number_prefix = models.CharField("编号前缀", max_length=20, blank=True)
    # {"title": "...", "fields": [{"key": "enterprise.address", "label": "住所"}, ...],
    #  "holder": {"name": "child.name", "id": "child.id_number"}}: the extra fields printed and
    # signed (filled from the case's form data by data-element key), and where the holder comes
    # from when it is not the applicant (a child's birth certificate).
    template = models.JSONField("证照模板", default=dict, blank=True)
    legal_basis = models.CharField("设立依据", max_length=300, blank=True)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        ordering = ["name", "code"]
        verbose_name = verbose_name_plural = "证照类型"

    def __str__(self) -> str:
        return self.name

    @property
    def template_fields(self) -> list[dict]:
        return [f for f in (self.template or {}).get("fields", []) if isinstance(f, dict) and f.get("key")]


class ResultMapping(BaseModel):
    """The licence type an item issues when its guide does not name one: keyed by the base catalog
    code (基本编码), so every agency's implementation of the item maps alike."""

    basic_code = models.CharField("基本编码", max_length=40, unique=True)
    licence_type = models.ForeignKey(LicenceType, on_delete=models.PROTECT, related_name="result_mappings")
    note = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        ordering = ["basic_code"]
        verbose_name = verbose_name_plural = "办理结果与证照类型对照"

    def __str__(self) -> str:
        return f"{self.basic_code} → {self.licence_type}"


class IssuerKey(BaseModel):
    """An issuing agency's SM2 key pair. The public key is published (page and JSON); the private
    key is stored SM4-encrypted (yiwang.core.fields) and only decrypted to sign."""

    agency = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name="发证机关")
    key_id = models.CharField("密钥标识", max_length=16, unique=True)
    public_key = models.CharField("公钥（十六进制，非压缩）", max_length=130)
    private_key = EncryptedTextField("私钥（SM4 加密存储）")
    status = models.CharField("状态", max_length=20, choices=KeyStatus.choices, default=KeyStatus.ACTIVE)
    retired_at = models.DateTimeField("停用时间", null=True, blank=True)

    class Meta:
        ordering = ["agency_id", "-created_at"]
        verbose_name = verbose_name_plural = "发证机关签名密钥"
        constraints = [
            models.UniqueConstraint(fields=["agency"], condition=models.Q(status="active"), name="issuer_key_one_active"),
        ]

    def __str__(self) -> str:
        return f"{self.key_id}（{self.get_status_display()}）"

    @property
    def public_key_bytes(self) -> bytes:
        return bytes.fromhex(self.public_key)


class SerialCounter(models.Model):
    """The last serial an issuer gave a licence type in a year (locked while numbering)."""

    licence_type = models.ForeignKey(LicenceType, on_delete=models.CASCADE, related_name="+")
    issuer = models.ForeignKey("orgs.Organisation", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["licence_type", "issuer", "year"], name="licence_serial_unique")]


class Licence(BaseModel):
    """One version of one e-licence."""

    identifier = models.CharField("电子证照标识", max_length=100, unique=True)
    licence_type = models.ForeignKey(LicenceType, on_delete=models.PROTECT, related_name="licences")
    serial = models.CharField("顺序号", max_length=30)
    version = models.PositiveSmallIntegerField("版本号", default=1)
    previous = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT, related_name="next_version",
                                    verbose_name="上一版本")
    name = models.CharField("证照名称", max_length=100)
    number = EncryptedTextField("证照编号")
    number_index = models.CharField(max_length=64, db_index=True, editable=False)
    holder_kind = models.CharField("持证主体类型", max_length=20, choices=HolderKind.choices)
    holder_name = models.CharField("持证主体", max_length=200)
    holder_id = EncryptedTextField("持证主体代码")
    holder_id_index = models.CharField(max_length=64, db_index=True, editable=False)
    issuer = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name="发证机关")
    issuer_name = models.CharField("发证机关名称", max_length=200)
    issuer_code = models.CharField("发证机关代码", max_length=18)
    issued_on = models.DateField("发证日期")
    valid_from = models.DateField("有效期起始")
    valid_until = models.DateField("有效期截止", null=True, blank=True, help_text="空：长期有效")
    division_code = models.CharField("行政区划", max_length=20, blank=True)
    # The type's extra fields (JSON), encrypted: they hold addresses and such.
    attributes_json = EncryptedTextField("证照信息项", blank=True, default="")
    status = models.CharField("状态", max_length=20, choices=LicenceStatus.choices, default=LicenceStatus.VALID,
                              db_index=True)
    status_reason = models.TextField("状态原因", blank=True)
    source = models.CharField("来源", max_length=20, choices=LicenceSource.choices)
    source_case = models.ForeignKey("cases.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                    verbose_name="来源办件")
    pdf = models.FileField("证照文件", upload_to="licences/pdf/", blank=True)
    pdf_sm3 = models.CharField("证照文件 SM3", max_length=64)
    signed_key = models.ForeignKey(IssuerKey, on_delete=models.PROTECT, related_name="licences", verbose_name="签名密钥")
    signature = models.CharField("签名值（SM2，十六进制）", max_length=128)
    qr_signature = models.CharField("二维码签名值", max_length=128)
    signed_at = models.DateTimeField("签名时间")

    class Meta:
        ordering = ["-issued_on", "-id"]
        verbose_name = verbose_name_plural = "电子证照"
        constraints = [
            # One licence per case: a retried decision hook never issues twice.
            models.UniqueConstraint(fields=["source_case"], condition=models.Q(source_case__isnull=False),
                                    name="licence_one_per_case"),
            models.UniqueConstraint(fields=["licence_type", "issuer", "serial", "version"], name="licence_serial_version"),
        ]
        indexes = [models.Index(fields=["holder_id_index", "licence_type"], name="licence_holder_idx"),
                   models.Index(fields=["status", "valid_until"], name="licence_status_until_idx")]

    def __str__(self) -> str:
        return f"{self.name} {self.identifier}"

    @property
    def attributes(self) -> dict:
        return json.loads(self.attributes_json) if self.attributes_json else {}

    @property
    def masked_holder_name(self) -> str:
        return self.holder_name if self.holder_kind == HolderKind.ENTERPRISE else mask_name(self.holder_name)

    @property
    def masked_holder_id(self) -> str:
        return mask_id_number(self.holder_id)


class LicenceStatusChange(models.Model):
    licence = models.ForeignKey(Licence, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20)
    action = models.CharField(max_length=20)
    reason = models.TextField(blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    actor_label = models.CharField(max_length=150, blank=True)
    occurred_at = models.DateTimeField()

    class Meta:
        ordering = ["occurred_at", "id"]


class Verification(models.Model):
    """One check of a licence by anyone (核验记录): who, when, which, how, with what answer."""

    # No single-column indexes on the two foreign keys: the holder's list uses (licence, time), and
    # almost every check is anonymous, so the verifier index only holds the rows that have one.
    # Each check is an insert on the busiest public path (benchmarks/verify.py).
    licence = models.ForeignKey(Licence, null=True, blank=True, on_delete=models.CASCADE, related_name="verifications",
                                db_index=False)
    identifier = models.CharField("查验的标识", max_length=100)
    channel = models.CharField("渠道", max_length=20, choices=VerificationChannel.choices)
    outcome = models.CharField("结果", max_length=20, choices=VerificationOutcome.choices)
    verifier = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+", verbose_name="查验账号", db_index=False)
    verifier_label = models.CharField("查验单位（自报）", max_length=100, blank=True)
    client_ip = models.GenericIPAddressField("来源地址", null=True, blank=True)
    occurred_at = models.DateTimeField("时间")

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name = verbose_name_plural = "核验记录"
        indexes = [models.Index(fields=["licence", "-occurred_at"], name="verification_licence_idx"),
                   models.Index(fields=["verifier"], name="verification_verifier_idx",
                                condition=models.Q(verifier__isnull=False))]


class Profile(BaseModel):
    """一人一档 / 一企一档: the attributes later used for policy matching, with where each came from."""

    kind = models.CharField("类型", max_length=20, choices=SubjectKind.choices)
    subject_id = EncryptedTextField("身份证号 / 统一社会信用代码")
    subject_id_index = models.CharField(max_length=64, unique=True, editable=False)
    name = models.CharField("姓名 / 名称", max_length=200)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+", verbose_name="实名账号")
    # Person
    birth_date = models.DateField("出生日期", null=True, blank=True)
    residence_division = models.CharField("居住地行政区划", max_length=20, blank=True)
    disability_grade = models.CharField("残疾等级", max_length=2, choices=DisabilityGrade.choices, blank=True)
    employment_status = models.CharField("就业状态", max_length=20, choices=EmploymentStatus.choices, blank=True)
    household_kind = models.CharField("户别", max_length=20, choices=HouseholdKind.choices, blank=True)
    household_size = models.PositiveSmallIntegerField("户内人数", null=True, blank=True)
    # Enterprise
    industry_code = models.CharField("行业代码（GB/T 4754）", max_length=5, blank=True)
    enterprise_size = models.CharField("企业规模", max_length=20, choices=EnterpriseSize.choices, blank=True)
    district = models.CharField("所在区县", max_length=20, blank=True)
    credit_grade = models.CharField("信用等级", max_length=2, choices=CreditGrade.choices, blank=True)
    founded_on = models.DateField("成立日期", null=True, blank=True)
    employees = models.PositiveIntegerField("从业人数", null=True, blank=True)
    # attribute -> {"source": AttributeSource, "ref": licence identifier or username, "at": ISO date}
    attribute_sources = models.JSONField("信息来源", default=dict, blank=True)

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = verbose_name_plural = "一人一档 / 一企一档"
        indexes = [models.Index(fields=["kind", "residence_division"], name="profile_person_div_idx"),
                   models.Index(fields=["kind", "district"], name="profile_ent_district_idx")]

    def __str__(self) -> str:
        return f"{self.name}（{self.masked_subject_id}）"

    @property
    def masked_subject_id(self) -> str:
        return mask_id_number(self.subject_id)

    @property
    def division_code(self) -> str:
        return self.residence_division if self.kind == SubjectKind.PERSON else self.district

    def source_of(self, attribute: str) -> str:
        entry = (self.attribute_sources or {}).get(attribute) or {}
        return AttributeSource(entry["source"]).label if entry.get("source") in AttributeSource.values else ""


class ProfileAccess(models.Model):
    """A staff member looked at (or exported) a profile: shown to the subject (谁看过我的档案)."""

    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="accesses")
    viewer = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    viewer_label = models.CharField("查看人", max_length=150)
    organisation_name = models.CharField("所在单位", max_length=200, blank=True)
    purpose = models.CharField("用途", max_length=20)  # view | edit | export | api
    occurred_at = models.DateTimeField()

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["profile", "-occurred_at"], name="profile_access_idx")]
