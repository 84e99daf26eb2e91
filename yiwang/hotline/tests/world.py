"""A small hotline world for tests and the benchmark: Xi'an, 雁塔区 with one street, the centre,
a city department, the district government, a street office, their staff, a citizen, and a
catalogue with a street-level item, a functional item and a consultation item."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

from yiwang.accounts.tests.factories import StaffFactory, UserFactory
from yiwang.hotline.constants import TicketType, Urgency
from yiwang.hotline.models import CatalogueItem, Classification, EscalationRule, ReplyTemplate, RoutingRule, ServiceLevel
from yiwang.hotline.service_levels import default_limits
from yiwang.orgs.constants import DivisionLevel, ExerciseLevel, OrganisationKind, Role
from yiwang.orgs.models import RoleGrant
from yiwang.orgs.tests.factories import DivisionFactory, OrganisationFactory

XIAOZHAI = (34.2235, 108.9470)  # WGS84


def build_world() -> SimpleNamespace:
    w = SimpleNamespace()
    w.city = DivisionFactory(code="610100", name="西安市", level=DivisionLevel.CITY)
    w.yanta = DivisionFactory(code="610113", name="雁塔区", level=DivisionLevel.DISTRICT, parent=w.city)
    w.beilin = DivisionFactory(code="610103", name="碑林区", level=DivisionLevel.DISTRICT, parent=w.city)
    w.street = DivisionFactory(code="610113J01", name="小寨路街道", level=DivisionLevel.STREET, parent=w.yanta)
    w.gov = OrganisationFactory(name="西安市人民政府", short_name="西安市人民政府", kind=OrganisationKind.GOVERNMENT, division=w.city)
    w.centre = OrganisationFactory(name="西安市12345市民服务热线服务中心", short_name="市12345热线服务中心",
                                   kind=OrganisationKind.OTHER, division=w.city, parent=w.gov)
    w.chengguan = OrganisationFactory(name="西安市城市管理和综合执法局", short_name="市城管执法局", division=w.city, parent=w.gov)
    w.market = OrganisationFactory(name="西安市市场监督管理局", short_name="市市场监管局", division=w.city, parent=w.gov)
    w.yanta_gov = OrganisationFactory(name="西安市雁塔区人民政府", short_name="雁塔区人民政府", kind=OrganisationKind.GOVERNMENT,
                                      level=ExerciseLevel.COUNTY, division=w.yanta, parent=w.gov)
    w.office = OrganisationFactory(name="雁塔区小寨路街道办事处", short_name="雁塔区小寨路街道办事处",
                                   kind=OrganisationKind.GOVERNMENT, level=ExerciseLevel.TOWNSHIP, division=w.street,
                                   parent=w.yanta_gov)

    def staff(org, role, name):
        user = StaffFactory(username=name, real_name=name)
        RoleGrant.objects.create(user=user, organisation=org, role=role)
        return user

    w.agent = staff(w.centre, Role.HOTLINE_OPERATOR, "agent")
    w.cg_handler = staff(w.chengguan, Role.HOTLINE_HANDLER, "cg_handler")
    w.market_handler = staff(w.market, Role.HOTLINE_HANDLER, "market_handler")
    w.office_handler = staff(w.office, Role.HOTLINE_HANDLER, "office_handler")
    w.district_handler = staff(w.yanta_gov, Role.HOTLINE_HANDLER, "district_handler")
    w.supervisor = staff(w.gov, Role.SUPERVISOR, "supervisor")
    w.leader = staff(w.gov, Role.VISIT_LEADER, "visit_leader")
    w.citizen = UserFactory(username="resident", real_name="王秀英", phone="13909110001")

    top = Classification.objects.create(code="01", name="城市管理", level=1)
    mid = Classification.objects.create(code="0101", name="市容环境", level=2, parent=top)
    leaf = Classification.objects.create(code="010101", name="占道经营", level=3, parent=mid)
    mid2 = Classification.objects.create(code="0102", name="市政设施", level=2, parent=top)
    leaf2 = Classification.objects.create(code="010202", name="路灯不亮", level=3, parent=mid2)
    top3 = Classification.objects.create(code="08", name="政务服务", level=1)
    mid3 = Classification.objects.create(code="0801", name="政务服务", level=2, parent=top3)
    leaf3 = Classification.objects.create(code="080101", name="办事咨询", level=3, parent=mid3)
    grievance = [TicketType.HELP, TicketType.COMPLAINT, TicketType.REPORT, TicketType.SUGGESTION, TicketType.PRAISE]
    w.stall = CatalogueItem.objects.create(service_code="XA010101", name="占道经营", classification=leaf,
                                           allowed_types=grievance, keywords="占道,摊贩,摆摊", primary_unit=w.chengguan)
    w.lamp = CatalogueItem.objects.create(
        service_code="XA010202", name="路灯不亮", classification=leaf2, allowed_types=grievance, keywords="路灯,不亮",
        primary_unit=w.chengguan, functional=True,
        attributes=[{"code": "danger", "datatype": "singlevaluelist", "required": True, "description": "是否有险情",
                     "values": [{"key": "yes", "name": "是"}, {"key": "no", "name": "否"}]}])
    w.consult = CatalogueItem.objects.create(service_code="XA080101", name="办事咨询", classification=leaf3,
                                             allowed_types=[TicketType.CONSULTATION], keywords="怎么办,材料",
                                             primary_unit=w.chengguan, functional=True)
    RoutingRule.objects.create(item=w.stall, district=w.yanta, primary_unit=w.yanta_gov)
    RoutingRule.objects.create(item=w.stall, district=w.yanta, street=w.street, primary_unit=w.office)
    RoutingRule.objects.create(item=w.lamp, primary_unit=w.chengguan)
    for item, days in ((w.stall, 5), (w.lamp, 5), (w.consult, 3)):
        for urgency in Urgency.values:
            limits = default_limits(item.allowed_types[0], urgency)
            ServiceLevel.objects.create(
                item=item, urgency=urgency, version=1, effective_from=date(2004, 1, 1), sign_limit_hours=limits.sign_limit_hours,
                handling_limit_days=days if urgency == Urgency.NORMAL else 0, handling_limit_unit="working",
                callback_limit_days=2, max_extension_days=10, return_window_days=2)
    ReplyTemplate.objects.create(item=w.stall, title="已处置", body="执法人员已到场处置。")
    for milestone, days, kind in (("sign", 1, "reminder"), ("handling", 1, "reminder"), ("handling", 3, "supervision")):
        EscalationRule.objects.create(milestone=milestone, days_over=days, kind=kind)
    return w
