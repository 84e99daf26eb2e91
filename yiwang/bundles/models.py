"""One-thing bundles (一件事): several items of several agencies applied for once.

A `Bundle` is the stable identity (its code, the organisation whose catalog staff look after it).
What citizens read lives on a `BundleVersion`: name, stage, lead agency, members, questions —
edited as a draft, reviewed by a second person, published; a published version is immutable and
superseded by the next, never overwritten, because a bundle case pins the version it was filed
under (行政许可法: the rules at filing time apply) and opens one ordinary case per member.

Members are implementations of the catalog (`catalog.ItemImplementation`), referred to by id in
dependencies and question effects: the id stays the same when either the bundle or the item gets a
new version. The facts of a member (limits, materials, form) are read from its guide in force.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.db import models

from yiwang.bundles.constants import FROZEN_STATUSES, BundleCaseStatus, ErrorCode, MemberState, VersionStatus
from yiwang.core.base_model import BaseModel
from yiwang.core.errors import DomainError

# --- The immutability guard (as the catalog's, models.py there) --------------------------------
_published_writes_allowed: ContextVar[bool] = ContextVar("bundles_published_writes_allowed", default=False)
SUPERSEDE_FIELDS = frozenset({"status", "superseded_at", "updated_at"})


@contextmanager
def published_content_writes() -> Iterator[None]:
    """Allow writing published content inside this block: only for the seed loader and test
    factories that build a published version in one go; never for editing."""
    token = _published_writes_allowed.set(True)
    try:
        yield
    finally:
        _published_writes_allowed.reset(token)


def _immutable(what: str) -> DomainError:
    return DomainError(f"{what}属于已发布（或已被替代）的一件事版本，不能修改。请新建草稿版本，修改后提交审核并发布。",
                       code=ErrorCode.VERSION_IMMUTABLE)


def _frozen(version_ids) -> bool:
    ids = {v for v in version_ids if v is not None}
    if not ids or _published_writes_allowed.get():
        return False
    return BundleVersion.objects.filter(pk__in=ids, status__in=FROZEN_STATUSES).exists()


class BundleVersionQuerySet(models.QuerySet):
    def update(self, **kwargs):
        superseding = set(kwargs) <= SUPERSEDE_FIELDS and kwargs.get("status") == VersionStatus.SUPERSEDED
        if not _published_writes_allowed.get() and not superseding and self.filter(status__in=FROZEN_STATUSES).exists():
            raise _immutable("一件事版本")
        return super().update(**kwargs)

    def delete(self):
        if not _published_writes_allowed.get() and self.filter(status__in=FROZEN_STATUSES).exists():
            raise _immutable("一件事版本")
        return super().delete()


class VersionChildQuerySet(models.QuerySet):
    def update(self, **kwargs):
        if _frozen(self.values_list("version_id", flat=True).distinct()):
            raise _immutable(self.model._meta.verbose_name)
        return super().update(**kwargs)

    def delete(self):
        if _frozen(self.values_list("version_id", flat=True).distinct()):
            raise _immutable(self.model._meta.verbose_name)
        return super().delete()

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        if _frozen(o.version_id for o in objs):
            raise _immutable(self.model._meta.verbose_name)
        return super().bulk_create(objs, *args, **kwargs)

    def bulk_update(self, objs, fields, *args, **kwargs):
        objs = list(objs)
        if _frozen(o.version_id for o in objs):
            raise _immutable(self.model._meta.verbose_name)
        return super().bulk_update(objs, fields, *args, **kwargs)


class VersionChild(BaseModel):
    objects = VersionChildQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if _frozen([self.version_id]):
            raise _immutable(self._meta.verbose_name)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if _frozen([self.version_id]):
            raise _immutable(self._meta.verbose_name)
        return super().delete(*args, **kwargs)


class Bundle(BaseModel):
    """The stable identity of a bundle."""

    code = models.CharField("编码", max_length=40, unique=True)
    # 维护单位: the organisation whose catalog editors and reviewers define, review and publish the
    # bundle (seed 003 §27–28: 市行政审批局 keeps the city's list of bundles).
    steward = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="stewarded_bundles",
                                verbose_name="维护单位")
    current_version = models.OneToOneField("BundleVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                           verbose_name="当前发布版本")

    class Meta:
        ordering = ["code"]
        verbose_name = verbose_name_plural = "一件事"

    def __str__(self) -> str:
        return self.current_version.name if self.current_version_id else self.code


class BundleVersion(BaseModel):
    objects = BundleVersionQuerySet.as_manager()

    bundle = models.ForeignKey(Bundle, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField("版本号")
    status = models.CharField("状态", max_length=20, choices=VersionStatus.choices, default=VersionStatus.DRAFT)
    change_note = models.TextField("修改说明", blank=True)

    name = models.CharField("名称", max_length=100)
    summary = models.TextField("简介", blank=True, help_text="面向群众的一两句话：这件事包括什么、怎么一次办。")
    stage = models.ForeignKey("catalog.LifeStage", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                              verbose_name="生命周期阶段")
    life_event = models.ForeignKey("catalog.LifeEvent", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                   verbose_name="对应的办事场景")
    lead_agency = models.ForeignKey("orgs.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                    verbose_name="牵头部门")
    separate_elements = models.JSONField("按事项分别填写的数据元", default=list, blank=True,
                                         help_text="这些数据元在本一件事中对每个成员含义不同，合并表单中按成员分别询问。")
    source_reference = models.CharField("来源（内部）", max_length=300, blank=True, help_text="仅工作人员可见：定义依据的文件和条目。")

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    published_at = models.DateTimeField(null=True, blank=True)
    superseded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["bundle_id", "-number"]
        verbose_name = verbose_name_plural = "一件事版本"
        constraints = [
            models.UniqueConstraint(fields=["bundle", "number"], name="bundle_version_unique_number"),
            models.UniqueConstraint(fields=["bundle"], name="bundle_version_one_open",
                                    condition=models.Q(status__in=["draft", "submitted", "returned", "approved"])),
            models.UniqueConstraint(fields=["bundle"], name="bundle_version_one_published", condition=models.Q(status="published")),
        ]
        indexes = [models.Index(fields=["status"], name="bundle_version_status_idx")]

    def __str__(self) -> str:
        return f"{self.name} v{self.number}（{self.get_status_display()}）"

    @property
    def is_frozen(self) -> bool:
        return self.status in FROZEN_STATUSES

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding and not _published_writes_allowed.get():
            stored = type(self).objects.filter(pk=self.pk).values_list("status", flat=True).first()
            if stored in FROZEN_STATUSES:
                update_fields = kwargs.get("update_fields")
                superseding = (stored == VersionStatus.PUBLISHED and self.status == VersionStatus.SUPERSEDED
                               and update_fields is not None and set(update_fields) <= SUPERSEDE_FIELDS)
                if not superseding:
                    raise _immutable("一件事版本")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if _frozen([self.pk]):
            raise _immutable("一件事版本")
        return super().delete(*args, **kwargs)


class BundleMember(VersionChild):
    """A member item of a bundle version; `depends_on` lists the implementation ids of members
    whose result it needs first (parallel when empty)."""

    version = models.ForeignKey(BundleVersion, on_delete=models.CASCADE, related_name="members")
    implementation = models.ForeignKey("catalog.ItemImplementation", on_delete=models.PROTECT, related_name="+",
                                       verbose_name="成员事项")
    order = models.PositiveSmallIntegerField("序号", default=0)
    is_lead = models.BooleanField("牵头事项（★）", default=False)
    listed_as = models.CharField("清单中的名称", max_length=300, blank=True,
                                 help_text="清单（如市政办函〔2024〕60号附件）中的写法，与办事指南名称不同时填写。")
    depends_on = models.JSONField("须先办结的成员", default=list, blank=True, help_text="成员事项（实施清单）编号列表")

    class Meta:
        ordering = ["version_id", "order", "id"]
        verbose_name = verbose_name_plural = "一件事成员"
        constraints = [models.UniqueConstraint(fields=["version", "implementation"], name="bundle_member_unique")]


class BundleQuestion(VersionChild):
    """A situational question (情形); `options` is a list of
    {"value", "label", "excludes": [implementation ids], "drops": [{"member", "material"}],
     "adds": [{"member", "name", "notes"}]}."""

    version = models.ForeignKey(BundleVersion, on_delete=models.CASCADE, related_name="questions")
    order = models.PositiveSmallIntegerField("序号", default=0)
    key = models.CharField("编号", max_length=40)
    text = models.CharField("问题", max_length=200)
    help_text = models.CharField("说明", max_length=300, blank=True)
    options = models.JSONField("选项", default=list)

    class Meta:
        ordering = ["version_id", "order", "id"]
        verbose_name = verbose_name_plural = "情形问题"
        constraints = [models.UniqueConstraint(fields=["version", "key"], name="bundle_question_unique_key")]


class BundleReview(BaseModel):
    class Decision(models.TextChoices):
        APPROVE = "approve", "通过"
        RETURN = "return", "退回修改"

    version = models.ForeignKey(BundleVersion, on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decision = models.CharField("审核结论", max_length=10, choices=Decision.choices)
    comment = models.TextField("审核意见", blank=True)

    class Meta:
        ordering = ["version_id", "created_at"]
        verbose_name = verbose_name_plural = "一件事审核记录"


# --- Applying: one bundle case, one ordinary case per member ------------------------------------

class BundleCase(BaseModel):
    """One application for a bundle. Pins the version in force at filing; each member that applies
    (after the situational answers) has an ordinary case of the cases app (BundleCaseMember)."""

    number = models.CharField("一件事办件编号", max_length=32, unique=True)
    version = models.ForeignKey(BundleVersion, on_delete=models.PROTECT, related_name="cases")
    applicant = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="bundle_cases")
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    channel = models.CharField("渠道", max_length=20)
    outlet = models.ForeignKey("orgs.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                               verbose_name="受理网点", help_text="窗口代为申请时，工作人员所在的一件事窗口（政务服务中心）")
    status = models.CharField("状态", max_length=20, choices=BundleCaseStatus.CHOICES, default=BundleCaseStatus.SUBMITTED)
    answers = models.JSONField("情形回答", default=dict, blank=True)
    joint_delivery = models.BooleanField("结果一并送达", default=True)
    pickup_code_hash = models.CharField(max_length=128, blank=True)
    accepted_on = models.DateField("综合受理日", null=True, blank=True)
    accepted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField("一件事办结期限", null=True, blank=True, help_text="按关键路径计算")
    critical_days = models.DecimalField(max_digits=8, decimal_places=1, default=0)
    concluded_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    idempotency_key = models.CharField(max_length=80, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = verbose_name_plural = "一件事办件"
        constraints = [models.UniqueConstraint(fields=["applicant", "idempotency_key"], condition=~models.Q(idempotency_key=""),
                                               name="bundle_case_idempotency")]

    def __str__(self) -> str:
        return self.number


class BundleCaseMember(BaseModel):
    bundle_case = models.ForeignKey(BundleCase, on_delete=models.CASCADE, related_name="members")
    implementation = models.ForeignKey("catalog.ItemImplementation", on_delete=models.PROTECT, related_name="+")
    case = models.OneToOneField("cases.Case", on_delete=models.PROTECT, related_name="bundle_member")
    order = models.PositiveIntegerField(default=0)
    waits_for = models.JSONField("须先办结", default=list, blank=True)  # implementation ids (transitive)
    state = models.CharField("状态", max_length=20, choices=MemberState.CHOICES, default=MemberState.RUNNING)
    closed_reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["bundle_case", "order"]
        verbose_name = verbose_name_plural = "一件事成员办件"


class BundleChase(BaseModel):
    """催办: the lead agency asks a late member's agency to hurry (recorded and notified)."""

    bundle_case = models.ForeignKey(BundleCase, on_delete=models.CASCADE, related_name="chases")
    member = models.ForeignKey(BundleCaseMember, on_delete=models.CASCADE, related_name="chases")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = verbose_name_plural = "催办记录"
