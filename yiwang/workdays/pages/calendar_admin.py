"""Calendar admin pages: the years, one year, entering a year, importing a year.

Only staff holding the administrator role (access.can_manage_calendar); others are sent to the
login page (not logged in) or get a 403 page. Everything works without JavaScript.
"""

from __future__ import annotations

from datetime import date
from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from yiwang.core.errors import DomainError, ValidationFailed
from yiwang.workdays import selectors
from yiwang.workdays.access import can_manage_calendar
from yiwang.workdays.constants import MAX_DAYS, MAX_YEAR, MIN_YEAR
from yiwang.workdays.forms import HolidayFormSet, ImportForm, MakeupFormSet, YearEntryForm
from yiwang.workdays.import_format import FORMAT_HINT
from yiwang.workdays.services import calendar_year_enter, calendar_year_import
from yiwang.workdays.time_limits import due_date

HOLIDAY_ROWS = 8
MAKEUP_ROWS = 6
ADD_ROWS = 3

IMPORT_EXAMPLE = """# 2027 年节假日安排（示例，请按国务院办公厅通知填写）
year 2027
basis 国办发明电〔2026〕X号
holiday 2027-01-01 2027-01-03 元旦
holiday 2027-02-06 2027-02-13 春节
workday 2027-02-20 春节调休
holiday 2027-10-01 2027-10-07 国庆节
"""


