"""The service catalog: base catalog entries, their implementations by agencies, and the versioned
guide of each implementation (GB/T 39046 table 4 and the national exchange schema).

An `ItemImplementation` is the stable identity (its implementation code, its agency). Everything a
citizen reads in the guide lives on an `ImplementationVersion`: edited as a draft, reviewed by a
second person, published; a published version is immutable and is superseded, never overwritten,
by the next one. Cases pin the version they were filed under.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.db import models
from django.db.models.signals import m2m_changed
from django.dispatch import receiver

from yiwang.catalog.constants import (
    FROZEN_STATUSES,
    AgencyNature,
    CaseKind,
    CrossRegionScope,
    DataType,
    ErrorCode,
    HandlingItemKind,
    ItemType,
    LifeSubject,
    LimitUnit,
    MaterialMedium,
    MaterialNecessity,
    MaterialSource,
    MaterialType,
    ResultType,
    VersionStatus,
)
from yiwang.core.base_model import BaseModel
from yiwang.core.errors import DomainError
from yiwang.orgs.constants import ExerciseLevel

# --- The immutability guard -------------------------------------------------------------------
# A published version is what citizens read and what cases were filed under (they pin it), so its
# content must never change. Services never write to one; this guard makes any other path (admin,
# a shell, a careless migration of data, a bug) fail loudly too. It covers Model.save/delete,
# QuerySet.update/delete/bulk_create/bulk_update and the co-agency many-to-many. The one write
# allowed is the status change published -> superseded (with superseded_at).

_published_writes_allowed: ContextVar[bool] = ContextVar("catalog_published_writes_allowed", default=False)

SUPERSEDE_FIELDS = frozenset({"status", "superseded_at", "updated_at"})


@contextmanager
def published_content_writes() -> Iterator[None]:
    """Allow writing published content inside this block. Only for seed loaders and test factories
    that build a published version and its children in one go; never for editing."""
    token = _published_writes_allowed.set(True)
    try:
        yield
    finally:
        _published_writes_allowed.reset(token)


def _immutable(what: str) -> DomainError:
    return DomainError(
        f"{what}属于已发布（或已被替代）的版本，不能修改。请在该实施清单上新建草稿版本，修改后提交审核并发布。",
        code=ErrorCode.VERSION_IMMUTABLE,
    )


def _frozen_version_ids(version_ids) -> bool:
    ids = {v for v in version_ids if v is not None}
    if not ids or _published_writes_allowed.get():
        return False
    return ImplementationVersion.objects.filter(pk__in=ids, status__in=FROZEN_STATUSES).exists()


class VersionQuerySet(models.QuerySet):
    def update(self, **kwargs):
        superseding = set(kwargs) <= SUPERSEDE_FIELDS and kwargs.get("status") == VersionStatus.SUPERSEDED
        if (not _published_writes_allowed.get() and not superseding
                and self.filter(status__in=FROZEN_STATUSES).exists()):
            raise _immutable("事项版本")
        return super().update(**kwargs)

    def delete(self):
        if not _published_writes_allowed.get() and self.filter(status__in=FROZEN_STATUSES).exists():
            raise _immutable("事项版本")
        return super().delete()

    def bulk_update(self, objs, fields, *args, **kwargs):
        if _frozen_version_ids(o.pk for o in objs) and not set(fields) <= SUPERSEDE_FIELDS:
            raise _immutable("事项版本")
        return super().bulk_update(objs, fields, *args, **kwargs)


class VersionChildQuerySet(models.QuerySet):
    """Rows that belong to one version (materials, fees, FAQs, places, form fields)."""

    def update(self, **kwargs):
        if _frozen_version_ids(self.values_list("version_id", flat=True).distinct()):
            raise _immutable(self.model._meta.verbose_name)
        return super().update(**kwargs)

    def delete(self):
        if _frozen_version_ids(self.values_list("version_id", flat=True).distinct()):
            raise _immutable(self.model._meta.verbose_name)
        return super().delete()

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        if _frozen_version_ids(o.version_id for o in objs):
            raise _immutable(self.model._meta.verbose_name)
        return super().bulk_create(objs, *args, **kwargs)

    def bulk_update(self, objs, fields, *args, **kwargs):
        objs = list(objs)
        if _frozen_version_ids(o.version_id for o in objs):
            raise _immutable(self.model._meta.verbose_name)
        return super().bulk_update(objs, fields, *args, **kwargs)


class VersionChild(BaseModel):
    """A row of one version's content: frozen with its version."""

    objects = VersionChildQuerySet.as_manager()

    class Meta:
        abstract = True

    def _check_version_open(self) -> None:
        # The stored status is read, not the one on a possibly stale in-memory version.
        if _frozen_version_ids([self.version_id]):
            raise _immutable(self._meta.verbose_name)

    def save(self, *args, **kwargs):
        self._check_version_open()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self._check_version_open()
        return super().delete(*args, **kwargs)


