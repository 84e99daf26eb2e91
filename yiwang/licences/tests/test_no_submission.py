"""No-submission (免提交): the `cases.material_sources` hook offers a held licence for a material
requirement — valid satisfies; expired or revoked does not, and says why. The cases intake calls
the hook (wired by the integrator); these tests call it as intake will, per requirement of an
application, and per member of a bundle."""

import datetime as dt

import pytest

from yiwang.core import hooks
from yiwang.licences.constants import LicenceAction
from yiwang.licences.services import Holder, licence_change_status
from yiwang.licences.tests.conftest import MONDAY, issue, licensing_item

pytestmark = pytest.mark.django_db


def offers(applicant, requirement, on_date=MONDAY):
    return [o for o in hooks.call("cases.material_sources", applicant=applicant, requirement=requirement, on_date=on_date) if o]


def test_a_valid_licence_satisfies_its_material(world):
    licence = issue(world, "LIC-RESIDENT-ID", issued_on=dt.date(2016, 4, 12))
    version = licensing_item(world, materials=[("居民身份证", "LIC-RESIDENT-ID"), ("申请书", "")])
    id_card, form = version.materials.order_by("order")
    [offer] = offers(world.citizen, id_card)
    assert offer["satisfies"] and offer["identifier"] == licence.identifier and offer["reason"] == ""
    assert "已从电子证照库调取" in offer["message"] and licence.identifier in offer["message"]
    assert offers(world.citizen, form) == []            # a material no licence can satisfy
    assert offers(world.enterprise, id_card) == []       # an applicant who holds none (nor does its representative)


@pytest.mark.parametrize("name", ["代领人有效身份证件", "授权委托书及受托人居民身份证", "经办人身份证明",
                                  "法定监护人身份证、户口簿", "委托代理人身份证"])
def test_another_persons_document_is_not_waived_by_the_applicants_own_licence(world, name):
    issue(world, "LIC-RESIDENT-ID", issued_on=dt.date(2016, 4, 12))
    version = licensing_item(world, materials=[(name, "LIC-RESIDENT-ID"), ("居民身份证", "LIC-RESIDENT-ID")])
    theirs, own = version.materials.order_by("order")
    assert offers(world.citizen, theirs) == []
    assert offers(world.citizen, own)[0]["satisfies"]


def test_an_expired_licence_does_not_and_says_why(world):
    issue(world, "LIC-DRIVING-LICENCE", issued_on=dt.date(2019, 7, 1))
    version = licensing_item(world, materials=[("机动车驾驶证", "LIC-DRIVING-LICENCE")])
    [offer] = offers(world.citizen, version.materials.get())
    assert not offer["satisfies"] and offer["reason"] == "expired"
    assert "2025-06-30" in offer["message"] and "不能免于提交" in offer["message"]


def test_a_revoked_licence_does_not_and_says_why(world):
    licence = issue(world, "LIC-FOOD-BUSINESS", issued_on=dt.date(2024, 5, 10))
    licence_change_status(actor=world.officer, licence=licence, action=LicenceAction.REVOKE, reason="承诺不实")
    version = licensing_item(world, materials=[("食品经营许可证", "LIC-FOOD-BUSINESS")])
    [offer] = offers(world.enterprise, version.materials.get())
    assert not offer["satisfies"] and offer["reason"] == "revoked" and "撤销" in offer["message"]


def test_the_date_of_the_application_decides(world):
    issue(world, "LIC-FOOD-BUSINESS", issued_on=dt.date(2021, 6, 1))  # valid to 2026-05-31
    version = licensing_item(world, materials=[("食品经营许可证", "LIC-FOOD-BUSINESS")])
    material = version.materials.get()
    assert offers(world.enterprise, material, on_date=dt.date(2026, 5, 31))[0]["satisfies"]
    assert offers(world.enterprise, material, on_date=dt.date(2026, 6, 1))[0]["reason"] == "expired"


def test_an_enterprise_asked_for_an_id_card_offers_its_legal_representatives(world):
    rep = world.enterprise
    issue(world, "LIC-RESIDENT-ID", holder=Holder("person", rep.legal_rep_name, rep.legal_rep_id_number),
          issued_on=dt.date(2016, 1, 1))
    version = licensing_item(world, materials=[("法定代表人居民身份证", "LIC-RESIDENT-ID")])
    [offer] = offers(rep, version.materials.get())
    assert offer["satisfies"]


def test_in_an_application_every_licence_material_is_answered(world):
    issue(world, "LIC-BUSINESS-LICENCE")
    issue(world, "LIC-FOOD-BUSINESS", issued_on=dt.date(2019, 1, 1))  # expired 2023
    version = licensing_item(world, materials=[("营业执照", "LIC-BUSINESS-LICENCE"), ("食品经营许可证", "LIC-FOOD-BUSINESS"),
                                               ("申请书", "")])
    answers = {m.name: offers(world.enterprise, m) for m in version.materials.order_by("order")}
    assert answers["营业执照"][0]["satisfies"] and not answers["食品经营许可证"][0]["satisfies"] and answers["申请书"] == []


def test_in_a_bundle_each_members_materials_are_answered_alike(world):
    # A bundle (一件事) files several items at once; intake asks per member, the same hook.
    issue(world, "LIC-BUSINESS-LICENCE")
    members = [licensing_item(world, materials=[("营业执照", "LIC-BUSINESS-LICENCE")]),
               licensing_item(world, agency=world.hrss, result_code="LIC-LABOUR-DISPATCH",
                              materials=[("营业执照副本", "LIC-BUSINESS-LICENCE"), ("经营场所证明", "")])]
    satisfied = [o["satisfies"] for v in members for m in v.materials.all() for o in offers(world.enterprise, m)]
    assert satisfied == [True, True]


def test_the_guide_panel_names_the_waivable_materials(world):
    from yiwang.licences.actions import guide_panel

    issue(world, "LIC-BUSINESS-LICENCE")
    version = licensing_item(world, materials=[("营业执照", "LIC-BUSINESS-LICENCE"), ("申请书", "")])
    template, context = guide_panel(version=version, viewer=world.enterprise)
    assert template == "licences/panels/guide_waivers.html"
    assert [(e["material"].name, e["offer"].satisfies) for e in context["panel"]["entries"]] == [("营业执照", True)]
    assert guide_panel(version=licensing_item(world, materials=[("申请书", "")]), viewer=None) is None


def test_the_waiver_figure_counts_required_materials_per_agency(world):
    from yiwang.catalog.constants import MaterialNecessity
    from yiwang.licences.selectors import waiver_figures

    licensing_item(world, materials=[("营业执照", "LIC-BUSINESS-LICENCE"), ("申请书", ""), ("身份证", "LIC-RESIDENT-ID")])
    other = licensing_item(world, agency=world.hrss, materials=[("申请书", ""), ("未知证照", "LIC-NOT-A-TYPE")])
    from yiwang.catalog.models import published_content_writes

    with published_content_writes():
        other.materials.filter(name="未知证照").update(necessity=MaterialNecessity.OPTIONAL)
    figures, total = waiver_figures()
    by_agency = {f.agency_name: (f.required, f.from_licences) for f in figures}
    assert by_agency == {"西安市市场监督管理局": (3, 2), "西安市人力资源和社会保障局": (1, 0)}
    assert (total.required, total.from_licences) == (4, 2) and round(total.share, 2) == 0.5
