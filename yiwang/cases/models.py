"""Applications and cases.

An `Application` is what an applicant files once, on any channel. It creates one `Case` per
implementation handled — one for a single item; several, with dependencies, for a "one thing"
bundle (next issue) — and carries the single delivery arrangement for all of them. A case pins the
`ImplementationVersion` it was filed under, because the rules at filing time apply.
"""

from django.conf import settings
from django.db import models

from yiwang.cases.constants import (
    AcceptanceMode,
    ApplicationStatus,
    CaseStatus,
    Channel,
    Decision,
    DeliveryMethod,
    DocumentKind,
    DropOffStatus,
    MaterialReview,
    MaterialSatisfaction,
    SpecialProcedure,
    TaskStatus,
    TransferStatus,
    WarningColour,
    WarningKind,
)
from yiwang.core.base_model import BaseModel
from yiwang.core.fields import EncryptedTextField, SealedJSONField


class Application(BaseModel):
    applicant = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="applications")
    # The window clerk who filed on the applicant's behalf after checking identity (else null).
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")
    channel = models.CharField("渠道", max_length=20, choices=Channel.choices)
    # The outlet (service center / station) where it was filed, for window/kiosk channels.
    outlet = models.ForeignKey("orgs.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    status = models.CharField("状态", max_length=20, choices=ApplicationStatus.choices, default=ApplicationStatus.DRAFT)
    implementation = models.ForeignKey("catalog.ItemImplementation", null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="applications")
    version = models.ForeignKey("catalog.ImplementationVersion", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="applications")
    # Personal values (and any the data-element dictionary does not mark as non-personal) are
    # stored SM4-encrypted under "_sealed"; readers get the whole dict (issue 9 §2, ADR 0003).
    form_data = SealedJSONField("表单数据", default=dict, blank=True,
                                plain_keys="yiwang.catalog.selectors.non_personal_element_keys")
    # Same key from the same applicant = the same application, however often the request is retried.
    idempotency_key = models.CharField(max_length=100, null=True, blank=True)
    request_digest = models.CharField(max_length=64, blank=True, help_text="SM3 of the submitted payload")
    submitted_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "申请"
        constraints = [
            models.UniqueConstraint(fields=["applicant", "idempotency_key"], name="application_idempotency",
                                    condition=models.Q(idempotency_key__isnull=False)),
        ]
        indexes = [models.Index(fields=["applicant", "status"], name="application_applicant_idx")]

    def __str__(self) -> str:
        return f"申请 #{self.pk}"


class Case(BaseModel):
    number = models.CharField("办件编号", max_length=32, unique=True)
    verification_code = models.CharField("查询验证码", max_length=12)
    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="cases")
    applicant = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="cases")
    implementation = models.ForeignKey("catalog.ItemImplementation", on_delete=models.PROTECT, related_name="cases")
    version = models.ForeignKey("catalog.ImplementationVersion", on_delete=models.PROTECT, related_name="cases")
    agency = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="cases",
                               verbose_name="实施主体")
    # Denormalised organisation paths, so data-scope filters are one indexed prefix match each.
    agency_path = models.CharField(max_length=255, db_index=True)
    outlet = models.ForeignKey("orgs.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                               verbose_name="受理网点")
    outlet_path = models.CharField(max_length=255, blank=True, db_index=True)
    channel = models.CharField("渠道", max_length=20, choices=Channel.choices)
    status = models.CharField("状态", max_length=30, choices=CaseStatus.choices, default=CaseStatus.SUBMITTED)
    # Applicant snapshot at filing (names change; the case keeps who applied).
    applicant_name = models.CharField("申请人", max_length=200)
    applicant_id_number = EncryptedTextField("申请人证件号码", blank=True, default="")
    applicant_phone = EncryptedTextField("联系电话", blank=True, default="")

    # A bundle's member (the bundles app): the cases that must conclude, approved, before this
    # one's time limit starts (deadlines.start_clock, prerequisites.py).
    depends_on = models.ManyToManyField("self", symmetrical=False, blank=True, related_name="dependants")

    # Acceptance (§32)
    received_on = models.DateField("材料接收日")
    acceptance_due_on = models.DateField("受理期限", help_text="接收后 5 个工作日")
    acceptance_mode = models.CharField("受理方式", max_length=20, choices=AcceptanceMode.choices, blank=True)
    accepted_on = models.DateField("受理日", null=True, blank=True)
    accepted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")

    # The clock (§42, §45, §82). due_on = limit + extensions + paused working days after clock_from
    # (the acceptance day; for a case that waits for the cases it depends on — a bundle member — the
    # day the last of them concluded). While it waits, waiting_since is set and there is no due date.
    waiting_since = models.DateField("等待前序事项办结起", null=True, blank=True)
    clock_from = models.DateField("时限起算日", null=True, blank=True,
                                  help_text="受理日；须待前序事项办结的，为前序事项办结日（次日起计算）")
    limit_days = models.PositiveIntegerField("时限（天）", default=0)
    limit_unit = models.CharField("时限单位", max_length=20, default="working_day")
    extension_days = models.PositiveIntegerField("延长天数", default=0)
    paused_days = models.PositiveIntegerField("特别程序不计时天数", default=0)
    paused_since = models.DateField("暂停计时起", null=True, blank=True)
    due_on = models.DateField("办结期限", null=True, blank=True, db_index=True)
    due_provisional = models.BooleanField("期限为暂定", default=False,
                                          help_text="期限所在年份的节假日尚未公布，公布后自动重算")
    warning = models.CharField("预警", max_length=10, choices=WarningColour.choices, blank=True, default="",
                               db_index=True)

    # Decision, conclusion and delivery (§44)
    decision = models.CharField("决定", max_length=20, choices=Decision.choices, blank=True)
    decided_on = models.DateField("决定日", null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decision_reasons = models.TextField("决定理由", blank=True)
    decision_legal_basis = models.TextField("法律依据", blank=True)
    concluded_on = models.DateField("办结日", null=True, blank=True)
    delivery_due_on = models.DateField("送达期限", null=True, blank=True, help_text="决定之日起 10 日（§44）")
    delivered_on = models.DateField("送达日", null=True, blank=True)
    result_reference = models.CharField("结果文号/证照编号", max_length=100, blank=True)
    closed_reason = models.TextField("终止/撤销/撤回原因", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "办件"
        indexes = [
            models.Index(fields=["applicant", "-created_at"], name="case_applicant_idx"),
            models.Index(fields=["status", "due_on"], name="case_status_due_idx"),
            models.Index(fields=["status", "acceptance_due_on"], name="case_status_acc_due_idx"),
        ]

    def __str__(self) -> str:
        return self.number


class CaseStatusChange(models.Model):
    """The legal timeline of a case: every transition with its actor (state machine history)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=30, blank=True)
    to_status = models.CharField(max_length=30)
    action = models.CharField(max_length=30)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")
    actor_label = models.CharField(max_length=150, blank=True)
    occurred_at = models.DateTimeField()
    note = models.TextField(blank=True)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["case_id", "occurred_at", "id"]
        verbose_name = verbose_name_plural = "办件状态变更"


class StoredFile(BaseModel):
    """An uploaded file, owned by a person; reusable in later cases by its owner (no second upload)."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="stored_files")
    # Who put it here: the owner, or the clerk who uploaded it at the window for them. A clerk may
    # attach files they uploaded themselves; the owner's other files only through a case in scope.
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    file = models.FileField(upload_to="materials/%Y/%m/")
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sm3 = models.CharField("SM3 摘要", max_length=64, db_index=True)

    class Meta:
        verbose_name = verbose_name_plural = "上传文件"

    def __str__(self) -> str:
        return self.original_name


class ApplicationMaterial(BaseModel):
    """One material requirement of an application and how it is met."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="materials")
    requirement = models.ForeignKey("catalog.Material", on_delete=models.PROTECT, related_name="+")
    satisfaction = models.CharField(max_length=20, choices=MaterialSatisfaction.choices,
                                    default=MaterialSatisfaction.MISSING)
    stored_file = models.ForeignKey(StoredFile, null=True, blank=True, on_delete=models.PROTECT, related_name="uses")
    # The e-licence that satisfies it (e-licence issue); the licence identifier until then.
    licence_reference = models.CharField(max_length=120, blank=True)
    review = models.CharField(max_length=20, choices=MaterialReview.choices, default=MaterialReview.PENDING)
    review_note = models.CharField(max_length=500, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "申请材料"
        constraints = [models.UniqueConstraint(fields=["application", "requirement"], name="app_material_unique")]


class CorrectionNotice(BaseModel):
    """一次性告知 (§32): every problem at once; the applicant corrects and resubmits."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="correction_notices")
    items = models.JSONField(help_text='[{"target": "materials/12 或 form/child.name", "problem": "", "fix": ""}]')
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    issued_on = models.DateField()
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["case_id", "created_at"]


class Refusal(BaseModel):
    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="refusal")
    reason = models.TextField()
    legal_basis = models.TextField(blank=True)
    # An application outside the agency's powers is told which agency to go to (§32 (二)).
    competent_agency = models.ForeignKey("orgs.Organisation", null=True, blank=True, on_delete=models.PROTECT,
                                         related_name="+")
    competent_agency_note = models.CharField(max_length=300, blank=True)


class Deferral(BaseModel):
    """容缺受理: main materials complete, secondary ones follow by a deadline."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="deferral")
    requirements = models.ManyToManyField("catalog.Material", related_name="+")
    form_note = models.CharField("补交形式", max_length=300)
    deadline = models.DateField("补交期限")
    consequence = models.CharField("逾期后果", max_length=300)
    commitment_text = models.TextField("申请人承诺")
    signed_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True)
    lapsed_at = models.DateTimeField(null=True, blank=True)


class Commitment(BaseModel):
    """告知承诺 (国办发〔2020〕42号): decided on the signed promise, verified afterwards."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="commitment")
    conditions = models.JSONField("告知的条件与需证明事项", default=list)
    liability_text = models.TextField("虚假承诺的法律责任")
    commitment_text = models.TextField("申请人承诺")
    signed_at = models.DateTimeField()
    verification_due_on = models.DateField("核查期限")
    verified_on = models.DateField(null=True, blank=True)
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    is_truthful = models.BooleanField(null=True, blank=True)
    verification_note = models.TextField(blank=True)


class ClockPause(BaseModel):
    """A special procedure (§45) with the first and last day on the notice to the applicant
    (`started_on`, `last_day`), both inclusive: none of its working days counts toward the limit.
    `last_day` may be entered when the procedure ends; `ended_on` is the day the clock was resumed."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="pauses")
    procedure = models.CharField(max_length=30, choices=SpecialProcedure.choices)
    reason = models.TextField()
    expected_days = models.PositiveIntegerField("预计时长（日）")
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    last_day = models.DateField("特别程序最后一日", null=True, blank=True)
    paused_working_days = models.PositiveIntegerField(default=0)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["case_id", "started_on", "id"]


class Extension(BaseModel):
    """§42: +10 working days with the approver's approval, reasons told to the applicant."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="extensions")
    days = models.PositiveIntegerField()
    reason = models.TextField()
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    previous_due_on = models.DateField()
    new_due_on = models.DateField()


class CaseDocument(BaseModel):
    """A written document issued on a case (受理通知书 …) as a PDF with a QR code to the progress page."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(max_length=40, choices=DocumentKind.choices)
    number = models.CharField("文号", max_length=60)
    file = models.FileField(upload_to="documents/%Y/%m/")
    sm3 = models.CharField(max_length=64, blank=True, help_text="empty until the PDF is rendered (after commit)")
    issued_on = models.DateField()
    # What the document states, taken when it was issued (documents.document_facts); the PDF is
    # rendered from these alone, after the transaction that issued it has committed.
    facts = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["case_id", "created_at"]


class CaseWarning(BaseModel):
    """Monitoring (电子监察): one row per (case, kind); raising it again changes nothing."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="warnings")
    kind = models.CharField(max_length=40, choices=WarningKind.choices)
    raised_on = models.DateField()
    resolved_on = models.DateField(null=True, blank=True)
    message = models.CharField(max_length=300)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "kind"], name="case_warning_unique")]
        indexes = [models.Index(fields=["resolved_on", "kind"], name="case_warning_open_idx")]


