"""Pre-review (智能预审) through the hook the cases wizard calls."""

from yiwang.core import hooks

MATERIALS = [{"key": "1", "name": "营业执照", "required": True}, {"key": "2", "name": "健康证明", "required": True},
             {"key": "3", "name": "平面图", "required": False}]


def _warnings(**kw):
    return [w for ws in hooks.call("cases.prereview", **kw) for w in ws]


def test_missing_required_materials_and_wrong_file_types_are_warned():
    out = _warnings(materials=MATERIALS, uploads={"1": ["执照.pdf"], "3": ["图.docx"]}, form_data={}, profile=None)
    assert out == ["必要材料「健康证明」尚未上传。", "材料「平面图」的文件「图.docx」类型不受支持，请上传 PDF、JPG、PNG 或 OFD 文件。"]


def test_form_data_contradicting_the_profile_is_warned():
    out = _warnings(materials=[], uploads={}, form_data={"uscc": "91610100MA6TXXXX1X", "enterprise_name": "西安甲公司"},
                    profile={"uscc": "91610100MA6TYYYY2Y", "name": "西安甲公司"})
    assert out == ["表单中的统一社会信用代码「91610100MA6TXXXX1X」与您档案中的「91610100MA6TYYYY2Y」不一致，请核对。"]


def test_a_complete_consistent_submission_has_no_warnings():
    assert _warnings(materials=MATERIALS[:1], uploads={"1": ["a.PDF"]}, form_data={"name": "张三"}, profile={"name": "张三"}) == []