class BaseItem(BaseModel):
    """基本目录: the nationally/provincially defined item. `parent` links a sub-item (子项) to its
    main item (主项)."""

    basic_code = models.CharField("基本编码", max_length=40, blank=True, db_index=True)
    name = models.CharField("事项名称", max_length=200)
    item_type = models.CharField("事项类型", max_length=2, choices=ItemType.choices)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="sub_items",
                               verbose_name="主项")
    legal_basis = models.JSONField("设定依据", default=list, blank=True,
                                   help_text='[{"name": "法规名称", "articles": "条款"}]')
    is_demo = models.BooleanField("演示数据", default=False)

    class Meta:
        ordering = ["basic_code", "name"]
        verbose_name = verbose_name_plural = "基本目录事项"

    def __str__(self) -> str:
        return self.name


class ItemImplementation(BaseModel):
    """实施清单 entry: one agency's implementation of a base item at one level, down to one
    handling item (业务办理项: 新设/变更/延续/注销 …), the smallest unit a citizen applies for."""

    base_item = models.ForeignKey(BaseItem, on_delete=models.PROTECT, related_name="implementations")
    implementation_code = models.CharField("实施编码", max_length=40, unique=True)
    handling_item_code = models.CharField("业务办理项编码", max_length=60, blank=True)
    handling_item_kind = models.CharField("办理项类型", max_length=20, choices=HandlingItemKind.choices,
                                          default=HandlingItemKind.NEW)
    agency = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="implementations",
                               verbose_name="实施主体")
    exercise_level = models.CharField("行使层级", max_length=1, choices=ExerciseLevel.choices)
    current_version = models.OneToOneField("ImplementationVersion", null=True, blank=True, on_delete=models.SET_NULL,
                                           related_name="+", verbose_name="当前发布版本")
    is_demo = models.BooleanField("演示数据", default=False,
                                  help_text="是：指南内容为演示用的合理数据，非官方指南原文。")

    class Meta:
        ordering = ["implementation_code"]
        verbose_name = verbose_name_plural = "实施清单事项"

    def __str__(self) -> str:
        version = self.current_version
        return version.name if version else self.base_item.name


