"""Issuing: from an approved case through the hooks (also withheld results and false commitments),
numbering, versions on renewal and change, holders other than the applicant."""

import datetime as dt

import pytest

from yiwang.cases.tests.conftest import PDF_BYTES
from yiwang.core import hooks
from yiwang.core.errors import InvalidTransition, ValidationFailed
from yiwang.licences.constants import LicenceSource, LicenceStatus
from yiwang.licences.identifiers import parse_identifier
from yiwang.licences.models import Licence, ResultMapping
from yiwang.licences.services import Holder, licence_issue, licence_new_version
from yiwang.licences.tests.conftest import MONDAY, decided_case, issue, licensing_item, type_of

pytestmark = pytest.mark.django_db


def test_the_hooks_are_registered():
    from yiwang.licences import actions

    assert actions.on_case_decided in hooks.handlers("case.decided")
    assert actions.on_case_revoked in hooks.handlers("case.revoked")
    assert actions.material_sources in hooks.handlers("cases.material_sources")
    assert actions.case_page_panel in hooks.handlers("cases.case_page_panels")


def test_an_approved_case_issues_its_licence_and_keeps_its_identifier(world):
    version = licensing_item(world, result_code="LIC-FOOD-BUSINESS")
    case = decided_case(world, version, applicant=world.enterprise,
                        form_data={})
    licence = Licence.objects.get(source_case=case)
    assert licence.licence_type == type_of("LIC-FOOD-BUSINESS") and licence.source == LicenceSource.CASE
    assert licence.holder_name == world.enterprise.org_name and licence.holder_id == world.enterprise.uscc
    assert licence.issuer == world.market and licence.issued_on == dt.date(2026, 11, 18)
    assert licence.valid_until == dt.date(2031, 11, 17)  # five years (食品经营许可)
    assert licence.attributes["enterprise.legal_rep_name"] == "李建国"
    # The case's result is the licence, not "<result name>（case number）".
    assert case.status == "concluded" and case.result_reference == licence.identifier
    parsed = parse_identifier(licence.identifier)
    assert parsed.issuer_code == world.market.uscc and parsed.serial == "20260000001" and parsed.version == 1


def test_a_denied_case_or_a_result_that_is_no_licence_issues_nothing(world):
    denied = decided_case(world, licensing_item(world), applicant=world.enterprise, decision="denied")
    plain = decided_case(world, licensing_item(world, result_code=""), applicant=world.enterprise)
    assert not Licence.objects.filter(source_case__in=[denied, plain]).exists()


def test_an_item_without_a_licence_code_maps_by_its_base_code(world):
    version = licensing_item(world, result_code="")
    ResultMapping.objects.create(basic_code=version.implementation.base_item.basic_code,
                                 licence_type=type_of("LIC-HR-SERVICE"))
    case = decided_case(world, version, applicant=world.enterprise)
    assert Licence.objects.get(source_case=case).name == "人力资源服务许可证"


def test_a_withheld_result_is_issued_when_the_deferred_materials_arrive(world):
    from yiwang.catalog.constants import MaterialNecessity
    from yiwang.catalog.models import published_content_writes
    from yiwang.catalog.tests.factories import MaterialFactory

    version = licensing_item(world)
    with published_content_writes():
        deferrable = MaterialFactory(version=version, name="食品安全管理制度", necessity=MaterialNecessity.DEFERRABLE)
    case = decided_case(world, version, applicant=world.enterprise, mode="deferred", deferral={
        "requirement_ids": [deferrable.pk], "deadline": dt.date(2026, 11, 27), "form_note": "上传",
        "commitment_text": "本单位承诺按期补交。"})
    assert case.status == "approved" and not Licence.objects.filter(source_case=case).exists()
    from django.core.files.uploadedfile import SimpleUploadedFile

    from yiwang.cases.services import case_supplement_deferred, stored_file_create

    stored = stored_file_create(actor=world.enterprise, owner=world.enterprise,
                                upload=SimpleUploadedFile("制度.pdf", PDF_BYTES))
    case_supplement_deferred(actor=world.enterprise, case=case, materials={str(deferrable.pk): {"file": stored.pk}},
                             today=dt.date(2026, 11, 20))
    assert Licence.objects.filter(source_case=case, status=LicenceStatus.VALID).count() == 1


