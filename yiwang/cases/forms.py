"""Rendering and parsing of the case pages' inputs. No rules here: every check that matters is made by
the services (yiwang.cases.services) and the catalog's form validation, whose field errors these
classes attach to the inputs they concern and list in the error summary at the top of the page.

Three kinds of input live here:
- `ErrorList`: every error of a page, in page order, each with the id of the input it links to.
- The application form of an item version (`application_sections`, `form_values_from_post`): its
  fields are data elements, so they are built from `form_schema(version)`, not declared.
- Fixed Django forms for the staff decisions (deferral, commitment, refusal, task, pause …).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from django import forms

from yiwang.cases.constants import DeliveryMethod, SpecialProcedure
from yiwang.catalog.constants import DataType
from yiwang.core.errors import DomainError, FieldError, ValidationFailed

# ---------------------------------------------------------------------------------------------
# Errors


@dataclass
class PageError:
    field: str
    message: str
    href: str = ""


class ErrorList:
    """All errors of one page: `summary` for the box at the top, `for_field` beside each input."""

    def __init__(self):
        self.items: list[PageError] = []

    def add(self, field: str, message: str, href: str = "") -> None:
        if not any(e.field == field and e.message == message for e in self.items):
            self.items.append(PageError(field, message, href))

    def for_field(self, name: str) -> list[str]:
        return [e.message for e in self.items if e.field == name]

    def fields(self) -> set[str]:
        return {e.field for e in self.items}

    def __bool__(self) -> bool:
        return bool(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def __iter__(self):
        return iter(self.items)


def service_field_errors(exc: DomainError) -> list[FieldError]:
    """The field errors a service raised, whatever shape it used: ValidationFailed, a DomainError
    with `field`, or one whose `detail` lists {field, code, message} (task_complete's decide check)."""
    if isinstance(exc, ValidationFailed):
        return list(exc.errors)
    if isinstance(exc.detail, list) and exc.detail and all(isinstance(d, dict) and "field" in d for d in exc.detail):
        return [FieldError(d["field"], d.get("code", exc.code), d.get("message", exc.message)) for d in exc.detail]
    return [FieldError(exc.field or "", exc.code, exc.message)]


def input_id(key: str) -> str:
    """An HTML id for a data-element key (applicant.name -> f-applicant-name)."""
    return "f-" + re.sub(r"[^A-Za-z0-9_-]", "-", key)


def material_input_id(requirement_id: int) -> str:
    return f"m-{requirement_id}"


# ---------------------------------------------------------------------------------------------
# The application form of a version (data elements)

_TRUE = {"true", "1", "on", "yes", "是"}
# Data-element keys whose browser autofill token is obvious; the grandmother's phone fills them.
_AUTOCOMPLETE = {"applicant.name": "name", "applicant.phone": "tel", "applicant.email": "email",
                 "enterprise.name": "organization"}


@dataclass
class AppInput:
    key: str
    label: str
    data_type: str
    required: bool
    help: str
    options: list[dict]
    value: object
    errors: list[str]
    id: str
    widget: str  # text | textarea | date | radio | select | checkbox
    attrs: dict = field(default_factory=dict)

    @property
    def values(self) -> list[str]:
        """The chosen values as strings (checkbox groups, radios, selects)."""
        if isinstance(self.value, list | tuple):
            return [str(v) for v in self.value]
        if self.data_type == DataType.BOOLEAN and self.value not in (None, ""):
            return ["true" if str(self.value).strip().lower() in _TRUE else "false"]
        return [] if self.value in (None, "") else [str(self.value)]

    @property
    def text(self) -> str:
        return "" if self.value is None else str(self.value)

    @property
    def describedby(self) -> str:
        ids = []
        if self.help:
            ids.append(f"{self.id}-hint")
        if self.errors:
            ids.append(f"{self.id}-error")
        return " ".join(ids)


@dataclass
class AppSection:
    title: str
    inputs: list[AppInput]


def _widget(item: dict) -> tuple[str, dict]:
    data_type = item["type"]
    attrs: dict[str, str] = {}
    if item["key"] in _AUTOCOMPLETE:
        attrs["autocomplete"] = _AUTOCOMPLETE[item["key"]]
    validation = item.get("validation") or {}
    if validation.get("max_length"):
        attrs["maxlength"] = str(validation["max_length"])
    if data_type == DataType.TEXT:
        return "textarea", attrs
    if data_type == DataType.DATE:
        return "date", attrs
    if data_type == DataType.BOOLEAN:
        return "radio", attrs
    if data_type == DataType.CHOICE:
        return ("radio" if len(item["options"]) <= 5 else "select"), attrs
    if data_type == DataType.MULTI_CHOICE:
        return "checkbox", attrs
    kinds = {
        DataType.INTEGER: {"inputmode": "numeric"},
        DataType.DECIMAL: {"inputmode": "decimal"},
        DataType.ID_NUMBER: {"autocapitalize": "characters", "spellcheck": "false", "maxlength": "22"},
        DataType.USCC: {"autocapitalize": "characters", "spellcheck": "false", "maxlength": "22"},
        DataType.PHONE: {"type": "tel", "inputmode": "tel", "autocomplete": attrs.get("autocomplete", "tel")},
        DataType.EMAIL: {"type": "email", "autocomplete": attrs.get("autocomplete", "email")},
        DataType.ADDRESS: {"autocomplete": attrs.get("autocomplete", "street-address")},
        DataType.DIVISION: {"inputmode": "numeric", "maxlength": "20"},
    }
    return "text", {"type": "text", **attrs, **kinds.get(data_type, {})}


def application_sections(schema: list[dict], values: dict, errors: ErrorList | None = None) -> list[AppSection]:
    """The form grouped by section (in field order), each input with its value and errors."""
    sections: list[AppSection] = []
    for item in schema:
        widget, attrs = _widget(item)
        options = item["options"]
        if item["type"] == DataType.BOOLEAN:
            options = [{"value": "true", "label": "是"}, {"value": "false", "label": "否"}]
        entry = AppInput(key=item["key"], label=item["label"], data_type=item["type"], required=item["required"],
                         help=item.get("help") or "", options=[{"value": str(o.get("value")), "label": o.get("label", o.get("value"))}
                                                              for o in options],
                         value=values.get(item["key"], ""), errors=errors.for_field(item["key"]) if errors else [],
                         id=input_id(item["key"]), widget=widget, attrs=attrs)
        title = item.get("section") or "申请信息"
        if not sections or sections[-1].title != title:
            sections.append(AppSection(title, []))
        sections[-1].inputs.append(entry)
    return sections


def form_values_from_post(schema: list[dict], post) -> dict:
    """What was typed, keyed by data-element key, as the services expect it (lists for multi-choice).
    Values are kept as typed: the service cleans them, and a page re-shown after an error must show
    exactly what the person entered."""
    values = {}
    for item in schema:
        key = item["key"]
        if item["type"] == DataType.MULTI_CHOICE:
            values[key] = post.getlist(key)
        else:
            values[key] = post.get(key, "")
    return values


def display_value(item: dict, value) -> str:
    """A stored form value as a person reads it (是/否, option labels, lists joined)."""
    if value in (None, "", []):
        return ""
    labels = {str(o.get("value")): str(o.get("label", o.get("value"))) for o in item.get("options") or []}
    if item["type"] == DataType.BOOLEAN:
        return "是" if str(value).strip().lower() in _TRUE else "否"
    if isinstance(value, list | tuple):
        return "、".join(labels.get(str(v), str(v)) for v in value)
    return labels.get(str(value), str(value))


# ---------------------------------------------------------------------------------------------
# Fixed forms


class CaseForm(forms.Form):
    """A form whose rules are a service's. Fields are never `required` here: the service says what
    is missing, in the same words the API uses. `service_prefix` strips the service's own prefix
    from field names ("deferral.deadline" -> "deadline")."""

    service_prefix = ""
    field_map: dict[str, str] = {}
    use_required_attribute = False

    def add_service_error(self, error: FieldError) -> bool:
        """Attach one service error to its input; False if no input of this form has that name."""
        name = self.field_map.get(error.field, error.field)
        if self.service_prefix and name.startswith(self.service_prefix):
            name = name[len(self.service_prefix):]
        if name in self.fields:
            self.add_error(name, error.message)
            return True
        return False

    def add_service_errors(self, exc: DomainError) -> None:
        for error in service_field_errors(exc):
            if not self.add_service_error(error):
                self.add_error(None, error.message)

    def collect_errors(self, errors: ErrorList, *, anchor: str = "") -> None:
        """Put this form's errors into the page's list, each linking to its input."""
        for message in self.non_field_errors():
            errors.add(f"{self.prefix or ''}__all__", message, f"#{anchor}" if anchor else "")
        for bound in self:
            for message in bound.errors:
                target = bound.auto_id
                if isinstance(bound.field.widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
                    target = f"{bound.auto_id}_0"
                errors.add(bound.html_name, message, f"#{target}")


def _text(label: str, *, help_text: str = "", **attrs) -> forms.CharField:
    return forms.CharField(label=label, required=False, help_text=help_text,
                           widget=forms.TextInput(attrs={"autocomplete": "off", **attrs}))


def _area(label: str, *, help_text: str = "", rows: int = 3) -> forms.CharField:
    return forms.CharField(label=label, required=False, help_text=help_text, widget=forms.Textarea(attrs={"rows": rows}))


class DeliveryForm(CaseForm):
    """送达方式. The locker choices are the outlets' lockers (set by the view)."""

    service_prefix = "delivery."
    field_map = {"locker_id": "locker"}

    method = forms.ChoiceField(label="结果送达方式", required=False, choices=DeliveryMethod.choices, widget=forms.RadioSelect,
                               initial=DeliveryMethod.WINDOW)
    recipient_name = _text("收件人", help_text="不填则为申请人本人。", autocomplete="name")
    recipient_phone = _text("收件人手机号码", help_text="不填则为申请人的手机号码。", type="tel", inputmode="tel", autocomplete="tel")
    address = _area("收件地址", help_text="选择邮寄送达时必填，如：西安市雁塔区小寨东路 1 号 3 单元 501 室。", rows=2)
    locker = forms.ChoiceField(label="智能信包箱", required=False, help_text="选择信包箱自取时必填。", choices=[])

    def __init__(self, *args, lockers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["locker"].choices = [("", "— 请选择信包箱 —"), *[(str(lk.pk), str(lk)) for lk in lockers]]
        if not lockers:  # no locker anywhere: the option could not be completed
            self.fields["method"].choices = [c for c in DeliveryMethod.choices if c[0] != DeliveryMethod.LOCKER]
            del self.fields["locker"]
        self.fields["address"].widget.attrs["autocomplete"] = "street-address"

    def clean_method(self):
        return self.cleaned_data.get("method") or DeliveryMethod.WINDOW

    def spec(self) -> dict:
        """The delivery as the services take it (intake's `delivery`, delivery_change's arguments)."""
        data = self.cleaned_data if self.is_bound and hasattr(self, "cleaned_data") else {}
        return {"method": data.get("method") or DeliveryMethod.WINDOW, "address": data.get("address", ""),
                "locker": int(data["locker"]) if data.get("locker") else None,
                "recipient_name": data.get("recipient_name", ""), "recipient_phone": data.get("recipient_phone", "")}



class DropOffForm(CaseForm):
    """信包箱交件: the locker for the paper materials (choices from the service map, set by the view)."""

    locker = forms.ChoiceField(label="交件信包箱", choices=[],
                               help_text="选择离您较近的 24 小时信包箱，开箱码将发送到您的手机和“我的消息”。")

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["locker"].choices = [("", "— 请选择信包箱 —"), *[(str(pk), label) for pk, label in choices]]


class FindApplicantForm(CaseForm):
    identifier = _text("申请人证件号码", help_text="18 位居民身份证号码或统一社会信用代码。刷身份证后核对本人。",
                       spellcheck="false", autocapitalize="characters", maxlength="22")


class ItemSearchForm(forms.Form):
    item_q = forms.CharField(label="查找事项", required=False, max_length=100,
                             widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}))


class DeferralForm(CaseForm):
    service_prefix = "deferral."

    requirement_ids = forms.MultipleChoiceField(label="容缺后补的材料", required=False, widget=forms.CheckboxSelectMultiple,
                                                choices=[])
    deadline = forms.CharField(label="补交期限", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    form_note = _text("补交形式", help_text="如：现场提交纸质原件，或网上上传扫描件。")
    consequence = _text("逾期未补交的后果", help_text="不填则为：逾期未补齐的，终止办理，已作出的决定不予出件。")
    commitment_text = _area("申请人承诺", help_text="申请人签字确认的承诺内容。")

    def __init__(self, *args, materials=(), due_hint: date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["requirement_ids"].choices = [(str(m.pk), m.name) for m in materials]
        if due_hint:
            self.fields["deadline"].help_text = f"不得晚于承诺办结期限（按今天受理为 {due_hint:%Y-%m-%d}）。"
            self.fields["deadline"].widget.attrs["max"] = due_hint.isoformat()

    def spec(self) -> dict:
        data = self.cleaned_data
        return {"requirement_ids": [int(i) for i in data.get("requirement_ids") or []], "deadline": data.get("deadline") or "",
                "form_note": data.get("form_note", ""), "consequence": data.get("consequence", ""),
                "commitment_text": data.get("commitment_text", "")}


class CommitmentForm(CaseForm):
    service_prefix = "commitment."

    conditions = _area("告知的条件与需证明的事项", help_text="每行一项。申请人承诺已符合这些条件。", rows=4)
    commitment_text = _area("申请人承诺", help_text="申请人签字确认的承诺内容。")
    liability_text = _area("虚假承诺的法律责任", help_text="不填则使用标准表述。")

    def spec(self) -> dict:
        data = self.cleaned_data
        return {"conditions": [line.strip() for line in (data.get("conditions") or "").splitlines() if line.strip()],
                "commitment_text": data.get("commitment_text", ""), "liability_text": data.get("liability_text", "")}


class RefusalForm(CaseForm):
    field_map = {"competent_agency_id": "competent_agency"}

    reason = _area("不予受理的理由", help_text="将写入不予受理决定书。")
    legal_basis = _area("法律依据", help_text="法律法规名称和条款。", rows=2)
    competent_agency = forms.ChoiceField(label="有权受理的机关（申请事项不属于本机关职权范围时）", required=False, choices=[])
    competent_agency_note = _text("告知申请人向何处申请（补充说明）")

    def __init__(self, *args, agencies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["competent_agency"].choices = [("", "— 不适用 —"), *[(str(a.pk), a.name) for a in agencies]]


class PickupForm(CaseForm):
    pickup_code = _text("取件码", help_text="申请人收到的 6 位取件码。", inputmode="numeric", maxlength="6")


class MailForm(CaseForm):
    tracking_number = _text("快递单号", spellcheck="false")


class TransferForm(CaseForm):
    tracking_number = _text("寄递单号（内部交换可不填）", spellcheck="false")


class TaskCompleteForm(CaseForm):
    outcome = forms.ChoiceField(label="办理结论", required=False, choices=[], widget=forms.RadioSelect)
    comment = _area("办理意见", help_text="决定任务请写明决定理由。")
    legal_basis = _area("法律依据", help_text="法律法规名称和条款，如《中华人民共和国行政许可法》第三十八条。", rows=2)

    def __init__(self, *args, outcomes=(), decision=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outcome"].choices = list(outcomes)
        if len(outcomes) == 1:
            self.fields["outcome"].initial = outcomes[0][0]
        if not decision:
            del self.fields["legal_basis"]
            self.fields["comment"].help_text = ""
        else:
            self.fields["comment"].label = "决定理由"


class TaskReturnForm(CaseForm):
    comment = _area("退回意见", help_text="说明需要上一步补充或更正什么。", rows=2)


class ReassignForm(CaseForm):
    field_map = {"to_user": "to_user"}

    to_user = forms.ChoiceField(label="改派给", required=False, choices=[])

    def __init__(self, *args, colleagues=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_user"].choices = [("", "— 请选择同事 —"), *[(str(u.pk), u.display_name) for u in colleagues]]


class PauseForm(CaseForm):
    procedure = forms.ChoiceField(label="特别程序", required=False, choices=[("", "— 请选择 —"), *SpecialProcedure.choices])
    reason = _area("理由", help_text="将写入特别程序告知书，告知申请人。", rows=2)
    first_day = forms.DateField(label="第一日", required=False, help_text="特别程序告知书上的第一日；不填为今天。",
                                widget=forms.DateInput(attrs={"type": "date"}))
    last_day = forms.DateField(label="最后一日", required=False, help_text="告知书上的最后一日（含当日）；尚不确定的，结束时再填。",
                               widget=forms.DateInput(attrs={"type": "date"}))
    expected_days = _text("预计所需天数", help_text="1–365 日；填写最后一日的可不填。特别程序期间的工作日均不计入办理时限。",
                          inputmode="numeric", maxlength="3")

    def days(self) -> int | None:
        try:
            return int((self.cleaned_data.get("expected_days") or "").strip())
        except ValueError:
            return None


class ExtendForm(CaseForm):
    reason = _area("延长理由", help_text="将写入延长审批期限告知书。", rows=2)
    days = _text("延长工作日数", help_text="不填则按法定上限延长（一般 10 个工作日）。", inputmode="numeric", maxlength="2")

    def day_count(self) -> int | str | None:
        text = (self.cleaned_data.get("days") or "").strip()
        if not text:
            return None
        try:
            return int(text)
        except ValueError:
            return text  # the service names it as out of range


class VerifyForm(CaseForm):
    field_map = {"truthful": "truthful"}

    truthful = forms.ChoiceField(label="核查结论", required=False, widget=forms.RadioSelect,
                                 choices=[("yes", "承诺属实"), ("no", "承诺不实（将撤销决定或终止办理，并记入信用记录）")])
    note = _area("核查情况", rows=2)


class WithdrawForm(CaseForm):
    reason = _area("撤回原因（可不填）", rows=2)


# ---------------------------------------------------------------------------------------------
# Correction notice rows (一次性告知): problem / fix pairs, any number of rows


@dataclass
class CorrectionRow:
    index: int
    target: str = ""
    problem: str = ""
    fix: str = ""
    errors: list[str] = field(default_factory=list)

    @property
    def blank(self) -> bool:
        return not (self.problem.strip() or self.fix.strip())


def correction_rows_from_post(post, *, minimum: int = 2) -> list[CorrectionRow]:
    count = min(max(_int(post.get("rows"), minimum), 1), 50)
    return [CorrectionRow(i, post.get(f"target-{i}", ""), post.get(f"problem-{i}", ""), post.get(f"fix-{i}", ""))
            for i in range(count)]


def _int(value, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default
