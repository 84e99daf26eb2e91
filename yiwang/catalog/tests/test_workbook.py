"""The Excel workbook: export, import (all or nothing), round trip, and the management commands."""

import io

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook, load_workbook

from yiwang.catalog import selectors, services
from yiwang.catalog.constants import VersionStatus
from yiwang.catalog.element_text import RECORD_KEYS
from yiwang.catalog.models import BaseItem, ImplementationVersion, ItemImplementation
from yiwang.catalog.tests.catalog_team import make_team
from yiwang.catalog.tests.factories import FeeItemFactory, MaterialFactory, PublishedVersionFactory
from yiwang.catalog.version_input import CHILD_ELEMENTS, VERSION_ELEMENTS
from yiwang.catalog.workbook import (
    ITEM_COLUMNS,
    MATERIAL_COLUMNS,
    WorkbookImportFailed,
    export_workbook,
    import_workbook,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def team():
    team = make_team()
    food = team.published
    MaterialFactory(version=food, name="营业执照", material_type="copy", medium="paper", necessity="optional",
                    source_channel="licence_library", licence_type_code="11100000000013338W011", copy_copies=2,
                    filling_notes="加盖公章", legal_basis="食品安全法第三十五条")
    FeeItemFactory(version=food, name="工本费", standard="10 元", reduction="小微企业免收")
    second = PublishedVersionFactory(
        implementation__agency=team.department, name="药品零售许可", promised_limit="0.5", statutory_limit=None,
        statutory_limit_unit="", special_procedures=[{"kind": "2", "name": "现场检查", "max_days": 10, "note": ""}],
        process=[{"name": "受理", "description": "窗口受理", "limit": "0.5个工作日"}], person_themes=["005"],
        cross_region_scope="city_wide", result_type="approval_document", no_materials_required=False,
        visits=1, visits_reason="现场核验", consultation_phone="029-86786666、400-123-4567")
    team.second = second
    return team


def book_bytes(versions=None) -> bytes:
    versions = versions if versions is not None else selectors.published_versions().order_by("implementation__implementation_code")
    return export_workbook(versions)


def _normalised(key, value):
    # A record written with only some keys ({"name": "受理"}) comes back with all of them, empty.
    if key in RECORD_KEYS and isinstance(value, list):
        keys = RECORD_KEYS[key][0]
        return [{k: record.get(k) if record.get(k) is not None else ("" if k not in RECORD_KEYS[key][1] else None)
                 for k in keys} for record in value]
    return value


def elements(version: ImplementationVersion) -> dict:
    data = {key: _normalised(key, getattr(version, key)) for key in VERSION_ELEMENTS
            if key not in ("co_agencies", "result_sample", "change_note")}
    data["materials"] = [{k: getattr(m, k) for k in CHILD_ELEMENTS["materials"] if k not in ("blank_form", "sample")}
                         for m in version.materials.all()]
    data["fee_items"] = [(f.name, f.standard, f.reduction) for f in version.fee_items.all()]
    return data


def test_export_has_the_sheets_headers_and_codes(team):
    book = load_workbook(io.BytesIO(book_bytes()))
    assert book.sheetnames == ["事项", "材料", "说明"]
    items = list(book["事项"].iter_rows(values_only=True))
    assert list(items[0]) == [c.header for c in ITEM_COLUMNS]
    row = dict(zip(items[0], next(r for r in items[1:] if r[3] == "食品经营许可（新办）"), strict=True))
    assert (row["事项类型"], row["行使层级"], row["办件类型"], row["服务对象"]) == ("01", "3", "2", "1")
    assert (row["承诺时限单位"], row["支持物流快递"], row["审批结果类型"]) == ("工作日", "是", "证照")
    assert row["设定依据"] == "中华人民共和国行政许可法｜第十二条" and row["收费项目"] == "工本费｜10 元｜小微企业免收"
    materials = list(book["材料"].iter_rows(values_only=True))
    assert list(materials[0]) == [c.header for c in MATERIAL_COLUMNS]
    licence = dict(zip(materials[0], next(r for r in materials if r[2] == "营业执照"), strict=True))
    assert (licence["材料类型"], licence["必要性"], licence["来源渠道"]) == ("复印件", "非必要", "电子证照库调取")


def test_round_trip_export_import_gives_drafts_with_the_same_data(team):
    before = {v.implementation.implementation_code: elements(selectors.version_detail(v.pk))
              for v in (team.published, team.second)}
    result = import_workbook(actor=team.editor, stream=io.BytesIO(book_bytes([team.published, team.second])))
    assert sorted(result.updated) == sorted(before) and result.created == []
    for code, data in before.items():
        draft = ItemImplementation.objects.get(implementation_code=code).versions.get(status=VersionStatus.DRAFT)
        assert draft.number == 2 and draft.created_by == team.editor
        assert elements(selectors.version_detail(draft.pk)) == data, code
    # importing the same file again updates the open drafts instead of failing
    result = import_workbook(actor=team.editor, stream=io.BytesIO(book_bytes([team.published, team.second])))
    assert ImplementationVersion.objects.filter(status=VersionStatus.DRAFT).count() == 2


def test_import_of_a_new_code_creates_an_implementation_with_draft_one(team):
    book = load_workbook(io.BytesIO(book_bytes([team.published])))
    for sheet in ("事项", "材料"):
        for row in book[sheet].iter_rows(min_row=2):
            row[0].value = "NEW-IMPL-0001"
    book["事项"]["E2"] = "000131024000101"
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    result = import_workbook(actor=team.editor, stream=buffer)
    assert result.created == ["NEW-IMPL-0001"]
    implementation = ItemImplementation.objects.get(implementation_code="NEW-IMPL-0001")
    assert implementation.base_item == team.published.implementation.base_item
    assert implementation.agency == team.department and implementation.handling_item_code == "000131024000101"
    version = implementation.versions.get()
    assert version.number == 1 and version.status == VersionStatus.DRAFT
    expected = elements(selectors.version_detail(team.published.pk))
    assert elements(selectors.version_detail(version.pk)) == expected


def write(rows_items, rows_materials=None) -> io.BytesIO:
    book = Workbook()
    items = book.active
    items.title = "事项"
    for row in rows_items:
        items.append(row)
    if rows_materials is not None:
        materials = book.create_sheet("材料")
        for row in rows_materials:
            materials.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    return buffer


def test_import_is_all_or_nothing_and_lists_every_error(team):
    header = ["实施编码", "基本编码", "事项类型", "事项名称", "实施主体统一社会信用代码", "行使层级", "承诺时限单位", "到办事现场次数"]
    good = ["OK-1", "NEW-BASE-1", "01", "新事项一", team.department.uscc, "3", "工作日", 1]
    bad_unit = ["BAD-2", "NEW-BASE-2", "01", "新事项二", team.department.uscc, "3", "周", "两次"]
    unknown_agency = ["BAD-3", "NEW-BASE-3", "01", "新事项三", "91610100000000001X", "3", "工作日", 0]
    duplicate = ["OK-1", "NEW-BASE-1", "01", "重复", team.department.uscc, "3", "工作日", 0]
    materials = [["实施编码", "材料名称", "必要性", "原件份数"], ["OK-1", "申请书", "必要", 1], ["OK-1", "身份证", "偶尔", "一份"],
                 ["NOPE", "多余材料", "必要", 1]]
    with pytest.raises(WorkbookImportFailed) as caught:
        import_workbook(actor=team.editor, stream=write([header, good, bad_unit, unknown_agency, duplicate], materials))
    found = {(p.sheet, p.row, p.column) for p in caught.value.problems}
    assert found == {
        ("事项", 3, "承诺时限单位"), ("事项", 3, "到办事现场次数"), ("事项", 4, "实施主体统一社会信用代码"), ("事项", 5, "实施编码"),
        ("材料", 3, "必要性"), ("材料", 3, "原件份数"), ("材料", 4, "实施编码"),
    }
    messages = {(p.sheet, p.row, p.column): p.message for p in caught.value.problems}
    assert "取值「周」无效" in messages[("事项", 3, "承诺时限单位")]
    assert "与第 2 行重复" in messages[("事项", 5, "实施编码")]
    assert caught.value.code == "import_failed" and "所有内容均未导入" in caught.value.message
    assert caught.value.detail[0]["sheet"] == "事项"
    assert not ItemImplementation.objects.filter(implementation_code__in=["OK-1", "BAD-2", "BAD-3"]).exists()
    assert not BaseItem.objects.filter(basic_code="NEW-BASE-1").exists()


def test_import_refuses_bad_files_and_headers_and_out_of_scope_rows(team):
    with pytest.raises(WorkbookImportFailed) as caught:
        import_workbook(actor=team.editor, stream=io.BytesIO(b"not a workbook"))
    assert "不是有效的 Excel" in caught.value.problems[0].message
    with pytest.raises(WorkbookImportFailed) as caught:
        import_workbook(actor=team.editor, stream=write([["实施编码", "颜色"], ["X", "红"]]))
    assert {(p.row, p.column) for p in caught.value.problems} == {(1, "颜色"), (1, "事项名称")}
    code = team.published.implementation.implementation_code
    with pytest.raises(WorkbookImportFailed) as caught:
        import_workbook(actor=team.outsider, stream=write([["实施编码", "事项名称"], [code, "改名"]]))
    assert "事项编辑" in caught.value.problems[0].message
    draft = services.version_start_draft(actor=team.editor, implementation=team.second.implementation)
    services.version_submit(actor=team.editor, version=draft)
    with pytest.raises(WorkbookImportFailed) as caught:
        import_workbook(actor=team.editor, stream=write([["实施编码", "事项名称"],
                                                         [team.second.implementation.implementation_code, "改名"]]))
    assert "待审核" in caught.value.problems[0].message


def test_management_commands(team, tmp_path):
    path = tmp_path / "catalog.xlsx"
    out = io.StringIO()
    call_command("catalog_export", str(path), stdout=out)
    assert "已导出 2 个事项" in out.getvalue()
    out = io.StringIO()
    call_command("catalog_import", str(path), "--actor", "editor", stdout=out)
    assert "2 个事项生成了新草稿" in out.getvalue()
    with pytest.raises(CommandError, match="不存在"):
        call_command("catalog_import", str(path), "--actor", "nobody")
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(write([["实施编码", "事项名称", "咨询电话"], ["X-1", "", ""]]).getvalue())
    err = io.StringIO()
    with pytest.raises(CommandError, match="导入未完成"):
        call_command("catalog_import", str(bad), "--actor", "editor", stderr=err)
    assert "事项 第 2 行" in err.getvalue()


def test_a_workbook_that_would_explode_is_refused_before_openpyxl_unpacks_it(team):
    import zipfile

    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", bytes(50 << 20))
    with pytest.raises(WorkbookImportFailed) as caught:
        import_workbook(actor=team.editor, stream=bomb)
    assert "压缩炸弹" in caught.value.problems[0].message
