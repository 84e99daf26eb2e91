"""The courier (交通员, role courier): the round of lockers holding dropped-off materials in the
courier's scope, collection from the cabinet (the compartment opens through the adapter) and
hand-over at the hall; the hall's receipt stays with its window clerks. Out of scope: 403."""

import re

import pytest
from django.urls import reverse

from yiwang.accounts.tests.factories import StaffFactory
from yiwang.cases.constants import DropOffStatus, MaterialSatisfaction
from yiwang.cases.models import Locker
from yiwang.cases.selectors import case_timeline
from yiwang.cases.services import (
    drop_off_collect,
    drop_off_deposit,
    drop_off_hand_over,
    drop_off_receive,
    drop_off_request,
)
from yiwang.cases.tests.page_helpers import html
from yiwang.core.errors import Conflict, NotFound
from yiwang.core.models import AuditEvent
from yiwang.notifications.models import Notification
from yiwang.orgs.constants import Role
from yiwang.orgs.models import RoleGrant

pytestmark = pytest.mark.django_db


@pytest.fixture
def box(world):
    return Locker.objects.create(outlet=world.hall, code="XA-0601", location="市政务服务中心北广场")


def staff(org, role, name):
    user = StaffFactory(username=name, real_name=name)
    RoleGrant.objects.create(user=user, organisation=org, role=role)
    return user


@pytest.fixture
def courier(world):
    return staff(world.gov, Role.COURIER, "courier_t")  # the city: every locker under it


@pytest.fixture
def yanta_courier(world):
    return staff(world.yanta_hall, Role.COURIER, "courier_yanta_t")


@pytest.fixture
def deposited(world, submit, box):
    case = submit()
    drop_off_request(actor=world.citizen, application=case.application, locker_id=box.pk)
    body = Notification.objects.get(topic="locker.drop_off_code", channel="in_app").body
    code = re.search(r"开箱码 (\d{6})", body).group(1)
    device = staff(world.hall, Role.WINDOW_CLERK, "locker-xa-0601")
    drop_off = drop_off_deposit(actor=device, locker=box, open_code=code)
    drop_off.case = case
    return drop_off


def test_a_citizen_or_another_role_gets_403(client, world, box):
    url = reverse("cases:courier_round")
    locker_url = reverse("cases:courier_locker", args=[box.pk])
    assert client.get(url).status_code == 302  # anonymous: to the login page
    for user in (world.citizen, world.reviewer, world.clerk):
        client.force_login(user)
        assert client.get(url).status_code == 403
        assert client.get(locker_url).status_code == 403


def test_a_courier_out_of_scope_gets_403_and_cannot_collect(client, world, box, deposited, yanta_courier, fake):
    client.force_login(yanta_courier)
    page = html(client.get(reverse("cases:courier_round")))
    assert "XA-0601" not in page and "没有待取出" in page
    url = reverse("cases:courier_locker", args=[box.pk])
    assert client.get(url).status_code == 403
    response = client.post(url, {"action": "collect", "drop_off": str(deposited.pk)})
    assert response.status_code == 403
    deposited.refresh_from_db()
    assert deposited.status == DropOffStatus.DEPOSITED
    with pytest.raises(NotFound):
        drop_off_collect(actor=yanta_courier, drop_off=deposited)
    assert client.get(reverse("cases:courier_locker", args=[999999])).status_code == 404


def test_the_courier_collects_and_hands_over_and_the_hall_signs(client, world, box, deposited, courier, fake,
                                                              django_capture_on_commit_callbacks):
    client.force_login(courier)
    assert reverse("cases:courier_round") in html(client.get(reverse("orgs:workbench")))
    page = html(client.get(reverse("cases:courier_round")))
    assert "市政务服务中心北广场（XA-0601）" in page and "待取出</dt><dd>1 件" in page
    assert world.citizen.real_name not in page  # the courier needs the compartment, not the applicant
    url = reverse("cases:courier_locker", args=[box.pk])
    page = html(client.get(url))
    assert f"{deposited.compartment} 号格口" in page and "打开格口并登记已取出" in page
    fake.opened.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"action": "collect", "drop_off": str(deposited.pk)})
    assert response.status_code == 302
    deposited.refresh_from_db()
    assert deposited.status == DropOffStatus.COLLECTED and deposited.collected_by == courier
    assert fake.opened == [("XA-0601", deposited.compartment)]  # opened through the adapter
    # the courier never signs for the hall
    with pytest.raises(NotFound):
        drop_off_receive(actor=courier, drop_off=deposited)
    page = html(client.get(url))
    assert "登记送达大厅" in page
    response = client.post(url, {"action": "hand_over", "drop_off": str(deposited.pk)}, follow=True)
    assert "请交大厅工作人员签收" in html(response)
    deposited.refresh_from_db()
    assert deposited.status == DropOffStatus.HANDED_OVER and deposited.handed_over_by == courier
    with pytest.raises(Conflict):  # once
        drop_off_hand_over(actor=courier, drop_off=deposited)
    assert "XA-0601" not in html(client.get(reverse("cases:courier_round")))  # off the round
    # the hall's receipt: window clerks, on their page
    client.force_login(world.clerk)
    staff_page = html(client.get(reverse("cases:locker_drop_offs")))
    assert "已送达大厅" in staff_page and "courier_t" in staff_page and "大厅签收" in staff_page
    client.post(reverse("cases:locker_drop_offs"), {"action": "receive", "drop_off": str(deposited.pk)})
    deposited.refresh_from_db()
    assert deposited.status == DropOffStatus.RECEIVED and deposited.received_by == world.clerk
    assert deposited.application.materials.filter(satisfaction=MaterialSatisfaction.PAPER).exists()
    actions = list(AuditEvent.objects.filter(action__startswith="locker.drop_off").order_by("seq")
                   .values_list("action", "actor_id"))
    assert actions[-3:] == [("locker.drop_off_collected", courier.pk), ("locker.drop_off_handed_over", courier.pk),
                            ("locker.drop_off_received", world.clerk.pk)]
    timeline = {(e.title, e.actor) for e in case_timeline(deposited.case, staff_names=True)}
    assert ("交通员已将材料送达大厅", "courier_t") in timeline
    assert "交通员已将材料送达大厅" in {e.title for e in case_timeline(deposited.case)}
    # the applicant's case page shows the state
    client.force_login(world.citizen)
    assert "大厅已签收" in html(client.get(reverse("cases:case_detail", args=[deposited.case.pk])))


def test_hand_over_needs_a_collection_first(world, deposited, courier):
    with pytest.raises(Conflict):
        drop_off_hand_over(actor=courier, drop_off=deposited)
