"""Profiles (一人一档 / 一企一档): filled from account and licences, edited by staff in scope, every
staff view recorded and visible to the subject, identifiers encrypted at rest; the selectors the
policies app will use."""

import datetime as dt

import pytest
from django.db import connection

from yiwang.core.errors import NotFound, ValidationFailed
from yiwang.licences.access import access_profile_by_subject, access_profile_for_staff, profile_in_scope, profiles_in_scope
from yiwang.licences.models import Profile
from yiwang.licences.selectors import iter_profile_attributes, profile_accesses, profile_attributes
from yiwang.licences.services import profile_for_user, profile_record_access, profile_update
from yiwang.licences.tests.conftest import issue
from yiwang.orgs.constants import Role

pytestmark = pytest.mark.django_db


def _citizen_profile(world):
    issue(world, "LIC-HUKOU", issued_on=dt.date(2008, 6, 20), division_code="610113J01",
          attributes={"household.kind": "家庭户", "household.size": "2"})
    issue(world, "LIC-DISABILITY-CERT", issuer=world.disabled, attributes={"disability.level": "二级"})
    return profile_for_user(world.citizen)


def test_a_profile_fills_itself_from_the_account_and_the_licences(world):
    profile = _citizen_profile(world)
    assert profile.birth_date == dt.date(1958, 3, 15) and profile.residence_division == "610113J01"
    assert (profile.household_kind, profile.household_size, profile.disability_grade) == ("family", 2, "2")
    assert profile.source_of("birth_date") == "实名账号" and profile.source_of("residence_division") == "电子证照"


def test_an_enterprise_profile_from_its_business_licence(world):
    issue(world, "LIC-BUSINESS-LICENCE", issued_on=dt.date(2019, 5, 20), division_code="610113",
          attributes={"enterprise.industry_code": "H6210"})
    profile = profile_for_user(world.enterprise)
    assert (profile.founded_on, profile.district, profile.industry_code) == (dt.date(2019, 5, 20), "610113", "H6210")


def test_identifiers_are_encrypted_at_rest_and_found_by_blind_index(world):
    profile = _citizen_profile(world)
    licence = issue(world, attributes={"household.address": "西安市雁塔区小寨东路 1 号"})
    with connection.cursor() as cursor:
        cursor.execute("SELECT subject_id, subject_id_index FROM licences_profile WHERE id = %s", [profile.pk])
        raw_subject, index = cursor.fetchone()
        cursor.execute("SELECT holder_id, number, attributes_json FROM licences_licence WHERE id = %s", [licence.pk])
        raw_holder, raw_number, raw_attributes = cursor.fetchone()
    number = world.citizen.id_number
    for raw in (raw_subject, raw_holder, raw_number, raw_attributes):
        assert raw.startswith("sm4gcm1:") and number not in raw and "0242" not in raw
    assert "小寨" not in raw_attributes and len(index) == 64 and number not in index
    assert access_profile_by_subject(actor=world.yanta_clerk, subject_id=number) == profile


def test_staff_see_profiles_of_their_divisions_only(world):
    profile = _citizen_profile(world)  # lives in 雁塔区 (610113J01)
    assert profile_in_scope(world.yanta_clerk, profile) and profile_in_scope(world.officer, profile)
    assert not profile_in_scope(world.beilin_clerk, profile)
    with pytest.raises(NotFound):
        access_profile_for_staff(actor=world.beilin_clerk, profile_id=profile.pk)
    with pytest.raises(NotFound):
        access_profile_by_subject(actor=world.beilin_clerk, subject_id=world.citizen.id_number)
    assert not profile_in_scope(world.citizen, profile)  # not staff
    assert list(profiles_in_scope(world.yanta_clerk)) == [profile] and list(profiles_in_scope(world.beilin_clerk)) == []
    hr = world.staff(world.gov, Role.HOTLINE_OPERATOR)  # a role without profile access, even at the city
    assert not profile_in_scope(hr, profile)


def test_only_licence_officers_in_scope_edit_and_their_entries_win(world):
    profile = _citizen_profile(world)
    with pytest.raises(NotFound):
        profile_update(actor=world.yanta_clerk, profile=profile, changes={"employment_status": "retired"})
    profile_update(actor=world.yanta_officer, profile=profile, changes={"employment_status": "retired", "household_size": "3"})
    profile = profile_for_user(world.citizen)  # a later fill from the household register does not overwrite
    assert (profile.employment_status, profile.household_size) == ("retired", 3)
    assert profile.source_of("household_size") == "工作人员录入"


def test_bad_values_are_all_reported(world):
    profile = _citizen_profile(world)
    with pytest.raises(ValidationFailed) as err:
        profile_update(actor=world.officer, profile=profile, changes={
            "employment_status": "astronaut", "birth_date": "2099-01-01", "household_size": "0", "industry_code": "H1"})
    assert {e.field for e in err.value.errors} == {"employment_status", "birth_date", "household_size", "industry_code"}


def test_every_staff_view_is_audited_and_visible_to_the_subject(world, client):
    from yiwang.core.models import AuditEvent

    profile = _citizen_profile(world)
    client.force_login(world.yanta_clerk)
    page = client.get(f"/licences/staff/profiles/{profile.pk}/")
    assert page.status_code == 200 and "6101**********0242" in page.content.decode()
    assert world.citizen.id_number not in page.content.decode()
    assert AuditEvent.objects.filter(action="profile.view", object_id=str(profile.pk), actor_id=world.yanta_clerk.pk).exists()
    [access] = profile_accesses(profile)
    assert access.viewer == world.yanta_clerk and access.organisation_name == "雁塔区人民政府"
    client.force_login(world.citizen)
    mine = client.get("/licences/profile/").content.decode()
    assert "谁查看过我的档案" in mine and world.yanta_clerk.display_name in mine and world.citizen.id_number in mine


def test_the_export_masks_identifiers_and_records_each_profile(world, client):
    profile = _citizen_profile(world)
    client.force_login(world.officer)
    body = client.get("/licences/staff/profiles/export.csv").content.decode("utf-8-sig")
    assert "6101**********0242" in body and world.citizen.id_number not in body and "王*英" in body
    assert profile.accesses.filter(purpose="export").count() == 1


def test_selectors_for_policy_matching(world):
    profile = _citizen_profile(world)
    issue(world, "LIC-BUSINESS-LICENCE", division_code="610113")
    profile_for_user(world.enterprise)
    one = profile_attributes(world.citizen.id_number)
    assert one["profile_id"] == profile.pk and one["birth_date"] == dt.date(1958, 3, 15) and "industry_code" not in one
    assert profile_attributes("610113195803150250") is None
    every = list(iter_profile_attributes(chunk_size=1))
    assert [p["kind"] for p in every] == ["person", "enterprise"] and every[1]["district"] == "610113"
    assert [p["kind"] for p in iter_profile_attributes(kind="enterprise")] == ["enterprise"]


def test_iterating_is_constant_queries_per_chunk(world, django_assert_max_num_queries):
    from yiwang.accounts.tests.factories import make_id_number
    from yiwang.licences.services import profile_ensure
    from yiwang.licences.subjects import Subject

    for n in range(30):
        profile_ensure(subject=Subject("person", make_id_number(n), f"居民{n}"))
    with django_assert_max_num_queries(4):
        assert len(list(iter_profile_attributes(chunk_size=10))) == 30


def test_recording_an_access_needs_no_page(world):
    profile = _citizen_profile(world)
    profile_record_access(actor=world.officer, profile=profile, purpose="api")
    assert Profile.objects.get(pk=profile.pk).accesses.get().purpose == "api"
