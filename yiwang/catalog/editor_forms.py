"""The editor's HTML forms. They only read the request and render inputs: every check that matters
is done once, by the services (version_input.py, rules.py), and their FieldErrors are shown next
to the inputs by `ErrorMap`. So fields are lenient here (text in, text to the service).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django import forms
from django.db.models import Q

from yiwang.catalog import element_text
from yiwang.catalog.constants import (
    AgencyNature,
    CaseKind,
    CrossRegionScope,
    HandlingForm,
    HandlingItemKind,
    ItemType,
    LimitUnit,
    MaterialMedium,
    MaterialNecessity,
    MaterialSource,
    MaterialType,
    OnlineDepth,
    ResultType,
    ServiceObject,
)
from yiwang.catalog.models import DataElement, ImplementationVersion
from yiwang.catalog.rules import limit_number
from yiwang.orgs.constants import ExerciseLevel
from yiwang.orgs.selectors import organisations_where

CHILD_PREFIXES = ("materials", "fee_items", "faqs", "places", "form_fields")


def _label(name: str) -> str:
    return str(ImplementationVersion._meta.get_field(name).verbose_name)


def _text(name: str, *, long: bool = False, help_text: str = "", rows: int = 3) -> forms.CharField:
    widget = forms.Textarea(attrs={"rows": rows}) if long else forms.TextInput()
    return forms.CharField(label=_label(name), required=False, widget=widget, help_text=help_text, strip=False)


def _choice(name: str, choices, *, blank: bool = False) -> forms.ChoiceField:
    options = ([("", "（未选择）")] if blank else []) + list(choices)
    return forms.ChoiceField(label=_label(name), choices=options, required=False)


def _codes(name: str, choices) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(label=_label(name), choices=choices, required=False,
                                     widget=forms.CheckboxSelectMultiple)


def _flag(name: str, help_text: str = "") -> forms.BooleanField:
    return forms.BooleanField(label=_label(name), required=False, help_text=help_text)


def _number(name: str, help_text: str = "", step: str = "1") -> forms.CharField:
    return forms.CharField(label=_label(name), required=False, help_text=help_text,
                           widget=forms.NumberInput(attrs={"step": step, "min": "0", "inputmode": "decimal"}))


class VersionForm(forms.Form):
    """Every element of a version, grouped by FIELDSETS."""

    name = forms.CharField(label="事项名称", required=False)
    change_note = _text("change_note", long=True, help_text="本次修改了什么、为什么（给审核人看）。")
    legal_basis = _text("legal_basis", long=True, help_text=element_text.RECORD_HINTS["legal_basis"] + "，如：中华人民共和国行政许可法｜第十二条")
    agency_nature = _choice("agency_nature", AgencyNature.choices)
    co_agencies = forms.ModelMultipleChoiceField(label="联办机构", queryset=None, required=False,
                                                 widget=forms.SelectMultiple(attrs={"size": 6}),
                                                 help_text="按住 Ctrl（Mac 为 Command）可多选。")
    service_objects = _codes("service_objects", ServiceObject.choices)
    person_themes = _text("person_themes", help_text="主题代码，多个用逗号分隔。")
    enterprise_themes = _text("enterprise_themes", help_text="主题代码，多个用逗号分隔。")

    statutory_limit = _number("statutory_limit", "法律未规定时限的请留空，并清空单位。", step="0.5")
    statutory_limit_unit = _choice("statutory_limit_unit", LimitUnit.choices, blank=True)
    statutory_limit_note = _text("statutory_limit_note")
    promised_limit = _number("promised_limit", "可为半天（0.5）。即办事项请把单位选为「即办」。", step="0.5")
    promised_limit_unit = _choice("promised_limit_unit", LimitUnit.choices, blank=True)
    promised_limit_note = _text("promised_limit_note")
    case_kind = _choice("case_kind", CaseKind.choices)
    special_procedures = _text("special_procedures", long=True, help_text=element_text.RECORD_HINTS["special_procedures"]
                               + "；类型代码 1 = 延长审批，2 = 听证、检验、检测、鉴定、专家评审等。")

    acceptance_conditions = _text("acceptance_conditions", long=True, rows=4, help_text="每行一条。")
    process = _text("process", long=True, rows=4, help_text=element_text.RECORD_HINTS["process"])
    process_key = _text("process_key", help_text="后台 BPMN 流程标识；空则按办件类型使用标准流程。")
    intermediary_services = _text("intermediary_services", long=True, rows=2)
    quantity_limit = _text("quantity_limit", long=True, rows=2)
    handling_forms = _codes("handling_forms", HandlingForm.choices)
    online_depth = _codes("online_depth", OnlineDepth.choices)
    online_url = _text("online_url", help_text="以 http:// 或 https:// 开头。")
    visits = _number("visits", "0 表示全程网办或快递办理，无需到现场。")
    visits_reason = _text("visits_reason", help_text="到现场次数不为 0 时必填。")
    supports_appointment = _flag("supports_appointment")
    supports_online_payment = _flag("supports_online_payment")
    supports_express_delivery = _flag("supports_express_delivery")
    supports_online_handling = _flag("supports_online_handling")
    cross_region_scope = _choice("cross_region_scope", CrossRegionScope.choices, blank=True)

    result_name = _text("result_name")
    result_type = _choice("result_type", ResultType.choices)
    result_sample = forms.FileField(label="审批结果样本", required=False,
                                    help_text="PDF、OFD 或图片。有审批结果的事项必须上传样本。")
    result_licence_type_code = _text("result_licence_type_code", help_text="结果为电子证照时填写（GB/T 36902）。")

    fee_charged = _flag("fee_charged", "收费的事项须填写收费依据并在下方列出收费项目。")
    fee_basis = _text("fee_basis", long=True, rows=2)
    consultation_phone = _text("consultation_phone", help_text="带区号，如 029-86786666。")
    complaint_phone = _text("complaint_phone", help_text="带区号，且不同于咨询电话，如 029-12345。")

    commitment_eligible = _flag("commitment_eligible")
    deferred_material_eligible = _flag("deferred_material_eligible")
    high_frequency = _flag("high_frequency")
    city_wide = _flag("city_wide")
    in_hall = _flag("in_hall")
    weekend_service = _flag("weekend_service")
    no_materials_required = _flag("no_materials_required", "确实无需申请人提交任何材料时勾选。")

    FIELDSETS = (
        ("basic", "基本信息", ("name", "change_note", "agency_nature", "co_agencies", "legal_basis", "service_objects",
                           "person_themes", "enterprise_themes")),
        ("limits", "办理时限", ("statutory_limit", "statutory_limit_unit", "statutory_limit_note", "promised_limit",
                            "promised_limit_unit", "promised_limit_note", "case_kind", "special_procedures")),
        ("handling", "受理条件与办理方式", ("acceptance_conditions", "process", "process_key", "intermediary_services",
                                   "quantity_limit", "handling_forms", "online_depth", "online_url", "visits",
                                   "visits_reason", "supports_appointment", "supports_online_payment",
                                   "supports_express_delivery", "supports_online_handling", "cross_region_scope")),
        ("result", "审批结果", ("result_name", "result_type", "result_sample", "result_licence_type_code")),
        ("fees", "收费与咨询投诉", ("fee_charged", "fee_basis", "consultation_phone", "complaint_phone")),
        ("lists", "所属清单", ("commitment_eligible", "deferred_material_eligible", "high_frequency", "city_wide",
                           "in_hall", "weekend_service", "no_materials_required")),
    )

    def __init__(self, *args, organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["co_agencies"].queryset = organisations if organisations is not None else organisations_where(Q())
        self.fields["result_sample"].widget.attrs["accept"] = ".pdf,.ofd,.jpg,.jpeg,.png,.doc,.docx"

    @staticmethod
    def initial_for(version: ImplementationVersion) -> dict:
        return {
            "name": version.name, "change_note": version.change_note,
            "legal_basis": element_text.format_records("legal_basis", version.legal_basis),
            "agency_nature": version.agency_nature,
            "co_agencies": list(version.co_agencies.all()),
            "service_objects": version.service_objects, "person_themes": element_text.format_codes(version.person_themes),
            "enterprise_themes": element_text.format_codes(version.enterprise_themes),
            "statutory_limit": limit_number(version.statutory_limit),
            "statutory_limit_unit": version.statutory_limit_unit, "statutory_limit_note": version.statutory_limit_note,
            "promised_limit": limit_number(version.promised_limit), "promised_limit_unit": version.promised_limit_unit,
            "promised_limit_note": version.promised_limit_note, "case_kind": version.case_kind,
            "special_procedures": element_text.format_records("special_procedures", version.special_procedures),
            "acceptance_conditions": element_text.format_lines(version.acceptance_conditions),
            "process": element_text.format_records("process", version.process),
            **{name: getattr(version, name) for name in (
                "process_key", "intermediary_services", "quantity_limit", "handling_forms", "online_depth",
                "online_url", "visits", "visits_reason", "supports_appointment", "supports_online_payment",
                "supports_express_delivery", "supports_online_handling", "cross_region_scope", "result_name",
                "result_type", "result_licence_type_code", "fee_charged", "fee_basis", "consultation_phone",
                "complaint_phone", "commitment_eligible", "deferred_material_eligible", "high_frequency",
                "city_wide", "in_hall", "weekend_service", "no_materials_required")},
        }

    def to_data(self) -> dict:
        """What version_update receives: the cleaned values, with the sample only when uploaded."""
        data = dict(self.cleaned_data)
        data["co_agencies"] = [o.pk for o in data["co_agencies"]]
        sample = data.pop("result_sample")
        if sample:
            data["result_sample"] = sample
        elif self.data.get("result_sample_clear"):
            data["result_sample"] = ""
        return data


class _ChildForm(forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def to_row(self) -> dict:
        row = {k: v for k, v in self.cleaned_data.items() if k != "DELETE"}
        if row.get("id") is None:
            row.pop("id", None)
        for name, value in list(row.items()):
            if isinstance(self.fields.get(name), forms.FileField) and not value:
                row.pop(name)  # no upload: keep the stored file
        return row


class MaterialForm(_ChildForm):
    name = forms.CharField(label="材料名称", required=False)
    issuing_body = forms.CharField(label="出具单位", required=False)
    material_type = forms.ChoiceField(label="材料类型", choices=MaterialType.choices, required=False)
    medium = forms.ChoiceField(label="材料形式", choices=MaterialMedium.choices, required=False)
    original_copies = forms.CharField(label="原件份数", required=False, initial="1",
                                      widget=forms.NumberInput(attrs={"min": "0"}))
    copy_copies = forms.CharField(label="复印件份数", required=False, initial="0",
                                  widget=forms.NumberInput(attrs={"min": "0"}))
    necessity = forms.ChoiceField(label="必要性", choices=MaterialNecessity.choices, required=False)
    source_channel = forms.ChoiceField(label="来源渠道", choices=MaterialSource.choices, required=False)
    licence_type_code = forms.CharField(label="可调取的电子证照类型代码", required=False,
                                        help_text="来源为电子证照库调取时必填。")
    filling_notes = forms.CharField(label="填报须知", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    acceptance_standard = forms.CharField(label="受理标准", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    legal_basis = forms.CharField(label="要求提供材料的依据", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    blank_form = forms.FileField(label="空白表格", required=False)
    sample = forms.FileField(label="示例样表", required=False)

    def is_blank(self) -> bool:
        return not (self.cleaned_data.get("name") or "").strip() and not self.cleaned_data.get("id")


class FeeItemForm(_ChildForm):
    name = forms.CharField(label="收费项目", required=False)
    standard = forms.CharField(label="收费标准", required=False)
    reduction = forms.CharField(label="减免政策", required=False)

    def is_blank(self) -> bool:
        return not any((self.cleaned_data.get(k) or "").strip() for k in ("name", "standard")) and not self.cleaned_data.get("id")


class FAQForm(_ChildForm):
    question = forms.CharField(label="问题", required=False)
    answer = forms.CharField(label="解答", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def is_blank(self) -> bool:
        return not any((self.cleaned_data.get(k) or "").strip() for k in ("question", "answer")) and not self.cleaned_data.get("id")


class PlaceForm(_ChildForm):
    name = forms.CharField(label="办理地点", required=False)
    address = forms.CharField(label="地址", required=False)
    hours = forms.CharField(label="办理时间", required=False)
    phone = forms.CharField(label="电话", required=False)

    def is_blank(self) -> bool:
        return not any((self.cleaned_data.get(k) or "").strip() for k in ("name", "address", "hours")) \
            and not self.cleaned_data.get("id")


class FormFieldForm(_ChildForm):
    data_element = forms.ChoiceField(label="数据元", required=False)
    label = forms.CharField(label="标签（空则用数据元名称）", required=False)
    section = forms.CharField(label="分组", required=False)
    required = forms.BooleanField(label="必填", required=False)
    options = forms.CharField(label="可选值（空则用数据元的）", required=False, widget=forms.Textarea(attrs={"rows": 2}),
                              help_text=element_text.RECORD_HINTS["options"])
    help_text = forms.CharField(label="填写提示", required=False)

    def __init__(self, *args, element_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["data_element"].choices = [("", "（未选择）"), *element_choices]

    def is_blank(self) -> bool:
        return not self.cleaned_data.get("data_element") and not self.cleaned_data.get("id")


CHILD_FORMS = {"materials": MaterialForm, "fee_items": FeeItemForm, "faqs": FAQForm, "places": PlaceForm,
               "form_fields": FormFieldForm}
CHILD_TITLES = {"materials": "申请材料", "fee_items": "收费项目", "faqs": "常见问题", "places": "办理地点和时间",
                "form_fields": "申请表单字段"}


def child_initial(version: ImplementationVersion, kind: str) -> list[dict]:
    rows = []
    for obj in getattr(version, kind).all():
        if kind == "materials":
            rows.append({k: getattr(obj, k) for k in ("id", "name", "issuing_body", "material_type", "medium",
                                                      "original_copies", "copy_copies", "necessity", "source_channel",
                                                      "licence_type_code", "filling_notes", "acceptance_standard",
                                                      "legal_basis")})
        elif kind == "fee_items":
            rows.append({"id": obj.pk, "name": obj.name, "standard": obj.standard, "reduction": obj.reduction})
        elif kind == "faqs":
            rows.append({"id": obj.pk, "question": obj.question, "answer": obj.answer})
        elif kind == "places":
            rows.append({"id": obj.pk, "name": obj.name, "address": obj.address, "hours": obj.hours, "phone": obj.phone})
        else:
            rows.append({"id": obj.pk, "data_element": obj.data_element.key, "label": obj.label, "section": obj.section,
                         "required": obj.required, "options": element_text.format_records("options", obj.options),
                         "help_text": obj.help_text})
    return rows


def element_choices() -> list[tuple[str, str]]:
    return [(e.key, f"{e.name}（{e.key}）") for e in DataElement.objects.order_by("key")]


def child_formset(kind: str, *, data=None, files=None, initial=None, extra: int = 1):
    form = CHILD_FORMS[kind]
    formset_class = forms.formset_factory(form, extra=extra, can_delete=True)
    kwargs = {"form_kwargs": {"element_choices": element_choices()}} if kind == "form_fields" else {}
    return formset_class(data=data, files=files, initial=initial, prefix=kind, **kwargs)


def formset_rows(formset) -> tuple[list[dict], list[int]]:
    """The rows to send to version_update and, for each, the index of its form (to place errors)."""
    rows, positions = [], []
    for index, form in enumerate(formset.forms):
        if form.cleaned_data.get("DELETE") or form.is_blank():
            continue
        rows.append(form.to_row())
        positions.append(index)
    return rows, positions


class NewImplementationForm(forms.Form):
    basic_code = forms.CharField(label="基本编码", required=False, help_text="基本目录中的编码。已有的会自动选用。")
    base_name = forms.CharField(label="基本目录事项名称", required=False, help_text="基本编码尚未登记时填写，用于新增基本目录事项。")
    item_type = forms.ChoiceField(label="事项类型", choices=[("", "（未选择）"), *ItemType.choices], required=False,
                                  help_text="基本编码尚未登记时填写。")
    agency = forms.ChoiceField(label="实施主体", required=False)
    exercise_level = forms.ChoiceField(label="行使层级", choices=[("", "（未选择）"), *ExerciseLevel.choices], required=False)
    implementation_code = forms.CharField(label="实施编码", required=False,
                                          help_text="常见为实施主体统一社会信用代码 + 行使层级 + 基本编码。")
    handling_item_kind = forms.ChoiceField(label="办理项类型", choices=HandlingItemKind.choices, required=False)
    handling_item_code = forms.CharField(label="业务办理项编码", required=False)
    name = forms.CharField(label="事项名称", required=False, help_text="空则用基本目录事项名称。")

    def __init__(self, *args, agencies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].choices = [("", "（未选择）"), *[(str(o.pk), o.name) for o in agencies]]


# --- Errors next to inputs ---------------------------------------------------------------------


@dataclass
class FieldRow:
    """One input with its errors, for templates/catalog/editor/_field.html."""

    field: forms.BoundField
    errors: list[str] = field(default_factory=list)

    @property
    def kind(self) -> str:
        widget = self.field.field.widget
        if isinstance(widget, forms.CheckboxSelectMultiple):
            return "group"
        if isinstance(widget, forms.CheckboxInput):
            return "checkbox"
        if isinstance(widget, forms.HiddenInput):
            return "hidden"
        return "input"


class ErrorMap:
    """FieldErrors from the services, placed on the inputs they name and listed in the summary
    with links. Names: `promised_limit`, `materials[2].name` (the third material row sent),
    `materials` (the whole list)."""

    def __init__(self):
        self.by_input: dict[str, list[str]] = {}
        self.summary: list[tuple[str, str]] = []  # (anchor id, message)

    def __bool__(self) -> bool:
        return bool(self.summary)

    def add(self, field_name: str, message: str, *, positions: dict[str, list[int]] | None = None,
            anchor_base: str = "") -> None:
        input_name, anchor = input_for(field_name, positions=positions)
        self.by_input.setdefault(input_name, []).append(message)
        self.summary.append((anchor_base + "#" + anchor, message))

    def rows(self, form: forms.Form, names) -> list[FieldRow]:
        result = []
        for name in names:
            bound = form[name]
            errors = self.by_input.get(bound.html_name, [])
            describe = []
            if bound.help_text:
                describe.append(f"{bound.auto_id}-hint")
            if errors:
                describe.append(f"{bound.auto_id}-error")
                form.fields[name].widget.attrs["aria-invalid"] = "true"
            if describe:
                form.fields[name].widget.attrs["aria-describedby"] = " ".join(describe)
            result.append(FieldRow(bound, errors))
        return result

    def list_errors(self, kind: str) -> list[str]:
        return self.by_input.get(kind, [])


def input_for(field_name: str, *, positions: dict[str, list[int]] | None = None) -> tuple[str, str]:
    """(input name, anchor id) of an element name from a FieldError."""
    if "[" in field_name:
        kind, rest = field_name.split("[", 1)
        index_text, _, attr = rest.partition("]")
        attr = attr.lstrip(".")
        try:
            index = int(index_text)
        except ValueError:
            return kind, kind
        if positions is not None and kind in positions and index < len(positions[kind]):
            index = positions[kind][index]
        if not attr:
            return f"{kind}-{index}", f"{kind}-{index}"
        return f"{kind}-{index}-{attr}", f"id_{kind}-{index}-{attr}"
    if field_name in CHILD_PREFIXES:
        return field_name, field_name
    if field_name in ("service_objects", "handling_forms", "online_depth"):
        return field_name, f"id_{field_name}_0"
    return field_name, f"id_{field_name}"