class Locker(BaseModel):
    """A 24-hour locker (智能信包箱) at an outlet."""

    outlet = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="lockers")
    code = models.CharField(max_length=30, unique=True)
    location = models.CharField(max_length=200)

    def __str__(self) -> str:
        return f"{self.location}（{self.code}）"


class Delivery(BaseModel):
    """The one delivery arrangement of an application (all its cases' results, bundle included)."""

    application = models.OneToOneField(Application, on_delete=models.CASCADE, related_name="delivery")
    method = models.CharField(max_length=20, choices=DeliveryMethod.choices, default=DeliveryMethod.WINDOW)
    pickup_outlet = models.ForeignKey("orgs.Organisation", null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="+")
    recipient_name = models.CharField(max_length=100, blank=True)
    recipient_phone = EncryptedTextField(blank=True, default="")
    address = EncryptedTextField(blank=True, default="")
    locker = models.ForeignKey(Locker, null=True, blank=True, on_delete=models.PROTECT, related_name="deliveries")
    locker_compartment = models.CharField(max_length=20, blank=True)
    # Codes are checked against SM3 hashes; the applicant receives the code itself by notification
    # and sees it (with its QR) on their own case page: hence the code also kept SM4-encrypted.
    pickup_code_hash = models.CharField(max_length=64, blank=True)
    pickup_code_sealed = EncryptedTextField(blank=True, default="")
    tracking_number = models.CharField(max_length=60, blank=True)
    dispatched_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    # When the current code was issued (a locker result waits N days from then), and when an
    # uncollected locker result went back to the hall.
    code_issued_at = models.DateTimeField(null=True, blank=True)
    returned_at = models.DateTimeField(null=True, blank=True)


