"""The demo data: the examples the docs promise exist, and loading twice changes nothing."""

import pytest

from yiwang.licences import demo
from yiwang.licences.models import IssuerKey, Licence, Profile, Verification

pytestmark = pytest.mark.django_db


def test_demo_loads_the_promised_examples_and_is_idempotent(world):
    world.citizen.username, world.enterprise.username = "citizen", "enterprise"
    world.citizen.save(update_fields=["username"])
    world.enterprise.save(update_fields=["username"])
    demo.load(stdout=None)
    counts = (Licence.objects.count(), IssuerKey.objects.count(), Verification.objects.count(), Profile.objects.count())
    demo.load(stdout=None)
    assert (Licence.objects.count(), IssuerKey.objects.count(), Verification.objects.count(), Profile.objects.count()) == counts
    statuses = dict(Licence.objects.values_list("name", "status"))
    assert statuses["居民身份证"] == statuses["营业执照"] == statuses["食品经营许可证"] == "valid"
    assert statuses["机动车驾驶证"] == "expired" and statuses["小餐饮经营许可证"] == "revoked"
    person = Profile.objects.get(kind="person")
    assert (person.residence_division, person.employment_status, person.household_size) == ("610113J01", "retired", 2)
    enterprise = Profile.objects.get(kind="enterprise")
    assert (enterprise.industry_code, enterprise.enterprise_size, enterprise.credit_grade, enterprise.employees) == (
        "H6210", "small", "A", 28)
    from yiwang.accounts.selectors import user_by_identifier
    from yiwang.orgs.selectors import has_role

    officer = user_by_identifier("licence_officer")
    assert officer.check_password(demo.DEMO_PASSWORD) and has_role(officer, "licence_officer")


def test_the_demo_holders_apply_without_uploading_what_the_library_holds(world):
    from yiwang.cases.services import licence_offer
    from yiwang.licences.tests.conftest import licensing_item

    world.citizen.username, world.enterprise.username = "citizen", "enterprise"
    world.citizen.save(update_fields=["username"])
    world.enterprise.save(update_fields=["username"])
    demo.load(stdout=None)
    version = licensing_item(world, materials=[("居民身份证", "LIC-RESIDENT-ID"), ("居民户口簿", "LIC-HUKOU"),
                                               ("机动车驾驶证", "LIC-DRIVING-LICENCE"), ("营业执照", "LIC-BUSINESS-LICENCE"),
                                               ("小餐饮经营许可证", "LIC-SMALL-CATERING")])
    by_name = {m.name: m for m in version.materials.all()}

    def answer(user, name):
        offer = licence_offer(applicant=user, requirement=by_name[name])
        return offer and (offer["satisfies"] or offer["reason"])

    assert answer(world.citizen, "居民身份证") is True and answer(world.citizen, "居民户口簿") is True
    assert answer(world.citizen, "机动车驾驶证") == "expired"
    assert answer(world.enterprise, "营业执照") is True
    assert answer(world.enterprise, "居民身份证") is True  # the legal representative's (法定代表人身份证)
    assert answer(world.enterprise, "小餐饮经营许可证") == "revoked"