class ImplementationVersion(BaseModel):
    """One version of an implementation's guide: every element of GB/T 39046 table 4."""

    objects = VersionQuerySet.as_manager()

    implementation = models.ForeignKey(ItemImplementation, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField("版本号")
    status = models.CharField("状态", max_length=20, choices=VersionStatus.choices, default=VersionStatus.DRAFT)
    change_note = models.TextField("修改说明", blank=True)
    # Where the version's facts come from (seed, guide consulted, figures not adopted): for catalog
    # staff in the admin and the editor; no public page or PDF shows it.
    provenance_note = models.TextField("来源说明（内部）", blank=True)

    # Identity and legal frame
    name = models.CharField("事项名称", max_length=200)
    legal_basis = models.JSONField("设定依据", default=list, blank=True)
    agency_nature = models.CharField("实施主体性质", max_length=1, choices=AgencyNature.choices,
                                     default=AgencyNature.STATUTORY)
    co_agencies = models.ManyToManyField("orgs.Organisation", blank=True, related_name="co_handled_versions",
                                         verbose_name="联办机构")
    service_objects = models.JSONField("服务对象", default=list, blank=True, help_text="ServiceObject 代码列表")
    person_themes = models.JSONField("自然人主题", default=list, blank=True, help_text="主题代码列表")
    enterprise_themes = models.JSONField("法人主题", default=list, blank=True, help_text="主题代码列表")

    # Time limits (行政许可法 §42, §82)
    # Decimal because real lists promise half days (延安企业开办清单: 0.5 个工作日 each step). The clock
    # is day-granular and rounds a fractional limit up to whole days (see the cases clock).
    statutory_limit = models.DecimalField("法定办结时限", max_digits=5, decimal_places=1, null=True, blank=True,
                                          help_text="空：法律未规定时限")
    statutory_limit_unit = models.CharField("法定时限单位", max_length=20, choices=LimitUnit.choices, blank=True)
    statutory_limit_note = models.CharField("法定时限说明", max_length=500, blank=True)
    promised_limit = models.DecimalField("承诺办结时限", max_digits=5, decimal_places=1, default=0)
    promised_limit_unit = models.CharField("承诺时限单位", max_length=20, choices=LimitUnit.choices,
                                           default=LimitUnit.WORKING_DAY)
    promised_limit_note = models.CharField("承诺时限说明", max_length=500, blank=True)
    case_kind = models.CharField("办件类型", max_length=1, choices=CaseKind.choices, default=CaseKind.PROMISED)
    special_procedures = models.JSONField(
        "特别程序", default=list, blank=True,
        help_text='[{"kind": "1|2", "name": "现场核查", "max_days": 10, "note": ""}]')

    # How it is handled
    acceptance_conditions = models.JSONField("受理条件", default=list, blank=True)
    process = models.JSONField("办理流程", default=list, blank=True,
                               help_text='[{"name": "受理", "description": "", "limit": "1个工作日"}]')
    process_key = models.CharField("后台流程", max_length=100, blank=True,
                                   help_text="BPMN 流程标识；空则按办件类型使用标准流程")
    intermediary_services = models.TextField("中介服务", blank=True)
    quantity_limit = models.TextField("数量限制", blank=True)
    handling_forms = models.JSONField("办理形式", default=list, blank=True, help_text="HandlingForm 代码列表")
    online_depth = models.JSONField("网上办理深度", default=list, blank=True, help_text="OnlineDepth 代码列表")
    online_url = models.URLField("网上办理地址", blank=True)
    visits = models.PositiveSmallIntegerField("到办事现场次数", default=1)
    visits_reason = models.CharField("必须现场办理原因", max_length=500, blank=True)
    supports_appointment = models.BooleanField("支持预约办理", default=True)
    supports_online_payment = models.BooleanField("支持网上支付", default=False)
    supports_express_delivery = models.BooleanField("支持物流快递", default=True)
    supports_online_handling = models.BooleanField("支持网上办理", default=True)
    cross_region_scope = models.CharField("通办范围", max_length=20, choices=CrossRegionScope.choices, blank=True)

    # Result
    result_name = models.CharField("审批结果名称", max_length=200, blank=True)
    result_type = models.CharField("审批结果类型", max_length=30, choices=ResultType.choices, default=ResultType.OTHER)
    result_sample = models.FileField("审批结果样本", upload_to="catalog/result_samples/", blank=True)
    result_licence_type_code = models.CharField("电子证照类型代码", max_length=40, blank=True,
                                                help_text="结果为电子证照时的证照类型代码（GB/T 36902）")

    # Fees
    fee_charged = models.BooleanField("是否收费", default=False)
    fee_basis = models.TextField("收费依据", blank=True)

    # Contact
    consultation_phone = models.CharField("咨询电话", max_length=60, blank=True)
    complaint_phone = models.CharField("监督投诉电话", max_length=60, blank=True)

    # Lists (清单) the implementation is on: filters for the public and rules for intake
    commitment_eligible = models.BooleanField("告知承诺制", default=False)
    deferred_material_eligible = models.BooleanField("容缺受理", default=False)
    high_frequency = models.BooleanField("高频事项", default=False)
    city_wide = models.BooleanField("全市通办", default=False)
    in_hall = models.BooleanField("进驻大厅", default=True)
    weekend_service = models.BooleanField("周末可办", default=False)

    # An item that asks for no material at all says so explicitly; otherwise a guide without
    # materials is an unfinished guide (rules.py).
    no_materials_required = models.BooleanField("无需提交材料", default=False,
                                                help_text="是：本事项确实无需申请人提交任何材料。")

    # Review trail
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    published_at = models.DateTimeField(null=True, blank=True)
    superseded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["implementation_id", "-number"]
        verbose_name = verbose_name_plural = "事项版本（办事指南）"
        constraints = [
            models.UniqueConstraint(fields=["implementation", "number"], name="version_unique_number"),
            # At most one version of an implementation is being edited or reviewed at a time.
            models.UniqueConstraint(fields=["implementation"], name="version_one_open_draft",
                                    condition=models.Q(status__in=["draft", "submitted", "returned", "approved"])),
            # Exactly one guide is in force; the previous one is superseded when the next is published.
            models.UniqueConstraint(fields=["implementation"], name="version_one_published",
                                    condition=models.Q(status="published")),
        ]
        indexes = [models.Index(fields=["status"], name="version_status_idx")]

    def __str__(self) -> str:
        return f"{self.name} v{self.number}（{self.get_status_display()}）"

    @property
    def is_editable(self) -> bool:
        return self.status in (VersionStatus.DRAFT, VersionStatus.RETURNED)

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
                    raise _immutable("事项版本")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.pk is not None and _frozen_version_ids([self.pk]):
            raise _immutable("事项版本")
        return super().delete(*args, **kwargs)


class Material(VersionChild):
    """申请材料 of one version."""

    version = models.ForeignKey(ImplementationVersion, on_delete=models.CASCADE, related_name="materials")
    order = models.PositiveSmallIntegerField("序号", default=0)
    name = models.CharField("材料名称", max_length=300)
    issuing_body = models.CharField("出具单位", max_length=200, blank=True)
    material_type = models.CharField("材料类型", max_length=20, choices=MaterialType.choices,
                                     default=MaterialType.ORIGINAL)
    medium = models.CharField("材料形式", max_length=20, choices=MaterialMedium.choices, default=MaterialMedium.BOTH)
    original_copies = models.PositiveSmallIntegerField("原件份数", default=1)
    copy_copies = models.PositiveSmallIntegerField("复印件份数", default=0)
    necessity = models.CharField("必要性", max_length=20, choices=MaterialNecessity.choices,
                                 default=MaterialNecessity.REQUIRED)
    source_channel = models.CharField("来源渠道", max_length=30, choices=MaterialSource.choices,
                                      default=MaterialSource.APPLICANT)
    licence_type_code = models.CharField("可调取的电子证照类型代码", max_length=40, blank=True,
                                         help_text="来源为政府核发/电子证照库时，可由该类证照自动满足")
    blank_form = models.FileField("空白表格", upload_to="catalog/blank_forms/", blank=True)
    sample = models.FileField("示例样表", upload_to="catalog/samples/", blank=True)
    filling_notes = models.TextField("填报须知", blank=True)
    acceptance_standard = models.TextField("受理标准", blank=True)
    legal_basis = models.TextField("要求提供材料的依据", blank=True)

    class Meta:
        ordering = ["version_id", "order", "id"]
        verbose_name = verbose_name_plural = "申请材料"

    def __str__(self) -> str:
        return self.name

    @property
    def is_government_issued(self) -> bool:
        return self.source_channel in (MaterialSource.GOVERNMENT_ISSUED, MaterialSource.LICENCE_LIBRARY)


class FeeItem(VersionChild):
    version = models.ForeignKey(ImplementationVersion, on_delete=models.CASCADE, related_name="fee_items")
    order = models.PositiveSmallIntegerField(default=0)
    name = models.CharField("收费项目", max_length=200)
    standard = models.CharField("收费标准", max_length=300)
    reduction = models.CharField("减免政策", max_length=500, blank=True)

    class Meta:
        ordering = ["version_id", "order", "id"]
        verbose_name = verbose_name_plural = "收费项目"

    def __str__(self) -> str:
        return self.name


class FAQ(VersionChild):
    version = models.ForeignKey(ImplementationVersion, on_delete=models.CASCADE, related_name="faqs")
    order = models.PositiveSmallIntegerField(default=0)
    question = models.CharField("问题", max_length=500)
    answer = models.TextField("解答")

    class Meta:
        ordering = ["version_id", "order", "id"]
        verbose_name = verbose_name_plural = "常见问题"

    def __str__(self) -> str:
        return self.question


class ServicePlace(VersionChild):
    """办理地点和时间 of one version; `outlet` links to the hall when it is one of ours."""

    version = models.ForeignKey(ImplementationVersion, on_delete=models.CASCADE, related_name="places")
    order = models.PositiveSmallIntegerField(default=0)
    name = models.CharField("办理地点", max_length=200)
    address = models.CharField("地址", max_length=300)
    hours = models.CharField("办理时间", max_length=300)
    phone = models.CharField("电话", max_length=60, blank=True)
    outlet = models.ForeignKey("orgs.Organisation", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+")

    class Meta:
        ordering = ["version_id", "order", "id"]
        verbose_name = verbose_name_plural = "办理地点"

    def __str__(self) -> str:
        return self.name


class VersionReview(BaseModel):
    """One review decision on a submitted version, with the reviewer's comment."""

    class Decision(models.TextChoices):
        APPROVE = "approve", "通过"
        RETURN = "return", "退回修改"

    version = models.ForeignKey(ImplementationVersion, on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decision = models.CharField("审核结论", max_length=10, choices=Decision.choices)
    comment = models.TextField("审核意见", blank=True)

    class Meta:
        ordering = ["version_id", "created_at"]
        verbose_name = verbose_name_plural = "审核记录"


class DataElement(BaseModel):
    """数据元: a named datum shared by forms, profiles and licences (`applicant.name`)."""

    key = models.CharField("标识", max_length=100, unique=True)
    name = models.CharField("名称", max_length=100)
    data_type = models.CharField("数据类型", max_length=20, choices=DataType.choices, default=DataType.STRING)
    options = models.JSONField("可选值", default=list, blank=True, help_text='[{"value": "1", "label": "是"}]')
    validation = models.JSONField("校验规则", default=dict, blank=True,
                                  help_text='{"max_length": 50, "pattern": "...", "min": 0, "max": 100}')
    description = models.TextField("说明", blank=True)
    profile_source = models.CharField(
        "预填来源", max_length=100, blank=True,
        help_text="从申请人资料预填时的来源，如 user.real_name、user.id_number、user.uscc")
    is_personal = models.BooleanField("个人敏感信息", default=False)

    class Meta:
        ordering = ["key"]
        verbose_name = verbose_name_plural = "数据元"

    def __str__(self) -> str:
        return f"{self.name}（{self.key}）"


class FormField(VersionChild):
    """A field of a version's application form; the data element gives its meaning and type."""

    version = models.ForeignKey(ImplementationVersion, on_delete=models.CASCADE, related_name="form_fields")
    data_element = models.ForeignKey(DataElement, on_delete=models.PROTECT, related_name="form_fields")
    order = models.PositiveSmallIntegerField(default=0)
    section = models.CharField("分组", max_length=100, blank=True)
    label = models.CharField("标签（空则用数据元名称）", max_length=100, blank=True)
    required = models.BooleanField("必填", default=True)
    options = models.JSONField("可选值（空则用数据元的）", default=list, blank=True)
    validation = models.JSONField("额外校验（覆盖数据元的）", default=dict, blank=True)
    help_text = models.CharField("填写提示", max_length=300, blank=True)

    class Meta:
        ordering = ["version_id", "order", "id"]
        verbose_name = verbose_name_plural = "表单字段"
        constraints = [models.UniqueConstraint(fields=["version", "data_element"], name="form_field_unique_element")]

    def __str__(self) -> str:
        return self.label or self.data_element.name


class LifeStage(BaseModel):
    """A stage of a person's or an enterprise's life (国办发〔2025〕24号 stage lists)."""

    subject = models.CharField("对象", max_length=20, choices=LifeSubject.choices)
    name = models.CharField("阶段", max_length=50)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["subject", "order"]
        verbose_name = verbose_name_plural = "生命周期阶段"
        constraints = [models.UniqueConstraint(fields=["subject", "name"], name="life_stage_unique")]

    def __str__(self) -> str:
        return f"{self.get_subject_display()} · {self.name}"


class LifeTheme(BaseModel):
    """A theme under a stage; `code` is the national theme code (005 …, 998, 999) when it has one."""

    stage = models.ForeignKey(LifeStage, on_delete=models.CASCADE, related_name="themes")
    name = models.CharField("主题", max_length=100)
    code = models.CharField("主题代码", max_length=10, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["stage", "order"]
        verbose_name = verbose_name_plural = "生命周期主题"

    def __str__(self) -> str:
        return self.name


class LifeEvent(BaseModel):
    """An event under a theme (莲湖 life-cycle tree): the items one does for it."""

    theme = models.ForeignKey(LifeTheme, on_delete=models.CASCADE, related_name="events")
    name = models.CharField("事件", max_length=100)
    description = models.TextField("说明", blank=True)
    order = models.PositiveSmallIntegerField(default=0)
    implementations = models.ManyToManyField(ItemImplementation, blank=True, related_name="life_events")

    class Meta:
        ordering = ["theme", "order"]
        verbose_name = verbose_name_plural = "生命周期事件"

    def __str__(self) -> str:
        return self.name


@receiver(m2m_changed, sender=ImplementationVersion.co_agencies.through, dispatch_uid="catalog_co_agencies_guard")
def _guard_co_agencies(sender, instance, action, reverse, pk_set, **kwargs):
    # A guard, not a business rule: the many-to-many has no save() of its own to hook into.
    if action not in ("pre_add", "pre_remove", "pre_clear"):
        return
    if not reverse:
        version_ids = [instance.pk]
    elif pk_set is not None:
        version_ids = list(pk_set)
    else:  # organisation.co_handled_versions.clear()
        version_ids = list(instance.co_handled_versions.values_list("pk", flat=True))
    if _frozen_version_ids(version_ids):
        raise _immutable("联办机构")