class LockerDropOff(BaseModel):
    """Paper materials of an application left in a locker: the applicant deposits them with a
    one-time open code, hall staff collect them from the cabinet, the hall signs for them."""

    application = models.OneToOneField(Application, on_delete=models.CASCADE, related_name="drop_off")
    locker = models.ForeignKey(Locker, on_delete=models.PROTECT, related_name="drop_offs")
    compartment = models.CharField(max_length=20)
    status = models.CharField(max_length=20, choices=DropOffStatus.choices, default=DropOffStatus.AWAITING)
    # The open code: SM3 hash only; single use (cleared on deposit), expiring.
    code_hash = models.CharField(max_length=64, blank=True)
    code_expires_at = models.DateTimeField(null=True, blank=True)
    deposited_at = models.DateTimeField(null=True, blank=True)
    collected_at = models.DateTimeField(null=True, blank=True)
    collected_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    # The courier (交通员) brought the collected materials to the hall (the hall signs next).
    handed_over_at = models.DateTimeField(null=True, blank=True)
    handed_over_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="+")
    received_at = models.DateTimeField(null=True, blank=True)
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "信包箱交件"


class MaterialTransfer(BaseModel):
    """City-wide handling: paper materials travel from the accepting outlet to the owning agency."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="transfers")
    from_outlet = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="+")
    to_agency = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=20, choices=TransferStatus.choices, default=TransferStatus.SENT)
    tracking_number = models.CharField(max_length=60, blank=True)
    sent_at = models.DateTimeField()
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    received_at = models.DateTimeField(null=True, blank=True)
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")


class ProcessDefinition(BaseModel):
    """A BPMN 2.0 back-office process (standard ones ship in cases/processes/; admins upload more)."""

    key = models.CharField(max_length=100)
    version = models.PositiveIntegerField(default=1)
    name = models.CharField(max_length=200)
    bpmn_xml = models.TextField()
    process_id = models.CharField("BPMN process id", max_length=100)
    is_standard = models.BooleanField(default=False)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    is_active = models.BooleanField(default=True)
    # Gateway conditions and scripts are code: only an administrator's upload (or a shipped standard
    # process) may carry them, and even then they run in the restricted engine (process_engine.py).
    trusted = models.BooleanField("可信（管理员上传或标准流程）", default=False)
    has_expressions = models.BooleanField("含条件表达式或脚本", default=False)
    # What validate_bpmn found, kept for display: [{"task_key", "title", "role", "multi_instance"}].
    user_tasks = models.JSONField("人工任务", default=list, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "后台流程定义"
        constraints = [models.UniqueConstraint(fields=["key", "version"], name="process_definition_unique")]

    def __str__(self) -> str:
        return f"{self.name}（{self.key} v{self.version}）"


class ProcessInstance(BaseModel):
    """A running process of one case; the engine's state is serialised JSON (SpiffWorkflow)."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="process")
    definition = models.ForeignKey(ProcessDefinition, on_delete=models.PROTECT, related_name="instances")
    state = models.JSONField()
    completed = models.BooleanField(default=False)
    completed_at = models.DateTimeField(null=True, blank=True)
    # Withdrawal or termination mid-process (tasks_cancel_for_case).
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "后台流程实例"


