"""Ratings (好差评), the bad-rating loop (差评整改), appeals, channel systems and the provincial upload.

A `Rating` belongs to a case and a stage (one per case and stage: 一事一评; a bundle member is a case
of its own). It keeps a snapshot of what was rated — agency, outlet (window), division, item and the
staff member who served — so indicators are plain aggregate queries and do not change when the
organisation tree or the catalog does. A rating is never changed or deleted: an upheld appeal only
takes it out of the statistics (`counts_in_statistics`).
"""

from django.conf import settings
from django.db import models

from yiwang.core.base_model import BaseModel
from yiwang.core.errors import DomainError
from yiwang.ratings.constants import (
    AppealGround,
    AppealStatus,
    ErrorCode,
    Handling,
    IdentityCheck,
    RatingChannel,
    RatingStage,
    RectificationStatus,
    SatisfactionLevel,
    UploadState,
)


class ChannelSystem(BaseModel):
    """A system that posts ratings for applicants it has identified (a hall kiosk, the phone
    system, the SMS gateway). Its API token belongs to `account`; personal staff accounts are never
    registered here, so no clerk's token can post a rating. Registered with
    `manage.py register_rating_channel`."""

    name = models.CharField("名称", max_length=100)
    account = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="rating_channel",
                                   verbose_name="系统账号")
    channel = models.CharField("评价渠道", max_length=20, choices=RatingChannel.choices)
    outlet = models.ForeignKey("orgs.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                               verbose_name="所在网点")
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "评价渠道系统"

    def __str__(self) -> str:
        return f"{self.name}（{self.get_channel_display()}）"


# Fields of a rating fixed once it is given: what the rater said and what it is about.
_RATING_FIXED_FIELDS = frozenset({
    "case", "stage", "level", "channel", "rater", "reasons", "comment", "rated_at", "rated_on", "agency",
    "agency_path", "outlet", "outlet_path", "division", "implementation", "item_name", "staff", "case_number",
    "entered_via", "identity_check",
})


class Rating(BaseModel):
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="ratings", verbose_name="办件")
    stage = models.CharField("评价环节", max_length=20, choices=RatingStage.choices, default=RatingStage.OVERALL)
    level = models.CharField("评价等级", max_length=30, choices=SatisfactionLevel.choices)
    channel = models.CharField("评价渠道", max_length=20, choices=RatingChannel.choices)
    rater = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="ratings",
                              verbose_name="评价人")
    reasons = models.JSONField("差评原因", default=list, blank=True, help_text="BadReason values")
    comment = models.TextField("评价内容", blank=True)
    rated_at = models.DateTimeField("评价时间")
    rated_on = models.DateField("评价日期", db_index=True)
    # What was rated, as it was then.
    case_number = models.CharField("办件编号", max_length=32)
    agency = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name="实施部门")
    agency_path = models.CharField(max_length=255, db_index=True)
    outlet = models.ForeignKey("orgs.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                               verbose_name="受理网点（窗口）")
    outlet_path = models.CharField(max_length=255, blank=True, db_index=True)
    division = models.ForeignKey("orgs.Division", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                 verbose_name="区划")
    implementation = models.ForeignKey("catalog.ItemImplementation", on_delete=models.PROTECT, related_name="+",
                                       verbose_name="事项")
    item_name = models.CharField("事项名称", max_length=300)
    staff = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+", verbose_name="服务人员")
    # Set when a channel system posted it for the applicant it identified.
    entered_via = models.ForeignKey(ChannelSystem, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                    verbose_name="渠道系统")
    identity_check = models.CharField("身份核验方式", max_length=20, choices=IdentityCheck.choices, blank=True)
    # An upheld appeal takes the rating out of the statistics; the rating itself stays.
    counts_in_statistics = models.BooleanField("计入统计", default=True)
    excluded_at = models.DateTimeField("排除统计时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "评价"
        ordering = ["-rated_at", "-id"]
        constraints = [
            # 一事一评: one rating per case and stage, whatever the channel, however many clients race.
            models.UniqueConstraint(fields=["case", "stage"], name="rating_one_per_case_stage"),
        ]
        indexes = [
            models.Index(fields=["counts_in_statistics", "rated_on"], name="rating_stats_idx"),
            models.Index(fields=["rater", "-rated_at"], name="rating_rater_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.case_number} · {self.get_stage_display()} · {self.get_level_display()}"

    def save(self, *args, **kwargs):
        # The last line behind the services: what a rater said is never rewritten (not by the
        # admin, not by a stray `save()`); only the statistics flag may change.
        update_fields = kwargs.get("update_fields")
        if self.pk is not None and not kwargs.get("force_insert") and (
                update_fields is None or _RATING_FIXED_FIELDS & set(update_fields)):
            raise DomainError("评价提交后不能修改。", code=ErrorCode.RATING_IMMUTABLE)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise DomainError("评价不能删除；申诉成立的评价不计入统计，但予以保留。", code=ErrorCode.RATING_IMMUTABLE)


class RatingInvitation(BaseModel):
    """The invitation to rate a delivered case: once per case (inbox and SMS)."""

    case = models.OneToOneField("cases.Case", on_delete=models.PROTECT, related_name="rating_invitation")
    rater = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    delivered_on = models.DateField("送达日")
    # Who handed the result over (the staff member rated for the delivery stage).
    delivered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "评价邀请"


class Rectification(BaseModel):
    """差评整改: opened by every bad rating, handled by the rated unit (谁办理、谁负责)."""

    rating = models.OneToOneField(Rating, on_delete=models.PROTECT, related_name="rectification")
    unit = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name="整改单位")
    unit_path = models.CharField(max_length=255, db_index=True)
    status = models.CharField("状态", max_length=30, choices=RectificationStatus.choices,
                              default=RectificationStatus.VERIFYING)
    # The loop's own clock on the working-day calendar.
    opened_on = models.DateField("差评日期")
    deadline_days = models.PositiveSmallIntegerField("整改时限（工作日）")
    due_on = models.DateField("整改期限", db_index=True)
    due_provisional = models.BooleanField("期限为暂定", default=False)
    overdue_on = models.DateField("超期预警日", null=True, blank=True, help_text="定时任务发现超期的日期")
    # Verification (核实).
    verified_at = models.DateTimeField(null=True, blank=True)
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    finding_true = models.BooleanField("反映情况属实", null=True, blank=True)
    finding_reasonable = models.BooleanField("诉求合理", null=True, blank=True)
    finding_malicious = models.BooleanField("疑似恶意差评", null=True, blank=True)
    verification_note = models.TextField("核实情况", blank=True)
    handling = models.CharField("处理方式", max_length=20, choices=Handling.choices, blank=True)
    # The result (整改结果或解释说明), told to the rater and published.
    result_text = models.TextField("处理结果", blank=True)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    reported_on = models.DateField("提交结果日", null=True, blank=True)
    result_on = models.DateField("结果反馈日", null=True, blank=True, help_text="结果告知评价人之日（审核通过后）")
    # Optional leader approval (领导审核).
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True)
    approval_note = models.TextField("审核意见", blank=True)
    # Follow-up contact (回访), mandatory for real-name bad ratings.
    follow_up_attempts = models.PositiveSmallIntegerField("回访次数", default=0)
    follow_up_reached = models.BooleanField("联系上评价人", null=True, blank=True)
    follow_up_accepted = models.BooleanField("评价人认可处理结果", null=True, blank=True)
    follow_up_note = models.TextField("回访记录", blank=True)
    followed_up_on = models.DateField("回访完成日", null=True, blank=True)
    followed_up_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="+")
    # The rater's rating of the fix (满意度测评).
    fix_level = models.CharField("对整改的评价", max_length=30, choices=SatisfactionLevel.choices, blank=True)
    fix_comment = models.TextField("对整改的意见", blank=True)
    fix_rated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "差评整改"
        indexes = [models.Index(fields=["status", "due_on"], name="rectification_clock_idx")]

    def __str__(self) -> str:
        return f"整改 #{self.pk}（{self.rating.case_number}）"


class RectificationEvent(models.Model):
    """The loop's history: every transition (and every follow-up attempt) with its actor."""

    rectification = models.ForeignKey(Rectification, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=30, blank=True)
    to_status = models.CharField(max_length=30)
    action = models.CharField(max_length=30)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")
    actor_label = models.CharField(max_length=150, blank=True)
    occurred_at = models.DateTimeField()
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["rectification_id", "occurred_at", "id"]
        verbose_name = verbose_name_plural = "整改记录"


class RatingAppeal(BaseModel):
    """申诉: the rated unit contests a malicious or mistaken bad rating; a higher level decides."""

    rating = models.OneToOneField(Rating, on_delete=models.PROTECT, related_name="appeal")
    unit = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name="申诉单位")
    unit_path = models.CharField(max_length=255, db_index=True)
    ground = models.CharField("申诉理由类别", max_length=20, choices=AppealGround.choices)
    reason = models.TextField("申诉理由与证据")
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    filed_on = models.DateField("申诉日期")
    window_ends_on = models.DateField("申诉期限")
    status = models.CharField("状态", max_length=20, choices=AppealStatus.choices, default=AppealStatus.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField("复核意见", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "差评申诉"
        indexes = [models.Index(fields=["status", "unit_path"], name="appeal_queue_idx")]


class ProvincialUpload(BaseModel):
    """The rating's record in the provincial 好差评 system. Every change that the province must
    know (the rating, an exclusion, the rectification result) raises `revision`; the job sends the
    latest revision until `sent_revision` catches up. The province de-duplicates on (record
    number, revision), so sending again after a lost answer changes nothing."""

    rating = models.OneToOneField(Rating, on_delete=models.PROTECT, related_name="provincial_upload")
    revision = models.PositiveIntegerField(default=1)
    sent_revision = models.PositiveIntegerField(default=0)
    state = models.CharField(max_length=20, choices=UploadState.choices, default=UploadState.PENDING)
    attempts = models.PositiveSmallIntegerField("本版本尝试次数", default=0)
    next_attempt_at = models.DateTimeField(db_index=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    remote_id = models.CharField("省级系统编号", max_length=64, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "省级好差评上报"
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="upload_queue_idx")]
