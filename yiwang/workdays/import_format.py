"""The text format for importing one year of holidays (documented in docs/calendar.md).

    # 2027 年部分节假日安排（国办发明电〔2026〕X号）
    year 2027
    basis 国办发明电〔2026〕X号
    holiday 2027-01-01 2027-01-03 元旦
    holiday 2027-04-05 清明节            # one day: the end date may be left out
    workday 2027-02-07 春节调休           # a make-up working day; the name is optional

One entry per line; fields are separated by spaces or tabs; `#` starts a comment (a whole line
or the rest of one); blank lines are ignored. Keywords are case-insensitive, with Chinese
aliases: year/年度, basis/依据, holiday/放假, workday/上班. Dates are YYYY-MM-DD. `year` is
optional when every date lies in one year (the year of the first date is taken). Parsing never
stops at the first problem: every bad line is reported with its number and the fix.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from yiwang.core.errors import FieldError
from yiwang.workdays.constants import MAX_IMPORT_LINES
from yiwang.workdays.year_entry import HolidayPeriod, MakeupDay

_KEYWORDS = {
    "year": "year", "年度": "year",
    "basis": "basis", "依据": "basis",
    "holiday": "holiday", "放假": "holiday",
    "workday": "workday", "上班": "workday",
}
_DATE = re.compile(r"\d{4}-\d{1,2}-\d{1,2}")
FORMAT_HINT = "每行一项：holiday 开始日期 [结束日期] 名称，或 workday 日期 [名称]，日期写成 YYYY-MM-DD"


@dataclass
class ParsedCalendar:
    year: int | None = None
    basis: str = ""
    holidays: list[HolidayPeriod] = field(default_factory=list)
    makeup_days: list[MakeupDay] = field(default_factory=list)
    errors: list[FieldError] = field(default_factory=list)
    year_field: str = "text"  # where the year came from, for errors about it


def _parse_date(token: str) -> date | None:
    if not _DATE.fullmatch(token):
        return None
    try:
        return date.fromisoformat("-".join(part.zfill(2) for part in token.split("-")))
    except ValueError:
        return None


def parse_calendar_text(text: str) -> ParsedCalendar:
    parsed = ParsedCalendar()
    lines = (text or "").removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")

    def error(number: int, code: str, message: str) -> None:
        parsed.errors.append(FieldError(field=f"line {number}", code=code, message=f"第 {number} 行：{message}"))

    if len(lines) > MAX_IMPORT_LINES:
        parsed.errors.append(FieldError(field="text", code="calendar_import_too_long",
                                        message=f"导入内容有 {len(lines)} 行，最多 {MAX_IMPORT_LINES} 行，一次只导入一个年度。"))
        return parsed

    year_line = None
    for number, raw in enumerate(lines, start=1):
        content = raw.split("#", 1)[0].replace("\u3000", " ").strip()
        if not content:
            continue
        tokens = content.split()
        keyword = _KEYWORDS.get(tokens[0].lower())
        args = tokens[1:]
        if keyword is None:
            error(number, "calendar_import_unknown_keyword",
                  f"无法识别“{tokens[0]}”。{FORMAT_HINT}；以 # 开头的是注释。")
        elif keyword == "year":
            if len(args) != 1 or not re.fullmatch(r"\d{4}", args[0]):
                error(number, "calendar_import_bad_year", "年度行应写成“year 2027”（四位数字年份）。")
            elif year_line is not None:
                error(number, "calendar_import_year_repeated",
                      f"年度已在第 {year_line} 行写明，一次只能导入一个年度，请删除此行。")
            else:
                parsed.year, year_line, parsed.year_field = int(args[0]), number, f"line {number}"
        elif keyword == "basis":
            if not args:
                error(number, "calendar_import_bad_basis", "依据行应写成“basis 通知文号”，例如 basis 国办发明电〔2026〕7号。")
            else:
                parsed.basis = " ".join(args)
        elif keyword == "holiday":
            first = _parse_date(args[0]) if args else None
            last = _parse_date(args[1]) if len(args) > 1 else None
            name_tokens = args[2:] if last else args[1:]
            if first is None:
                shown = f"“{args[0]}”不是有效日期" if args else "缺少开始日期"
                error(number, "calendar_import_bad_date",
                      f"{shown}。节假日行应写成“holiday 2027-01-01 2027-01-03 元旦”，日期为 YYYY-MM-DD。")
                continue
            if len(args) > 1 and last is None and _DATE.fullmatch(args[1]):
                error(number, "calendar_import_bad_date", f"结束日期“{args[1]}”不是有效日期，请核对月份和日。")
                continue
            if not name_tokens:
                error(number, "calendar_name_missing", "缺少假期名称，请在日期后写上名称，例如“元旦”。")
                continue
            parsed.holidays.append(HolidayPeriod(first_day=first, last_day=last or first, name=" ".join(name_tokens),
                                                 field=f"line {number}"))
        else:  # workday
            day = _parse_date(args[0]) if args else None
            if day is None:
                shown = f"“{args[0]}”不是有效日期" if args else "缺少日期"
                error(number, "calendar_import_bad_date",
                      f"{shown}。调休上班行应写成“workday 2027-02-07 春节调休”，日期为 YYYY-MM-DD。")
                continue
            parsed.makeup_days.append(MakeupDay(day=day, name=" ".join(args[1:]), field=f"line {number}"))

    if parsed.year is None:
        entries = [(h.field, h.first_day) for h in parsed.holidays] + [(m.field, m.day) for m in parsed.makeup_days]
        if entries:
            parsed.year = min(entries, key=lambda e: int(e[0].split()[1]))[1].year
        elif not parsed.errors:
            parsed.errors.append(FieldError(field="text", code="calendar_import_empty",
                                            message=f"没有找到任何节假日或调休上班日。{FORMAT_HINT}。"))
    return parsed
