"""Choosing a drop-off locker in the application wizard on a phone (390 px), with the
accessibility scan: the district list without a position, then 使用我的位置; the locker nearest
first with its distance; the choice on the review page; after submitting, the compartment and
the open code's notice on the confirmation page."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import expect

from conftest import login, no_horizontal_scroll
from yiwang.accounts.tests.factories import PASSWORD, UserFactory
from yiwang.cases.models import LockerDropOff
from yiwang.cases.selectors import version_requirements
from yiwang.cases.services import application_save_draft, stored_file_create
from yiwang.cases.tests.conftest import PDF_BYTES
from yiwang.catalog.models import ImplementationVersion

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]



def test_phone_choose_a_locker_in_the_wizard(phone_page, smap, assert_accessible):
    citizen = UserFactory(real_name="王秀英")
    version = ImplementationVersion.objects.get(pk=smap.shop.pk)
    upload = stored_file_create(actor=citizen, owner=citizen,
                                upload=SimpleUploadedFile("申请书.pdf", PDF_BYTES, content_type="application/pdf"))
    draft = application_save_draft(actor=citizen, applicant=citizen, implementation_id=smap.ids.shop,
                                   materials={str(r.pk): {"file": upload.pk} for r in version_requirements(version)})
    page = phone_page
    login(page, citizen.username, PASSWORD)
    page.goto(f"/cases/apply/drafts/{draft.pk}/delivery/")
    expect(page.get_by_role("heading", name="纸质材料怎样交")).to_be_visible()
    assert no_horizontal_scroll(page)
    assert_accessible(page, context="wizard delivery step with lockers (phone)")

    # No position shared yet: say where you are, the lockers come back by distance.
    page.get_by_label("我在（区县或街道）").select_option(label="雁塔区（全区）")
    page.get_by_role("button", name="按所选位置排列信包箱").click()
    expect(page.get_by_text("信包箱已按“雁塔区（全区）”由近到远排列。")).to_be_visible()
    expect(page.get_by_role("group", name="5 公里以内")).to_contain_text("雁塔区政务服务中心东门信包箱（")

    # The phone shares its position: 200 m south of the locker.
    page.context.grant_permissions(["geolocation"])
    page.context.set_geolocation({"latitude": 34.2104, "longitude": 108.9503})
    page.get_by_role("button", name="使用我的位置").click()
    expect(page.get_by_text("信包箱已按您当前的位置由近到远排列。")).to_be_visible()
    page.get_by_label("投递到24小时自助信包箱").check()
    page.get_by_label("雁塔区政务服务中心东门信包箱（200 米）").check()
    assert no_horizontal_scroll(page)
    assert_accessible(page, context="lockers by position (phone)")
    page.get_by_role("button", name="下一步").click()

    expect(page.locator("main")).to_contain_text("投递到24小时自助信包箱：雁塔区政务服务中心东门")
    assert_accessible(page, context="wizard review with a locker (phone)")
    page.get_by_role("button", name="提交申请").click()
    expect(page.get_by_role("heading", name="申请已提交")).to_be_visible()
    expect(page.get_by_test_id("drop-off-done")).to_contain_text("号格口")
    expect(page.get_by_test_id("drop-off-done")).to_contain_text("已发送到您的手机")
    assert no_horizontal_scroll(page)
    assert_accessible(page, context="submitted with a drop-off (phone)")
    assert LockerDropOff.objects.get(application=draft).locker == smap.locker_row