class WorkTask(BaseModel):
    """A ready user task projected from the process engine, so work queues are plain queries."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="tasks")
    process = models.ForeignKey(ProcessInstance, on_delete=models.CASCADE, related_name="tasks")
    engine_task_id = models.CharField(max_length=64)
    task_key = models.CharField(max_length=100, help_text="BPMN task id, e.g. review / inspect / decide")
    title = models.CharField(max_length=200)
    role = models.CharField(max_length=30, help_text="orgs Role that may do it")
    organisation = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="+")
    organisation_path = models.CharField(max_length=255, db_index=True)
    status = models.CharField(max_length=20, choices=TaskStatus.choices, default=TaskStatus.READY)
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")
    claimed_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    outcome = models.CharField(max_length=50, blank=True)
    comment = models.TextField(blank=True)
    # What was submitted with the outcome (e.g. legal_basis of a decide task), as passed to the engine.
    data = models.JSONField("办理数据", default=dict, blank=True)
    # Set on a task that came back from the next step ("退回上一步"): why it was sent back.
    return_comment = models.TextField("退回意见", blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = verbose_name_plural = "待办任务"
        indexes = [models.Index(fields=["status", "role", "organisation_path"], name="task_queue_idx")]
        # One open row per engine task: projecting the same ready task twice is a bug, not a queue.
        constraints = [models.UniqueConstraint(fields=["process", "engine_task_id"], name="task_open_unique",
                                               condition=models.Q(status__in=["ready", "claimed"]))]
