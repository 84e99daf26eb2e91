"""The case journeys in the real browser, with an accessibility scan (axe) of every page visited:
(a) a citizen applies on her phone and tracks the case; (b) a window clerk files for an applicant,
accepts, and requests corrections; (c) a reviewer and an approver finish the back office."""

import re

import pytest
from playwright.sync_api import expect

from conftest import login, no_horizontal_scroll
from yiwang.accounts.tests.factories import PASSWORD
from yiwang.cases.constants import CaseStatus
from yiwang.cases.models import Case
from yiwang.cases.tests.conftest import PDF_BYTES
from yiwang.cases.tests.page_helpers import accept, file_case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]



def test_citizen_applies_on_her_phone_and_tracks_the_case(phone_page, world, assert_accessible):
    page = phone_page
    login(page, world.citizen.username, PASSWORD)
    page.goto(f"/items/{world.impl.pk}/")
    page.get_by_role("link", name="在线申请").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("食品经营许可（新办）")
    expect(page.locator("#f-applicant-name")).to_have_value("王秀英")  # prefilled from her profile
    assert_accessible(page, context="申请第 1 步")
    assert no_horizontal_scroll(page)

    # One mistake first: the name emptied. The summary names the field and leads to it.
    page.fill("#f-applicant-name", "")
    page.fill("#f-enterprise-address", "西安市雁塔区小寨东路 1 号")
    page.get_by_role("button", name="下一步").click()
    summary = page.locator(".error-summary")
    expect(summary).to_contain_text("请填写「申请人姓名」。")
    expect(page.locator("#f-applicant-name-error")).to_contain_text("请填写「申请人姓名」。")
    expect(page.locator("#f-enterprise-address")).to_have_value("西安市雁塔区小寨东路 1 号")  # nothing lost
    assert_accessible(page, context="申请第 1 步（有错误）")
    summary.get_by_role("link", name="请填写「申请人姓名」。").click()
    assert page.evaluate("document.activeElement.id") == "f-applicant-name"
    page.fill("#f-applicant-name", "王秀英")
    page.get_by_role("button", name="下一步").click()

    # 2 materials: a small real PDF from the phone
    expect(page.locator(".steps__now")).to_contain_text("第 2 步")
    assert_accessible(page, context="申请第 2 步")
    page.set_input_files(f"#m-{world.required_material.pk}",
                         files=[{"name": "申请书.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}])
    page.get_by_role("button", name="下一步").click()

    # 3 delivery by mail
    expect(page.locator(".steps__now")).to_contain_text("第 3 步")
    # The choices are big enough for an older finger: the box and its (clickable) label.
    for box in page.locator(".checkbox").all():
        assert box.locator("input").bounding_box()["height"] >= 24 and box.locator("label").bounding_box()["height"] >= 32
    page.get_by_label("邮寄送达").check()
    page.get_by_label("收件地址").fill("西安市雁塔区小寨东路 1 号 3 单元 501 室")
    assert_accessible(page, context="申请第 3 步")
    page.get_by_role("button", name="下一步").click()

    # 4 review and submit
    expect(page.locator(".steps__now")).to_contain_text("第 4 步")
    expect(page.locator("main")).to_contain_text("已上传：申请书.pdf")
    expect(page.locator("main")).to_contain_text("邮寄送达")
    assert_accessible(page, context="核对提交")
    assert no_horizontal_scroll(page)
    page.get_by_role("button", name="提交申请").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("申请已提交")
    number = page.get_by_test_id("case-number").inner_text()
    code = page.get_by_test_id("verification-code").inner_text()
    case = Case.objects.get(number=number)
    assert case.status == CaseStatus.SUBMITTED and case.verification_code == code
    assert_accessible(page, context="提交成功")

    accept(world, case)  # the window accepts it: the clock starts
    page.get_by_role("link", name="返回我的办件").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("我的办件")
    expect(page.locator("main")).to_contain_text("剩余 10 个工作日")
    assert_accessible(page, context="我的办件")
    page.get_by_role("link", name="食品经营许可（新办）").click()
    expect(page.locator(".timeline")).to_contain_text("已受理")
    expect(page.locator(".timeline")).to_contain_text("出具文书：受理通知书")
    expect(page.get_by_test_id("due-on")).to_contain_text("剩余 10 个工作日")
    assert_accessible(page, context="办件详情")
    assert no_horizontal_scroll(page)

    page.goto("/cases/progress/")
    # 查询 pressed before typing anything: each empty box is named, and the summary gets the focus.
    page.get_by_role("button", name="查询").click()
    expect(page.locator(".error-summary")).to_contain_text("请填写办件编号")
    expect(page.locator(".error-summary")).to_contain_text("请填写查询验证码")
    assert page.evaluate("document.activeElement.id") == "error-summary"
    assert_accessible(page, context="进度查询（未填写）")
    page.get_by_label("办件编号").fill(number)
    page.get_by_label("查询验证码").fill(code)
    page.get_by_role("button", name="查询").click()
    expect(page.locator("main")).to_contain_text("审查中")
    assert_accessible(page, context="进度查询")

    # Her messages (submitted, accepted): separate cards on the phone, not one run-together block.
    page.goto("/messages/")
    cards = [c.bounding_box() for c in page.locator(".message").all()]
    assert len(cards) >= 2 and all(b["y"] >= a["y"] + a["height"] + 8 for a, b in zip(cards, cards[1:], strict=False))
    assert_accessible(page, context="我的消息")
    assert no_horizontal_scroll(page)


def test_window_clerk_files_accepts_and_requests_corrections(page, world, submit, assert_accessible):
    waiting = file_case(submit, applicant=world.other_citizen)  # filed online, in the queue
    login(page, "clerk", PASSWORD)
    page.goto("/cases/window/")
    expect(page.get_by_role("heading", level=1)).to_have_text("综合窗口受理")
    expect(page.locator("main")).to_contain_text(waiting.number)
    assert_accessible(page, context="综合窗口")

    number = world.citizen.id_number
    page.get_by_label("申请人证件号码").fill(number)
    page.get_by_role("button", name="查找").click()
    expect(page.get_by_test_id("masked-id")).to_have_text(f"{number[:4]}**********{number[-4:]}")
    assert number not in page.content()
    page.get_by_label("查找事项").fill("食品经营")
    page.get_by_role("button", name="查找事项").click()
    assert_accessible(page, context="综合窗口（已核验）")
    page.get_by_role("link", name=re.compile("代为申请.*食品经营许可")).click()

    expect(page.locator("#f-applicant-name")).to_have_value("王秀英")
    page.fill("#f-enterprise-address", "雁塔区小寨东路 1 号")
    page.check(f"#m-{world.required_material.pk}-paper")
    assert_accessible(page, context="代为申请")
    page.get_by_role("button", name="提交申请").click()
    expect(page.locator(".messages")).to_contain_text("已代为提交")
    expect(page.get_by_role("table", name="申请材料")).to_contain_text("窗口收取纸质材料")
    assert_accessible(page, context="受理审查")
    page.get_by_role("button", name="受理（一般受理）").click()
    filed = Case.objects.get(applicant=world.citizen)
    expect(page.locator(".messages")).to_contain_text(f"{filed.due_on.year}年{filed.due_on.month}月{filed.due_on.day}日")
    expect(page.get_by_test_id("due-on")).to_contain_text(f"{filed.due_on.month}月{filed.due_on.day}日")
    expect(page.get_by_role("link", name=re.compile("受理通知书"))).to_be_visible()
    assert_accessible(page, context="已受理")

    # The online case from the queue: two problems in one notice.
    page.goto("/cases/window/")
    page.get_by_role("link", name=waiting.number).click()
    page.get_by_text("一次性告知补正").click()
    page.get_by_role("button", name="再加一项").click()  # htmx: the new row arrives focused
    expect(page.locator("#problem-2")).to_be_focused()
    page.select_option("#target-0", f"materials/{world.required_material.pk}")
    page.fill("#problem-0", "申请书未签字")
    page.fill("#fix-0", "签字后重新上传")
    page.fill("#problem-1", "经营场所地址不详")
    page.fill("#fix-1", "写明门牌号")
    assert_accessible(page, context="一次性告知")
    page.get_by_role("button", name="出具一次性告知书").click()
    expect(page.locator(".messages")).to_contain_text("共 2 项")
    waiting.refresh_from_db()
    assert waiting.status == CaseStatus.CORRECTION_REQUESTED
    assert [i["problem"] for i in waiting.correction_notices.get().items] == ["申请书未签字", "经营场所地址不详"]


def test_reviewer_then_approver_finish_the_case_from_the_worklist(page, world, submit, assert_accessible):
    case = accept(world, file_case(submit))
    login(page, "reviewer", PASSWORD)
    page.goto("/cases/work/")
    row = page.get_by_role("row").filter(has_text=case.number)
    expect(row).to_contain_text("剩余 10 个工作日")
    assert_accessible(page, context="部门办件")
    row.get_by_role("button", name=re.compile("签收")).click()
    expect(page.locator(".messages")).to_contain_text("已签收")
    page.get_by_role("row").filter(has_text=case.number).get_by_role("link", name=re.compile("办理")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("食品经营许可（新办）")
    assert_accessible(page, context="办件（审查）")
    page.get_by_label("办理意见").fill("材料齐全，符合条件")
    page.get_by_role("button", name="办理完成").click()
    expect(page.locator(".messages")).to_contain_text("已转下一步")

    page.context.clear_cookies()
    login(page, "approver", PASSWORD)
    page.goto("/cases/work/")
    page.get_by_role("row").filter(has_text=case.number).get_by_role("link", name=re.compile("办理")).click()
    page.get_by_label("准予", exact=True).check()
    # A decision cannot be undone: the button asks first, and "cancel" sends nothing.
    questions = []

    def answer(dialog):
        questions.append(dialog.message)
        dialog.dismiss() if len(questions) == 1 else dialog.accept()

    page.on("dialog", answer)
    page.get_by_role("button", name="作出决定").click()
    expect(page.locator(".error-summary")).to_have_count(0)
    assert questions == ["确认作出决定？行政决定书将出具并通知申请人，不能撤销。"]
    page.get_by_role("button", name="作出决定").click()  # reasons and legal basis missing
    expect(page.locator(".error-summary")).to_contain_text("请填写决定理由。")
    assert_accessible(page, context="决定（有错误）")
    page.get_by_label("决定理由").fill("符合法定条件和标准")
    page.get_by_label("法律依据").fill("《中华人民共和国行政许可法》第三十八条")
    page.get_by_role("button", name="作出决定").click()
    expect(page.locator(".messages")).to_contain_text("已作出决定：准予")
    assert_accessible(page, context="已决定")
    case.refresh_from_db()
    assert case.status == CaseStatus.CONCLUDED and case.decision == "approved"