def calendar_admin_required(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not can_manage_calendar(request.user):
            return render(request, "workdays/forbidden.html", status=403)
        return view(request, *args, **kwargs)

    return wrapped


def _success_message(calendar_year, *, corrected: bool) -> str:
    detail = selectors.calendar_year_detail(calendar_year.year)
    verb = "已更正" if corrected else "已录入为正式日历"
    return (f"{detail.year} 年{verb}：{len(detail.holidays)} 个假期（共 {detail.holiday_day_count} 天）、"
            f"{len(detail.makeup_days)} 个调休上班日，全年 {detail.working_day_count} 个工作日。"
            "依赖该年度的暂定到期日将自动重新计算。")


@calendar_admin_required
@require_http_methods(["GET"])
def admin_calendar(request):
    calculator = _calculator(request)
    return render(request, "workdays/admin_calendar.html", {
        "years": selectors.calendar_year_list(), "next_year": selectors.next_year_to_enter(),
        "calculator": calculator,
    })


def _calculator(request) -> dict:
    """The due-date trial calculator on the year list (GET parameters, no JS)."""
    params = request.GET
    result = {"start": params.get("start", ""), "days": params.get("days", ""), "unit": params.get("unit", "working"),
              "errors": {}, "value": None}
    if "start" not in params:
        return result
    try:
        start = date.fromisoformat(result["start"])
    except ValueError:
        result["errors"]["start"] = "起算日期格式应为 YYYY-MM-DD，例如 2026-12-28。"
        start = None
    try:
        days = int(result["days"])
    except ValueError:
        result["errors"]["days"] = f"天数应为 0 到 {MAX_DAYS} 之间的整数。"
        days = None
    if result["unit"] not in ("working", "natural"):
        result["errors"]["unit"] = "请选择工作日或自然日。"
    if result["errors"]:
        return result
    try:
        result["value"] = due_date(start, days, result["unit"])
    except DomainError as exc:
        result["errors"][exc.field if exc.field in ("start", "days", "unit") else "start"] = exc.message
    return result


@calendar_admin_required
@require_http_methods(["GET"])
def admin_calendar_year(request, year: int):
    try:
        detail = selectors.calendar_year_detail(year)
    except DomainError:
        return render(request, "workdays/year_not_found.html", {"year": year, "min_year": MIN_YEAR, "max_year": MAX_YEAR},
                      status=404)
    return render(request, "workdays/year.html", {
        "detail": detail, "history": selectors.calendar_year_history(year),
    })


def _row_prefix_total(data, prefix: str) -> int:
    try:
        return int(data.get(f"{prefix}-TOTAL_FORMS", 0))
    except (TypeError, ValueError):
        return 0


@calendar_admin_required
@require_http_methods(["GET", "POST"])
def admin_calendar_enter(request):
    if request.method == "POST":
        data = request.POST.copy()
        for prefix, button in (("holidays", "add_holiday_rows"), ("makeup_days", "add_makeup_rows")):
            if button in data:
                # "More rows" without JavaScript: the same form again with empty rows appended.
                data[f"{prefix}-TOTAL_FORMS"] = str(min(_row_prefix_total(data, prefix) + ADD_ROWS, 40))
        form = YearEntryForm(data)
        holiday_rows = HolidayFormSet(data, prefix="holidays")
        makeup_rows = MakeupFormSet(data, prefix="makeup_days")
        adding = "add_holiday_rows" in data or "add_makeup_rows" in data
        if not adding and all(x.is_valid() for x in (form, holiday_rows, makeup_rows)):
            holidays = [e for i, f in enumerate(holiday_rows.forms) if (e := f.entry(f"holidays-{i}"))]
            makeups = [e for i, f in enumerate(makeup_rows.forms) if (e := f.entry(f"makeup_days-{i}"))]
            try:
                calendar_year = calendar_year_enter(
                    actor=request.user, year=form.cleaned_data["year"], holidays=holidays, makeup_days=makeups,
                    basis=form.cleaned_data["basis"], correction=form.cleaned_data["correction"],
                    reason=form.cleaned_data["reason"])
            except ValidationFailed as exc:
                extra = _attach_errors(exc, form, {"holidays": holiday_rows, "makeup_days": makeup_rows})
                return _render_entry(request, form, holiday_rows, makeup_rows, extra, status=400)
            except DomainError as exc:
                form.add_error(None, exc.message)
                return _render_entry(request, form, holiday_rows, makeup_rows, {}, status=exc.http_status)
            messages.success(request, _success_message(calendar_year, corrected=form.cleaned_data["correction"]))
            return redirect("workdays:admin_calendar_year", year=calendar_year.year)
        status = 200 if adding else 400
        return _render_entry(request, form, holiday_rows, makeup_rows, {}, status=status, validate=not adding)

    year = _requested_year(request)
    detail = selectors.calendar_year_detail(year)
    official = detail.is_official
    # An official year opens with its days filled in, but "correction" stays unticked: replacing
    # an official year must be a deliberate choice with a reason, never the default.
    form = YearEntryForm(initial={"year": year, "basis": detail.basis if official else ""})
    holidays = [{"name": h.name, "first_day": h.first_day, "last_day": h.last_day} for h in detail.holidays] if official else []
    makeups = [{"day": m.day, "name": m.name} for m in detail.makeup_days] if official else []
    holiday_rows = HolidayFormSet(prefix="holidays", initial=holidays + [{}] * max(HOLIDAY_ROWS - len(holidays), 2))
    makeup_rows = MakeupFormSet(prefix="makeup_days", initial=makeups + [{}] * max(MAKEUP_ROWS - len(makeups), 2))
    return _render_entry(request, form, holiday_rows, makeup_rows, {}, correcting=official)


def _requested_year(request) -> int:
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return selectors.next_year_to_enter()
    return year if MIN_YEAR <= year <= MAX_YEAR else selectors.next_year_to_enter()


def _attach_errors(exc: ValidationFailed, form, formsets: dict) -> dict[str, list[str]]:
    """Put each service error next to the input it is about; returns errors about whole tables."""
    extra: dict[str, list[str]] = {}
    for error in exc.errors:
        prefix, _, index = error.field.partition("-")
        if error.field in form.fields:
            form.add_error(error.field, error.message)
        elif prefix in formsets and index.isdigit() and int(index) < len(formsets[prefix].forms):
            row = formsets[prefix].forms[int(index)]
            row.add_error(None, error.message)
            for field in row.fields.values():  # each form has its own widget copies
                field.widget.attrs.update({"aria-invalid": "true", "aria-describedby": f"{row.prefix}-error"})
        else:
            extra.setdefault(error.field if error.field in formsets else "form", []).append(error.message)
    return extra


def _summary(form, formsets: dict, extra: dict[str, list[str]]) -> list[tuple[str, str]]:
    """(anchor, message) for the error summary at the top, in page order."""
    items = [("#id_year", message) for message in extra.get("form", [])]
    items += [("#id_year", message) for message in form.non_field_errors()]
    for name, field in form.fields.items():
        items += [(f"#id_{name}", f"{field.label}：{message}") for message in form.errors.get(name, [])]
    for prefix, formset in formsets.items():
        first_field = next(iter(formset.form.base_fields))
        items += [(f"#id_{prefix}-0-{first_field}", message) for message in extra.get(prefix, [])]
        items += [(f"#id_{prefix}-0-{first_field}", message) for message in formset.non_form_errors()]
        for i, row in enumerate(formset.forms):
            what = "节假日" if prefix == "holidays" else "调休上班日"
            items += [(f"#id_{prefix}-{i}-{first_field}", message) for message in row.non_field_errors()]
            for name, field in row.fields.items():
                items += [(f"#id_{prefix}-{i}-{name}", f"第 {i + 1} 个{what}的{field.label}：{message}")
                          for message in row.errors.get(name, [])]
    return items


def _render_entry(request, form, holiday_rows, makeup_rows, extra, *, status=200, validate=True, correcting=False):
    formsets = {"holidays": holiday_rows, "makeup_days": makeup_rows}
    summary = _summary(form, formsets, extra) if validate and form.is_bound else []
    return render(request, "workdays/enter.html", {
        "form": form, "holiday_rows": holiday_rows, "makeup_rows": makeup_rows, "extra_errors": extra,
        "summary": summary, "correcting": correcting or (form.is_bound and form.data.get("correction") == "on"),
        "show_errors": validate,
    }, status=status)


@calendar_admin_required
@require_http_methods(["GET", "POST"])
def admin_calendar_import(request):
    line_errors: list[str] = []
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                calendar_year = calendar_year_import(
                    actor=request.user, text=form.cleaned_data["content"],
                    correction=form.cleaned_data["correction"], reason=form.cleaned_data["reason"])
            except ValidationFailed as exc:
                for error in exc.errors:
                    if error.field in ("correction", "reason"):
                        form.add_error(error.field, error.message)
                    else:
                        line_errors.append(error.message)
            except DomainError as exc:
                line_errors.append(exc.message)
            else:
                messages.success(request, _success_message(calendar_year, corrected=form.cleaned_data["correction"]))
                return redirect("workdays:admin_calendar_year", year=calendar_year.year)
        summary = [("#id_text", message) for message in line_errors]
        for name, field in form.fields.items():
            summary += [(f"#id_{name}", f"{field.label}：{message}") for message in form.errors.get(name, [])]
        status = 400
    else:
        form = ImportForm()
        summary, status = [], 200
    return render(request, "workdays/import.html", {
        "form": form, "summary": summary, "line_errors": line_errors, "example": IMPORT_EXAMPLE,
        "format_hint": FORMAT_HINT,
    }, status=status)
