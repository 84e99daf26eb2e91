"""Locker pages: the applicant's drop-off choice and its state on the case page, the hall staff's
page to record the collection from the cabinet and the hall's receipt."""

import re

import pytest
from django.urls import reverse

from yiwang.accounts.tests.factories import StaffFactory
from yiwang.cases import locker_device
from yiwang.cases.constants import DropOffStatus, MaterialSatisfaction
from yiwang.cases.models import Locker, LockerDropOff
from yiwang.cases.services import drop_off_deposit
from yiwang.cases.tests.page_helpers import html
from yiwang.notifications.models import Notification
from yiwang.orgs.models import RoleGrant

pytestmark = pytest.mark.django_db


@pytest.fixture
def box(world, monkeypatch):
    monkeypatch.setattr(locker_device, "_device", locker_device.FakeLockerDevice())
    return Locker.objects.create(outlet=world.hall, code="XA-0301", location="雁塔区长延堡街道便民服务站")


def test_the_applicant_chooses_a_locker_and_sees_its_state(client, world, submit, box):
    case = submit()
    client.force_login(world.citizen)
    url = reverse("cases:case_detail", args=[case.pk])
    page = html(client.get(url))
    assert "信包箱交件" in page and "XA-0301" in page
    response = client.post(url, {"action": "drop_off", "drop_off-locker": ""})
    assert response.status_code == 200 and "#id_drop_off-locker" in html(response)
    response = client.post(url, {"action": "drop_off", "drop_off-locker": str(box.pk)})
    assert response.status_code == 302
    drop_off = LockerDropOff.objects.get(application=case.application)
    body = Notification.objects.get(topic="locker.drop_off_code", channel="in_app").body
    code = re.search(r"开箱码 (\d{6})", body).group(1)
    page = html(client.get(url))
    assert "待投入信包箱" in page and f"{drop_off.compartment} 号格口" in page
    assert code not in page  # the code goes to the phone and the inbox only
    device = StaffFactory(username="locker-xa-0301")
    RoleGrant.objects.create(user=device, organisation=world.hall, role="window_clerk")
    drop_off_deposit(actor=device, locker=box, open_code=code)
    page = html(client.get(url))
    assert "已投入信包箱" in page and "重新选择信包箱" not in page


def test_hall_staff_record_collection_and_receipt(client, world, submit, box):
    case = submit()
    client.force_login(world.citizen)
    client.post(reverse("cases:case_detail", args=[case.pk]), {"action": "drop_off", "drop_off-locker": str(box.pk)})
    code = re.search(r"开箱码 (\d{6})", Notification.objects.get(topic="locker.drop_off_code", channel="in_app").body).group(1)
    device = StaffFactory(username="locker-xa-0301")
    RoleGrant.objects.create(user=device, organisation=world.hall, role="window_clerk")
    drop_off = drop_off_deposit(actor=device, locker=box, open_code=code)
    client.force_login(world.clerk)
    assert reverse("cases:locker_drop_offs") in html(client.get(reverse("orgs:workbench")))
    url = reverse("cases:locker_drop_offs")
    page = html(client.get(url))
    assert "XA-0301" in page and "登记已取出" in page
    assert client.post(url, {"action": "collect", "drop_off": str(drop_off.pk)}).status_code == 302
    assert "大厅签收" in html(client.get(url))
    client.post(url, {"action": "receive", "drop_off": str(drop_off.pk)})
    drop_off.refresh_from_db()
    assert drop_off.status == DropOffStatus.RECEIVED
    assert case.application.materials.filter(satisfaction=MaterialSatisfaction.PAPER).exists()
    assert "XA-0301" not in html(client.get(url))  # done: off the list
    response = client.post(url, {"action": "receive", "drop_off": str(drop_off.pk)}, follow=True)
    assert "请先登记从信包箱取出材料" in html(response)


def test_the_staff_page_needs_the_window_role(client, world):
    client.force_login(world.citizen)
    assert client.get(reverse("cases:locker_drop_offs")).status_code in (302, 403)
    client.force_login(world.reviewer)
    assert client.get(reverse("cases:locker_drop_offs")).status_code == 403
