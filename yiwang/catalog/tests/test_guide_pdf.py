"""The printable guide: a real PDF with the CJK font embedded and the guide's content in it."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from yiwang.catalog.tests.factories import MaterialFactory
from yiwang.catalog.tests.public_data import full_guide, published

pytestmark = pytest.mark.django_db


def pdf_of(client, implementation_id):
    response = client.get(reverse("catalog:guide_pdf", args=[implementation_id]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    return response, PdfReader(io.BytesIO(response.content))


def all_text(reader) -> str:
    # Extraction keeps the characters but may break lines anywhere: compare without whitespace.
    return "".join("".join(page.extract_text().split()) for page in reader.pages)


def fonts(reader):
    found = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            target = descendants[0].get_object() if descendants else font
            descriptor = target.get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor else {}
            found[str(font["/BaseFont"])] = any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
    return found


def test_guide_pdf_contains_the_guide_and_embeds_the_cjk_font(client):
    version = full_guide()
    response, reader = pdf_of(client, version.implementation_id)
    assert "guide.pdf" not in response["Content-Disposition"]  # named after the item, not the URL
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    content = all_text(reader)
    for expected in ("食品经营许可（新办）", "办事指南", "西安市市场监督管理局", "食品经营许可申请书", "免提交（由部门调取）",
                     "承诺10个工作日", "20个工作日", "工本费", "收费依据：陕价费发〔2020〕1号", "西安市政务服务中心",
                     "需现场核查经营场所", "《中华人民共和国食品安全法》第三十五条", "许可证有效期多久？",
                     "029-86780000", "029-12345000", "第1页/共", "以窗口最新告知为准", "生成时间"):
        assert expected in content, expected
    assert reader.metadata.title == "食品经营许可（新办） 办事指南"
    embedded = fonts(reader)
    assert embedded and all(embedded.values()), embedded  # no unembedded font at all
    assert any("WenQuanYiZenHei" in name for name in embedded)
    assert b"/FontFile2" in response.content


def test_long_material_names_wrap_and_the_guide_flows_over_pages(client):
    version = published("很长的事项", materials=0)
    long_name = "申请人及其法定代表人、主要负责人、委托代理人身份证明和授权委托书以及相关资格证书复印件" * 3
    for i in range(40):
        MaterialFactory(version=version, name=f"{i:02d}{long_name}")
    _, reader = pdf_of(client, version.implementation_id)
    pages = len(reader.pages)
    assert pages > 2
    content = all_text(reader)
    assert f"第{pages}页/共{pages}页" in content
    assert "39" + long_name[:20] in content  # the last material made it, wrapped, not cut off
    for page in reader.pages:  # every page carries the running header with the item name
        assert "很长的事项·办事指南" in "".join(page.extract_text().split())
