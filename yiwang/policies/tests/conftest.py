"""A small world for policy tests: the licences test world (Xi'an, 雁塔区, 碑林区, agencies, a
citizen 王秀英 born 1958 in 雁塔区, an enterprise, a licence officer) plus a policy officer,
profiles set through the licences services (so the profile-changed hook fires), and policies
made through our services."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from yiwang.accounts.tests.factories import UserFactory, valid_id
from yiwang.licences.models import Profile
from yiwang.licences.services import profile_ensure, profile_for_user, profile_update
from yiwang.licences.subjects import Subject
from yiwang.licences.tests.conftest import world  # noqa: F401 — the fixture, reused
from yiwang.orgs.constants import Role
from yiwang.policies import services

_serial = itertools.count(100)


@pytest.fixture
def pw(world):  # noqa: F811 — the imported fixture
    world.policy_officer = world.staff(world.gov, Role.POLICY_OFFICER, name="policy_officer")
    return world


def _in_scope(profile):
    # A new profile has no division yet, so no officer's scope holds it: place it in the city first
    # (directly: the test's set-up, not a profile change anyone made).
    if not profile.residence_division and not profile.district:
        field = "residence_division" if profile.kind == "person" else "district"
        Profile.objects.filter(pk=profile.pk).update(**{field: "610100"})
        profile.refresh_from_db()
    return profile


def set_profile(w, user, **changes):
    """The user's profile with `changes` set by the licence officer (through licences services)."""
    profile = _in_scope(profile_for_user(user))  # filled from the account (birth date from the ID number)
    return profile_update(actor=w.officer, profile=profile, changes={k: str(v) for k, v in changes.items()})


def person(w, *, birth="19580315", division="610113J01", user=True, **changes):
    """A person with a profile (and an account unless user=False)."""
    number = valid_id(area="610113", birth=birth, sequence=f"{next(_serial) % 1000:03d}")
    account = UserFactory(id_number=number) if user else None
    if account is not None:
        return set_profile(w, account, residence_division=division, **changes)
    profile = _in_scope(profile_ensure(subject=Subject("person", number, "无账号居民")))
    return profile_update(actor=w.officer, profile=profile,
                          changes={"residence_division": division, "birth_date": f"{birth[:4]}-{birth[4:6]}-{birth[6:]}",
                                   **{k: str(v) for k, v in changes.items()}})


SENIOR_RULE = {"all": [{"attr": "age", "op": ">=", "value": 60},
                       {"attr": "residence_division", "op": "prefix", "value": ["6101"]}]}


def make_policy(w, *, code="senior-allowance", kind="automatic", subject_kind="person", rules=None, publish=True,
                **extra):
    data = {"code": code, "title": extra.pop("title", "老年人生活补贴"), "category": "elderly", "kind": kind,
            "subject_kind": subject_kind, "benefit": "每人每月 100 元", "amount": "100",
            "rules": rules if rules is not None else SENIOR_RULE, "valid_from": dt.date(2026, 1, 1), **extra}
    policy = services.policy_create(actor=w.policy_officer, data=data)
    if publish:
        services.policy_publish(actor=w.policy_officer, policy=policy)
        policy.refresh_from_db()
    return policy


@pytest.fixture
def paying(pw):
    """A published 补贴发放 item of 市人社局 whose form the account fills, and its approver."""
    from yiwang.catalog.constants import DataType
    from yiwang.catalog.tests.factories import DataElementFactory, FormFieldFactory, PublishedVersionFactory

    version = PublishedVersionFactory(implementation__agency=pw.hrss, name="老年人生活补贴发放", materials=0)
    name = DataElementFactory(key="applicant.name", name="申请人姓名", data_type=DataType.STRING,
                              profile_source="user.real_name")
    number = DataElementFactory(key="applicant.id_number", name="身份证号", data_type=DataType.ID_NUMBER,
                                profile_source="user.id_number")
    FormFieldFactory(version=version, data_element=name, order=1)
    FormFieldFactory(version=version, data_element=number, order=2)
    pw.item = version.implementation
    pw.approver = pw.staff(pw.hrss, Role.DEPT_REVIEWER, Role.DEPT_APPROVER, name="approver_hrss")
    return pw
