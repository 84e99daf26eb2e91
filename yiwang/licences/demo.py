"""Demo data of the licences app (`manage.py load_demo`, after load_xian and load_demo_accounts).

- the licence types (reference data, also `manage.py load_licence_types`) and an SM2 key for every
  agency that issues a type by default;
- the demo citizen 王秀英: 居民身份证, 居民户口簿 (雁塔区小寨路街道), 社会保障卡, 老年人优待证 — and a
  机动车驾驶证 whose validity ended in 2025 (the expired example);
- the demo enterprise 西安示例餐饮管理有限公司: 营业执照, 食品经营许可证 — and a 小餐饮经营许可证
  revoked after a false commitment (the revoked example); its legal representative 李建国's
  居民身份证 (法定代表人身份证 materials);
- so applying, these satisfy their materials without upload (免提交), and the expired and the
  revoked one are refused with the reason;
- a few verifications (a bank checked the ID card, a landlord the business licence), so the
  holders see who checked;
- the `licence_officer` account (电子证照管理人员 at the city government, so its scope is the city);
- both profiles with their attributes (filled from the licences; the rest entered by the officer).

Idempotent: every licence is looked up by holder and type before it is issued.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

DEMO_PASSWORD = "Demo-2026-xian"  # noqa: S105 — the documented demo password (README)
OFFICER = {"username": "licence_officer", "real_name": "冯晓燕"}

CITIZEN_LICENCES = [
    # (catalog code, default agency short name, issued on, attributes, division)
    ("LIC-RESIDENT-ID", "市公安局", dt.date(2016, 4, 12),
     {"person.sex": "女", "person.ethnicity": "汉", "applicant.birth_date": "1958-03-15",
      "household.address": "陕西省西安市雁塔区小寨东路 1 号"}, "610113"),
    ("LIC-HUKOU", "市公安局", dt.date(2008, 6, 20),
     {"household.kind": "家庭户", "household.size": "2", "household.address": "陕西省西安市雁塔区小寨东路 1 号",
      "household.relation": "户主"}, "610113J01"),
    ("LIC-SOCIAL-SECURITY-CARD", "市人社局", dt.date(2019, 9, 1), {"bank.name": "中国建设银行"}, "610100"),
    ("LIC-SENIOR-CARD", "雁塔区民政局", dt.date(2018, 3, 20), {}, "610113"),
    ("LIC-DRIVING-LICENCE", "市公安局", dt.date(2019, 7, 1), {"vehicle.kind": "C1"}, "610100"),
]
ENTERPRISE_LICENCES = [
    ("LIC-BUSINESS-LICENCE", "雁塔区市场监管局", dt.date(2019, 5, 20),
     {"enterprise.type": "有限责任公司（自然人投资或控股）", "enterprise.legal_rep_name": "李建国",
      "enterprise.registered_capital": "100", "enterprise.founded_on": "2019-05-20",
      "enterprise.address": "陕西省西安市雁塔区小寨东路 1 号", "enterprise.business_scope": "餐饮服务；食品销售",
      "enterprise.industry_code": "H6210"}, "610113"),
    ("LIC-FOOD-BUSINESS", "市市场监管局", dt.date(2024, 5, 10),
     {"enterprise.legal_rep_name": "李建国", "premises.address": "陕西省西安市雁塔区小寨东路 1 号",
      "food.business_items": "热食类食品制售；冷食类食品制售"}, "610113"),
    ("LIC-SMALL-CATERING", "雁塔区市场监管局", dt.date(2025, 1, 10),
     {"premises.address": "陕西省西安市雁塔区雁塔西路 8 号", "food.business_items": "热食类食品制售"}, "610113"),
]
# The enterprise's legal representative's own ID card: enterprise items ask for 法定代表人身份证,
# which the library then supplies (免提交) like the enterprise's own licences.
REPRESENTATIVE_LICENCES = [
    ("LIC-RESIDENT-ID", "市公安局", dt.date(2017, 8, 3),
     {"person.sex": "男", "person.ethnicity": "汉", "applicant.birth_date": "1972-06-12",
      "household.address": "陕西省西安市雁塔区小寨东路 1 号"}, "610113"),
]
REVOKED = ("LIC-SMALL-CATERING", "经核查告知承诺不实（经营场所面积不足），依据《中华人民共和国行政许可法》第六十九条撤销。")
VERIFICATIONS = [
    ("LIC-RESIDENT-ID", "中国建设银行西安小寨支行", "api"),
    ("LIC-BUSINESS-LICENCE", "西安市雁塔区一家房屋租赁公司", "page"),
    ("LIC-FOOD-BUSINESS", "", "qr"),
]


def _say(stdout, text: str) -> None:
    if stdout is not None:
        stdout.write(text)


def _officer():
    from yiwang.accounts import services as account_services
    from yiwang.accounts.selectors import user_by_identifier
    from yiwang.orgs import services as org_services
    from yiwang.orgs.constants import Role
    from yiwang.orgs.selectors import organisation_by_short_name

    user = user_by_identifier(OFFICER["username"])
    if user is None:
        user = account_services.staff_account_create(actor=None, password=DEMO_PASSWORD, **OFFICER)
    elif not user.check_password(DEMO_PASSWORD):
        account_services.user_set_password(actor=None, user=user, password=DEMO_PASSWORD)
    city = organisation_by_short_name("西安市人民政府")
    if city is not None:
        org_services.role_grant(actor=None, user=user, organisation=city, role=Role.LICENCE_OFFICER)
    return user


def _issue_all(*, officer, holder, specs) -> dict:
    from yiwang.licences.models import Licence
    from yiwang.licences.selectors import licence_type_for_code
    from yiwang.licences.services import licence_issue
    from yiwang.licences.subjects import subject_index
    from yiwang.orgs.selectors import organisation_by_short_name

    issued = {}
    for code, agency_name, issued_on, attributes, division in specs:
        licence_type = licence_type_for_code(code)
        agency = organisation_by_short_name(agency_name) or licence_type.issuing_agency
        if licence_type is None or agency is None:
            continue
        existing = Licence.objects.filter(licence_type=licence_type, holder_id_index=subject_index(holder.identifier)).first()
        issued[code] = existing or licence_issue(
            actor=officer, licence_type=licence_type, holder=holder, issuer=agency, issued_on=issued_on,
            attributes=attributes, division_code=division, source="demo", notify=False)
    return issued


def load(*, stdout=None) -> None:
    from yiwang.accounts.selectors import user_by_identifier
    from yiwang.licences.constants import LicenceAction, LicenceStatus, SubjectKind
    from yiwang.licences.selectors import licence_types
    from yiwang.licences.services import (
        Holder,
        issuer_key_for,
        licence_change_status,
        licence_types_load,
        licence_verify,
        licences_expire,
        profile_for_user,
        profile_update,
    )
    from yiwang.licences.subjects import legal_representative_of, subject_of_user

    with transaction.atomic():
        result = licence_types_load(actor="load_demo")
        agencies = {t.issuing_agency_id: t.issuing_agency for t in licence_types() if t.issuing_agency_id}
        for agency in agencies.values():
            if agency.uscc:
                issuer_key_for(agency, actor="load_demo")
        officer = _officer()
        citizen, enterprise = user_by_identifier("citizen"), user_by_identifier("enterprise")
        held = {}
        for user, specs in ((citizen, CITIZEN_LICENCES), (enterprise, ENTERPRISE_LICENCES)):
            subject = subject_of_user(user)
            if subject is None:
                continue
            holder = Holder("enterprise" if subject.kind == SubjectKind.ENTERPRISE else "person", subject.name,
                            subject.identifier)
            held.update(_issue_all(officer=officer, holder=holder, specs=specs))
        representative = legal_representative_of(enterprise) if enterprise is not None else None
        if representative is not None:
            _issue_all(officer=officer, holder=Holder("person", representative.name, representative.identifier),
                       specs=REPRESENTATIVE_LICENCES)
        licences_expire()
        revoked = held.get(REVOKED[0])
        if revoked is not None and revoked.status == LicenceStatus.VALID:
            licence_change_status(actor=officer, licence=revoked, action=LicenceAction.REVOKE, reason=REVOKED[1])
        for code, who, channel in VERIFICATIONS:
            licence = held.get(code)
            if licence is not None and not licence.verifications.exists():
                licence_verify(identifier=licence.identifier, channel=channel, verifier_label=who, client_ip="203.0.113.27")
        if citizen is not None:
            profile = profile_for_user(citizen)
            if profile is not None and not profile.employment_status:
                profile_update(actor=officer, profile=profile, changes={"employment_status": "retired"})
        if enterprise is not None:
            profile = profile_for_user(enterprise)
            if profile is not None and not profile.enterprise_size:
                profile_update(actor=officer, profile=profile,
                               changes={"enterprise_size": "small", "credit_grade": "A", "employees": "28"})
    _say(stdout, f"  licence types: {result['created']} new, {result['updated']} updated; keys for {len(agencies)} agencies; "
                 f"{len(held)} demo licences; licence_officer / {DEMO_PASSWORD}\n")
