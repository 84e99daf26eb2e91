"""Bulk import of existing licences: Excel and CSV, all or nothing, every error with row and column."""

import datetime as dt
import io

import pytest
from openpyxl import Workbook

from yiwang.accounts.tests.factories import valid_id, wrong_check_digit
from yiwang.licences.models import Licence
from yiwang.licences.services import LicenceImportFailed, licence_verify, licences_import
from yiwang.licences.tests.conftest import type_of

pytestmark = pytest.mark.django_db
HEADERS = ["证照类型代码", "持证主体名称", "持证主体代码", "发证机关统一社会信用代码", "发证日期", "有效期截止", "住址", "户别"]


def xlsx(rows) -> io.BytesIO:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    return buffer


def csv_bytes(rows, encoding="utf-8-sig") -> io.BytesIO:
    import csv

    text = io.StringIO()
    csv.writer(text).writerows(rows)
    return io.BytesIO(text.getvalue().encode(encoding))


def test_a_good_workbook_issues_every_row_signed(world):
    rows = [HEADERS,
            ["LIC-RESIDENT-ID", "张三", valid_id(birth="19800101", sequence="011"), world.police.uscc, dt.date(2015, 3, 1), "长期",
             "西安市碑林区南大街 1 号", ""],
            [type_of("LIC-HUKOU").code, "张三", valid_id(birth="19800101", sequence="011"), "", "2010-05-06", "", "", "家庭户"]]
    issued = licences_import(actor=world.officer, stream=xlsx(rows), filename="存量.xlsx")
    assert [lic.name for lic in issued] == ["居民身份证", "居民户口簿"]
    assert issued[0].valid_until is None and issued[0].attributes == {"household.address": "西安市碑林区南大街 1 号"}
    assert issued[1].issuer == world.police  # the type's default issuer when the column is empty
    assert all(licence_verify(identifier=lic.identifier).outcome == "valid" for lic in issued)


def test_csv_in_gb18030_works_too(world):
    rows = [["证照类型代码", "持证主体名称", "持证主体代码", "发证日期"],
            ["LIC-BUSINESS-LICENCE", world.enterprise.org_name, world.enterprise.uscc, "2019-05-20"]]
    issued = licences_import(actor=world.officer, stream=csv_bytes(rows, "gb18030"), filename="执照.csv")
    assert issued[0].number == world.enterprise.uscc


def test_all_or_nothing_with_every_error_by_row_and_column(world):
    rows = [HEADERS,
            ["LIC-RESIDENT-ID", "张三", valid_id(birth="19800101", sequence="011"), "", "2015-03-01", "", "", ""],  # fine
            ["LIC-NOPE", "李四", valid_id(), "", "2015-03-01", "", "", ""],
            ["LIC-RESIDENT-ID", "", wrong_check_digit(valid_id()), "", "2015-13-01", "", "", ""],
            ["LIC-RESIDENT-ID", "王五", valid_id(sequence="031"), "91610000000000000X", "2015-03-01", "2010-01-01", "", ""],
            ["LIC-RESIDENT-ID", "张三", valid_id(birth="19800101", sequence="011"), "", "2015-03-01", "", "", ""]]  # duplicate
    with pytest.raises(LicenceImportFailed) as err:
        licences_import(actor=world.officer, stream=xlsx(rows), filename="x.xlsx")
    found = {(p.row, p.column) for p in err.value.problems}
    assert {(3, "证照类型代码"), (4, "持证主体名称"), (4, "持证主体代码"), (4, "发证日期"),
            (5, "发证机关统一社会信用代码"), (6, "持证主体代码")} <= found
    assert "所有证照均未导入" in err.value.message
    assert not Licence.objects.exists()


def test_headers_are_checked_first(world):
    with pytest.raises(LicenceImportFailed) as err:
        licences_import(actor=world.officer, stream=csv_bytes([["证照类型代码", "姓名"], ["x", "y"]]), filename="a.csv")
    assert {(p.row, p.column) for p in err.value.problems} == {(1, "姓名"), (1, "持证主体名称"), (1, "持证主体代码"), (1, "发证日期")}


def test_an_officer_imports_only_for_issuers_in_scope(world):
    rows = [["证照类型代码", "持证主体名称", "持证主体代码", "发证日期"],
            ["LIC-RESIDENT-ID", "张三", valid_id(birth="19800101", sequence="011"), "2015-03-01"]]
    with pytest.raises(LicenceImportFailed) as err:
        licences_import(actor=world.yanta_officer, stream=csv_bytes(rows), filename="a.csv")  # police is a city agency
    assert err.value.problems[0].row == 2 and "无权" in err.value.problems[0].message


def test_not_a_spreadsheet(world):
    with pytest.raises(LicenceImportFailed):
        licences_import(actor=world.officer, stream=io.BytesIO(b"PK\x03\x04 not a zip"), filename="a.xlsx")
    with pytest.raises(LicenceImportFailed) as err:
        licences_import(actor=world.officer, stream=io.BytesIO(b"a,b\x00\n"), filename="a.csv")
    assert "空字符" in err.value.message or "NUL" in str(err.value.problems[0].message)


def test_reimporting_the_same_licence_is_refused(world):
    rows = [["证照类型代码", "持证主体名称", "持证主体代码", "发证日期"],
            ["LIC-BUSINESS-LICENCE", world.enterprise.org_name, world.enterprise.uscc, "2019-05-20"]]
    licences_import(actor=world.officer, stream=csv_bytes(rows), filename="a.csv")
    with pytest.raises(LicenceImportFailed) as err:
        licences_import(actor=world.officer, stream=csv_bytes(rows), filename="a.csv")
    assert (2, "证照编号") in {(p.row, p.column) for p in err.value.problems}


def test_a_workbook_that_would_explode_is_refused_before_it_is_unpacked(world):
    import zipfile

    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", bytes(50 << 20))
    bomb.seek(0)
    with pytest.raises(LicenceImportFailed) as err:
        licences_import(actor=world.officer, stream=bomb, filename="a.xlsx")
    assert "压缩炸弹" in err.value.problems[0].message
