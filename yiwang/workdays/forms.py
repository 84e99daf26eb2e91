"""Forms of the calendar admin pages. They only parse input; the rules are in year_entry."""

from django import forms
from django.forms import formset_factory

from yiwang.workdays.constants import (
    MAX_BASIS_LENGTH,
    MAX_IMPORT_BYTES,
    MAX_NAME_LENGTH,
    MAX_REASON_LENGTH,
    MAX_YEAR,
    MIN_YEAR,
)
from yiwang.workdays.year_entry import HolidayPeriod, MakeupDay


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class CorrectionFields(forms.Form):
    correction = forms.BooleanField(label="更正已正式发布的年度", required=False,
                                    help_text="只在国务院发布补充或更正通知时使用；更正会记入审计日志。")
    reason = forms.CharField(label="更正理由", required=False, max_length=MAX_REASON_LENGTH,
                             widget=forms.Textarea(attrs={"rows": 2}),
                             help_text="更正时必填，例如补充通知的文号和更正内容。")


class YearEntryForm(CorrectionFields):
    year = forms.IntegerField(label="年度", min_value=MIN_YEAR, max_value=MAX_YEAR,
                              help_text="四位年份，例如 2027。", widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
    basis = forms.CharField(label="依据（通知文号）", required=False, max_length=MAX_BASIS_LENGTH,
                            help_text="例如“国办发明电〔2026〕7号”，可不填。")

    field_order = ["year", "basis", "correction", "reason"]


class HolidayRowForm(forms.Form):
    name = forms.CharField(label="名称", required=False, max_length=MAX_NAME_LENGTH)
    first_day = forms.DateField(label="开始日期", required=False, widget=DateInput())
    last_day = forms.DateField(label="结束日期", required=False, widget=DateInput())

    def clean(self):
        data = super().clean()
        if any(data.get(f) for f in ("name", "first_day", "last_day")) and not self.errors:
            if not data.get("first_day"):
                self.add_error("first_day", "请填写开始日期。")
            if not (data.get("name") or "").strip():
                self.add_error("name", "请填写假期名称，例如“春节”。")
        return data

    def entry(self, field: str) -> HolidayPeriod | None:
        data = self.cleaned_data
        if not data.get("first_day"):
            return None
        return HolidayPeriod(first_day=data["first_day"], last_day=data.get("last_day") or data["first_day"],
                             name=(data.get("name") or "").strip(), field=field)


class MakeupRowForm(forms.Form):
    day = forms.DateField(label="日期", required=False, widget=DateInput())
    name = forms.CharField(label="说明", required=False, max_length=MAX_NAME_LENGTH)

    def clean(self):
        data = super().clean()
        if (data.get("name") or "").strip() and not data.get("day") and not self.errors:
            self.add_error("day", "请填写调休上班的日期。")
        return data

    def entry(self, field: str) -> MakeupDay | None:
        data = self.cleaned_data
        if not data.get("day"):
            return None
        return MakeupDay(day=data["day"], name=(data.get("name") or "").strip(), field=field)


HolidayFormSet = formset_factory(HolidayRowForm, extra=0, max_num=40, validate_max=True)
MakeupFormSet = formset_factory(MakeupRowForm, extra=0, max_num=40, validate_max=True)


class ImportForm(CorrectionFields):
    text = forms.CharField(label="粘贴文本", required=False, widget=forms.Textarea(attrs={"rows": 12, "spellcheck": "false"}),
                           help_text="格式见下方说明；也可以上传文件。")
    file = forms.FileField(label="或上传文本文件", required=False, help_text="UTF-8 编码的 .txt 文件，最大 64 KB。")

    field_order = ["text", "file", "correction", "reason"]

    def clean(self):
        data = super().clean()
        upload = data.get("file")
        text = (data.get("text") or "").strip()
        if upload and text:
            self.add_error("file", "请只提供一种：粘贴文本或上传文件。")
        elif upload:
            if upload.size > MAX_IMPORT_BYTES:
                self.add_error("file", f"文件过大（{upload.size} 字节），最大 {MAX_IMPORT_BYTES // 1024} KB，"
                                       "一次只导入一个年度。")
            else:
                try:
                    data["content"] = upload.read().decode("utf-8-sig")
                except UnicodeDecodeError:
                    self.add_error("file", "文件不是 UTF-8 编码的文本。请用记事本另存为 UTF-8 后再上传。")
        elif text:
            data["content"] = data["text"]
        elif not self.errors:
            self.add_error("text", "请粘贴节假日安排文本，或上传文本文件。")
        return data
