"""The policy library (政策库), who each policy matches, and the entitlements of 免申即享 policies."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from yiwang.core.base_model import BaseModel
from yiwang.policies.constants import EntitlementStatus, PolicyCategory, PolicyKind, PolicyStatus, SubjectKind


class Policy(BaseModel):
    """A policy (补贴、减免、人才、养老、助残 …) with the machine-readable rule of who qualifies."""

    code = models.SlugField("政策编号", max_length=60, unique=True)
    title = models.CharField("政策名称", max_length=200)
    summary = models.TextField("政策内容", blank=True)
    benefit = models.CharField("享受标准", max_length=200, blank=True)  # e.g. 每人每月 100 元
    amount = models.DecimalField("每户（人）金额（元）", max_digits=12, decimal_places=2, null=True, blank=True)
    category = models.CharField("类别", max_length=20, choices=PolicyCategory.choices)
    kind = models.CharField("兑现方式", max_length=20, choices=PolicyKind.choices)
    subject_kind = models.CharField("适用对象", max_length=20, choices=SubjectKind.choices)
    issuing_body = models.ForeignKey("orgs.Organisation", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+", verbose_name="发布单位")
    issuing_body_name = models.CharField("发布单位名称", max_length=200, blank=True)  # when not in the tree
    legal_basis = models.TextField("政策依据", blank=True)
    valid_from = models.DateField("起始日期", null=True, blank=True)
    valid_until = models.DateField("截止日期", null=True, blank=True)
    budget = models.DecimalField("资金规模（万元）", max_digits=14, decimal_places=2, null=True, blank=True)
    rules = models.JSONField("资格规则", default=dict)
    status = models.CharField("状态", max_length=20, choices=PolicyStatus.choices, default=PolicyStatus.DRAFT)
    version = models.PositiveIntegerField("版本", default=1)  # bumped on every rule change
    published_at = models.DateTimeField(null=True, blank=True)
    matched_at = models.DateTimeField("最近匹配时间", null=True, blank=True)
    is_demo = models.BooleanField(default=False, editable=False)  # demo data, never real policy
    # The catalog implementation that pays or grants it (a 补贴发放 / 资金兑付 item of the agency that
    # handles it): a 免申即享 policy files its case there, a 依申请 one opens that item's wizard.
    # None: no case (e.g. a tax relief applied at declaration) — the subject is only told.
    implementation = models.ForeignKey("catalog.ItemImplementation", null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="+", verbose_name="兑现事项")

    class Meta:
        ordering = ["-published_at", "code"]
        verbose_name = verbose_name_plural = "政策"
        indexes = [models.Index(fields=["status", "subject_kind"], name="policy_status_kind_idx")]

    def __str__(self) -> str:
        return self.title

    @property
    def issuer_label(self) -> str:
        return self.issuing_body.name if self.issuing_body_id else self.issuing_body_name


class PolicyMatch(BaseModel):
    """One policy and one subject (a licences profile): whether they qualify now, and whether the
    subject has been told (once: a subject who drops out and qualifies again is not told twice)."""

    policy = models.ForeignKey(Policy, on_delete=models.CASCADE, related_name="matches")
    profile_id = models.BigIntegerField("档案")  # licences profile id (read through its selectors)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+")
    subject_name = models.CharField("对象名称", max_length=200, blank=True)
    eligible = models.BooleanField("符合条件")
    policy_version = models.PositiveIntegerField()
    matched_at = models.DateTimeField()
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["policy", "profile_id"], name="policy_match_once")]
        indexes = [models.Index(fields=["profile_id", "eligible"], name="policy_match_subject_idx"),
                   models.Index(fields=["policy", "eligible"], name="policy_match_policy_idx")]
        verbose_name = verbose_name_plural = "政策匹配"


class Entitlement(BaseModel):
    """The link between a policy match and its case, one per subject, policy and policy period.
    免申即享: the benefit the platform offers a subject who qualifies — the case it filed, awaiting
    the subject's confirmation; 依申请: the application (the cases wizard's draft, then its case)
    the subject opened from the prefilled form. The case carries the handling; `status` records
    what the subject did with the offer."""

    policy = models.ForeignKey(Policy, on_delete=models.PROTECT, related_name="entitlements")
    profile_id = models.BigIntegerField("档案")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+")
    subject_name = models.CharField("对象名称", max_length=200)
    amount = models.DecimalField("金额（元）", max_digits=12, decimal_places=2, null=True, blank=True)
    status = models.CharField("状态", max_length=20, choices=EntitlementStatus.choices, default=EntitlementStatus.OFFERED)
    offered_at = models.DateTimeField()
    decided_at = models.DateTimeField(null=True, blank=True)
    # Where the money goes, as the subject confirmed it (a bank account on their social security card
    # or the enterprise's basic account); the payment system takes it from here.
    payee_note = models.CharField("收款说明", max_length=200, blank=True)
    # For an application-kind policy: what the prefilled application said when it was submitted.
    application_data = models.JSONField("申请内容", default=dict, blank=True)
    # The policy period this entitlement belongs to ("2026-01-01~2027-12-31"; services.period_of).
    period = models.CharField("政策期", max_length=30, default="", blank=True)
    application = models.ForeignKey("cases.Application", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name="申请")
    case = models.ForeignKey("cases.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                             verbose_name="办件")
    closed_reason = models.CharField("关闭原因", max_length=200, blank=True)

    class Meta:
        ordering = ["-offered_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["policy", "profile_id", "period"], name="entitlement_once_per_period")]
        indexes = [models.Index(fields=["status", "offered_at"], name="entitlement_status_idx")]
        verbose_name = verbose_name_plural = "免申即享待遇"