def test_a_false_commitment_revokes_the_licence_it_got(world):
    from yiwang.cases.services import commitment_verify

    case = decided_case(world, licensing_item(world), applicant=world.enterprise, mode="commitment",
                        commitment={"conditions": ["经营场所面积不少于 20 平方米"], "commitment_text": "本单位承诺属实"})
    licence = Licence.objects.get(source_case=case)
    commitment_verify(actor=world.reviewer, case=case, truthful=False, note="现场核查面积仅 8 平方米",
                      today=dt.date(2026, 12, 1))
    licence.refresh_from_db()
    assert licence.status == LicenceStatus.REVOKED and "8 平方米" in licence.status_reason
    assert licence.status_changes.last().action == "revoke"


def test_a_change_item_issues_the_next_version_of_the_held_licence(world):
    first = issue(world, "LIC-BUSINESS-LICENCE", issued_on=dt.date(2024, 3, 1))
    version = licensing_item(world, result_code="LIC-BUSINESS-LICENCE", handling_kind="change")
    case = decided_case(world, version, applicant=world.enterprise)
    new = Licence.objects.get(source_case=case)
    first.refresh_from_db()
    assert new.previous == first and new.version == 2 and new.serial == first.serial
    assert first.status == LicenceStatus.SUPERSEDED and new.identifier in first.status_reason
    assert parse_identifier(new.identifier).version == 2 and new.identifier != first.identifier


def test_renewal_gives_a_new_period_and_change_keeps_the_old(world):
    licence = issue(world, "LIC-FOOD-BUSINESS", issued_on=dt.date(2021, 12, 1))
    changed = licence_new_version(actor=world.officer, licence=licence, reason="变更经营场所",
                                  valid_from=licence.valid_from, valid_until=licence.valid_until,
                                  attributes={"premises.address": "西安市雁塔区雁塔西路 8 号"}, issued_on=MONDAY)
    assert (changed.valid_from, changed.valid_until) == (licence.valid_from, licence.valid_until)
    assert changed.attributes["premises.address"] == "西安市雁塔区雁塔西路 8 号"
    renewed = licence_new_version(actor=world.officer, licence=changed, reason="延续", issued_on=MONDAY)
    assert renewed.version == 3 and renewed.valid_until == dt.date(2031, 11, 15)
    with pytest.raises(InvalidTransition):
        licence_new_version(actor=world.officer, licence=changed, reason="再延续一次")
    with pytest.raises(ValidationFailed):
        licence_new_version(actor=world.officer, licence=renewed, reason=" ")


def test_the_holder_can_be_the_child_named_in_the_form(world):
    version = licensing_item(world, result_code="LIC-BIRTH-CERT")
    from yiwang.accounts.tests.factories import valid_id

    child = valid_id(birth="20261101", sequence="013")
    case = decided_case(world, version, form_data={})  # no child in the form: the applicant holds it
    assert Licence.objects.get(source_case=case).holder_id == world.citizen.id_number
    from yiwang.licences.services.issuance import _holder_for_case

    case.application.form_data = {"child.name": "王小宝", "child.id_number": child}
    holder = _holder_for_case(case, type_of("LIC-BIRTH-CERT"))
    assert (holder.name, holder.identifier) == ("王小宝", child)


def test_serials_count_per_type_issuer_and_year(world):
    a, b = issue(world), issue(world, holder=Holder("person", "张三", world.enterprise.legal_rep_id_number))
    c = issue(world, issued_on=dt.date(2025, 5, 1), holder=Holder("person", "李四", world.enterprise.legal_rep_id_number))
    assert [x.serial for x in (a, b, c)] == ["20260000001", "20260000002", "20250000001"]


def test_bad_holders_and_fields_are_all_reported_at_once(world):
    with pytest.raises(ValidationFailed) as err:
        licence_issue(actor=world.officer, licence_type=type_of("LIC-BUSINESS-LICENCE"),
                      holder=Holder("enterprise", "", "91610113MA6W12345X"), issuer=world.market, issued_on=MONDAY,
                      attributes={"enterprise.address": "x" * 501, "unknown.key": "y"})
    fields = {e.field for e in err.value.errors}
    assert {"holder_name", "holder_id", "attributes.enterprise.address", "attributes.unknown.key"} <= fields
    assert not Licence.objects.exists()


def test_an_issuer_without_a_credit_code_cannot_sign(world):
    world.market.uscc = ""
    with pytest.raises(ValidationFailed) as err:
        issue(world, "LIC-BUSINESS-LICENCE", issuer=world.market)
    assert "统一社会信用代码" in err.value.message


def test_the_holder_is_notified(world):
    from yiwang.notifications.models import Notification

    issue(world)
    assert Notification.objects.filter(recipient=world.citizen, topic="licence", title="电子证照已签发").exists()
