"""Forms of the staff pages: they parse what was typed; every rule lives in services.py."""

from __future__ import annotations

from django import forms

from yiwang.servicemap.constants import (
    ADDRESS_MAX,
    DIRECTIONS_MAX,
    MAX_PERIODS_PER_DAY,
    NAME_MAX,
    NOTES_MAX,
    PHONE_MAX,
    REASON_MAX,
    SLOT_LABELS,
    STORED_MODES,
    WINDOW_NOTE_MAX,
    AcceptanceMode,
    CoordinateSystem,
    Facility,
    OutletHost,
    OutletKind,
    WindowKind,
)
from yiwang.servicemap.opening_hours import Period, clock, parse_clock

PERIODS_SHOWN = 3  # period rows per day on the hours form (the service allows MAX_PERIODS_PER_DAY)
assert PERIODS_SHOWN <= MAX_PERIODS_PER_DAY


class OutletForm(forms.Form):
    name = forms.CharField(label="网点名称", max_length=NAME_MAX)
    kind = forms.ChoiceField(label="类型", choices=OutletKind.choices)
    host = forms.ChoiceField(label="设置场所", required=False, choices=[("", "— 不适用 —"), *OutletHost.choices],
                             help_text="驿站、自助终端、信包箱所在的场所。")
    operator = forms.TypedChoiceField(label="运营单位", coerce=int, help_text="负责该网点的单位，决定哪些大厅管理人员可以维护。")
    organisation = forms.TypedChoiceField(label="对应机构", coerce=int, required=False, empty_value=None,
                                          help_text="政务服务中心、便民服务中心、便民服务站请选择它对应的机构；其他类型留空。")
    hall = forms.TypedChoiceField(label="所属大厅", coerce=int, required=False, empty_value=None,
                                  help_text="24小时自助服务区、自助终端、信包箱所属的大厅（信包箱的可办事项随大厅）。")
    locker = forms.TypedChoiceField(label="信包箱", coerce=int, required=False, empty_value=None,
                                    help_text="仅“24小时自助信包箱”类网点：选择已登记的信包箱。")
    lat = forms.CharField(label="纬度", max_length=20, help_text="例如 34.261000")
    lng = forms.CharField(label="经度", max_length=20, help_text="例如 108.942300")
    crs = forms.ChoiceField(label="坐标系", choices=CoordinateSystem.choices, initial=CoordinateSystem.GCJ02,
                            help_text="从高德、腾讯地图取得的坐标选 GCJ-02，系统会换算为 WGS84 保存。")
    address = forms.CharField(label="地址", max_length=ADDRESS_MAX)
    phone = forms.CharField(label="咨询电话", max_length=PHONE_MAX, required=False)
    directions = forms.CharField(label="到达方式", max_length=DIRECTIONS_MAX, required=False, widget=forms.Textarea,
                                 help_text="公交、地铁站和入口位置，例如“地铁2号线行政中心站C口向东200米”。")
    notes = forms.CharField(label="服务说明", max_length=NOTES_MAX, required=False, widget=forms.Textarea)
    facilities = forms.MultipleChoiceField(label="便民设施", required=False, choices=Facility.choices,
                                           widget=forms.CheckboxSelectMultiple)
    is_active = forms.BooleanField(label="对外开放（在地图上显示）", required=False, initial=True)

    def __init__(self, *args, operators=(), organisations=(), halls=(), lockers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["operator"].choices = [("", "— 请选择 —"), *[(o.pk, o.name) for o in operators]]
        self.fields["organisation"].choices = [("", "— 无 —"), *[(o.pk, o.name) for o in organisations]]
        self.fields["hall"].choices = [("", "— 无 —"), *[(h.pk, h.name) for h in halls]]
        self.fields["locker"].choices = [("", "— 无 —"), *[(lk.pk, f"{lk.code} {lk.location}") for lk in lockers]]


def schedule_initial(periods) -> dict:
    """Form values from OpeningPeriod rows (or Period objects with a `slot`)."""
    by_slot: dict[int, list] = {}
    for p in periods:
        by_slot.setdefault(p.slot, []).append(p)
    data = {}
    for slot in range(8):
        for i, p in enumerate(sorted(by_slot.get(slot, []), key=lambda p: p.opens_minute)[:PERIODS_SHOWN]):
            data[f"s{slot}_{i}_opens"] = clock(p.opens_minute)
            data[f"s{slot}_{i}_closes"] = clock(p.closes_minute)
            data[f"s{slot}_{i}_extended"] = p.is_extended
    return data


def schedule_rows(data) -> list[dict]:
    """The hours form's rows for the template: one per day slot, PERIODS_SHOWN periods each."""
    rows = []
    for slot in range(8):
        periods = [{"prefix": f"s{slot}_{i}", "opens": data.get(f"s{slot}_{i}_opens", ""),
                    "closes": data.get(f"s{slot}_{i}_closes", ""),
                    "extended": data.get(f"s{slot}_{i}_extended") in (True, "on", "1")} for i in range(PERIODS_SHOWN)]
        rows.append({"slot": slot, "label": SLOT_LABELS[slot], "periods": periods})
    return rows


def parse_schedule(post) -> tuple[dict[int, list[Period]], list[tuple[str, str]]]:
    """Periods by slot from the hours form, and the fields that are no time of day."""
    slots: dict[int, list[Period]] = {slot: [] for slot in range(8)}
    problems = []
    for slot in range(8):
        for i in range(PERIODS_SHOWN):
            key = f"s{slot}_{i}"
            opens_text = post.get(f"{key}_opens", "")[:10].strip()
            closes_text = post.get(f"{key}_closes", "")[:10].strip()
            if not opens_text and not closes_text:
                continue
            opens, closes = parse_clock(opens_text), parse_clock(closes_text)
            if opens is None or closes is None:
                problems.append((f"{key}_opens", f"{SLOT_LABELS[slot]}第 {i + 1} 个时段：请按“9:00”“17:30”的格式填写开始和结束时间。"))
                continue
            slots[slot].append(Period(opens, closes, post.get(f"{key}_extended") == "on"))
    return slots, problems


class ExceptionForm(forms.Form):
    day = forms.DateField(label="日期", widget=forms.DateInput(attrs={"type": "date"}))
    closed = forms.BooleanField(label="全天不开放", required=False)
    opens = forms.CharField(label="开始时间", max_length=5, required=False, help_text="不是全天不开放时填写，例如 9:00")
    closes = forms.CharField(label="结束时间", max_length=5, required=False, help_text="例如 17:00")
    reason = forms.CharField(label="原因", max_length=REASON_MAX, help_text="会向公众显示，例如“设备检修”“国庆期间延时服务”。")

    def periods(self) -> tuple[list[Period], str | None]:
        """The day's periods ([] = closed), or a problem with the times."""
        if self.cleaned_data.get("closed"):
            return [], None
        opens, closes = parse_clock(self.cleaned_data.get("opens", "")), parse_clock(self.cleaned_data.get("closes", ""))
        if opens is None or closes is None:
            return [], "请填写开始和结束时间（如 9:00、17:00），或勾选“全天不开放”。"
        return [Period(opens, closes)], None


class ItemSearchForm(forms.Form):
    q = forms.CharField(label="事项名称", max_length=100, required=False)


class ItemAddForm(forms.Form):
    implementation = forms.IntegerField(min_value=1, max_value=2**62)
    mode = forms.ChoiceField(label="办理方式", choices=[(m, AcceptanceMode(m).label) for m in STORED_MODES])
    note = forms.CharField(label="说明", max_length=REASON_MAX, required=False)


def windows_rows(existing: dict[str, tuple[int, str]], post=None) -> list[dict]:
    rows = []
    for kind, label in WindowKind.choices:
        count, note = existing.get(kind, (0, ""))
        if post is not None:
            count, note = post.get(f"count_{kind}", "0")[:4], post.get(f"note_{kind}", "")[:WINDOW_NOTE_MAX]
        rows.append({"kind": kind, "label": label, "count": count, "note": note})
    return rows
