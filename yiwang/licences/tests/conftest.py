"""A small world for licence tests: Xi'an with two districts, the issuing agencies the licence
types name (each with a USCC), the loaded licence types, a citizen, an enterprise and staff."""

import datetime as dt

import pytest

from yiwang.accounts.tests.factories import EnterpriseUserFactory, StaffFactory, UserFactory, valid_id
from yiwang.core.identifiers import with_uscc_check_digit
from yiwang.orgs.constants import DivisionLevel, OrganisationKind, Role
from yiwang.orgs.models import RoleGrant
from yiwang.orgs.tests.factories import DivisionFactory, OrganisationFactory

TODAY = dt.date(2026, 11, 16)


class World:
    pass


def _agency(short, name, division, parent, serial):
    return OrganisationFactory(name=name, short_name=short, division=division, parent=parent,
                               uscc=with_uscc_check_digit(f"11610100YW{serial:07d}"))


@pytest.fixture
def world(db):
    from yiwang.licences.services import licence_types_load

    w = World()
    w.province = DivisionFactory(code="610000", name="陕西省", level=DivisionLevel.PROVINCE)
    w.city = DivisionFactory(code="610100", name="西安市", level=DivisionLevel.CITY, parent=w.province)
    w.yanta = DivisionFactory(code="610113", name="雁塔区", level=DivisionLevel.DISTRICT, parent=w.city)
    w.beilin = DivisionFactory(code="610103", name="碑林区", level=DivisionLevel.DISTRICT, parent=w.city)
    w.gov = OrganisationFactory(name="西安市人民政府", short_name="西安市人民政府", kind=OrganisationKind.GOVERNMENT,
                                division=w.city, uscc=with_uscc_check_digit("11610100YW0000001"))
    w.police = _agency("市公安局", "西安市公安局", w.city, w.gov, 5)
    w.market = _agency("市市场监管局", "西安市市场监督管理局", w.city, w.gov, 4)
    w.hrss = _agency("市人社局", "西安市人力资源和社会保障局", w.city, w.gov, 8)
    w.disabled = _agency("市残联", "西安市残疾人联合会", w.city, w.gov, 28)
    w.yanta_gov = OrganisationFactory(name="雁塔区人民政府", short_name="雁塔区人民政府", kind=OrganisationKind.GOVERNMENT,
                                      division=w.yanta, parent=w.gov, uscc=with_uscc_check_digit("11610113YW0000001"))
    w.yanta_market = _agency("雁塔区市场监管局", "西安市雁塔区市场监督管理局", w.yanta, w.yanta_gov, 104)
    w.beilin_gov = OrganisationFactory(name="碑林区人民政府", short_name="碑林区人民政府", kind=OrganisationKind.GOVERNMENT,
                                       division=w.beilin, parent=w.gov, uscc=with_uscc_check_digit("11610103YW0000001"))
    licence_types_load(actor=None)

    def staff(org, *roles, name=None):
        user = StaffFactory(**({"username": name} if name else {}))
        for role in roles:
            RoleGrant.objects.create(user=user, organisation=org, role=role)
        return user

    w.staff = staff
    w.officer = staff(w.gov, Role.LICENCE_OFFICER, name="officer")
    w.yanta_officer = staff(w.yanta_gov, Role.LICENCE_OFFICER, name="yanta_officer")
    w.beilin_clerk = staff(w.beilin_gov, Role.WINDOW_CLERK, name="beilin_clerk")
    w.yanta_clerk = staff(w.yanta_gov, Role.WINDOW_CLERK, name="yanta_clerk")
    w.citizen = UserFactory(real_name="王秀英", id_number=valid_id())
    w.enterprise = EnterpriseUserFactory(org_name="西安示例餐饮管理有限公司", legal_rep_name="李建国",
                                         legal_rep_id_number=valid_id(birth="19720612", sequence="001"))
    return w


def type_of(catalog_code: str):
    from yiwang.licences.selectors import licence_type_for_code

    return licence_type_for_code(catalog_code)


def issue(world, catalog_code="LIC-RESIDENT-ID", *, holder=None, issuer=None, issued_on=TODAY, **kwargs):
    """Issue a licence of the type to the world's citizen (or enterprise for enterprise types)."""
    from yiwang.licences.constants import HolderKind
    from yiwang.licences.services import Holder, licence_issue

    licence_type = type_of(catalog_code)
    if holder is None:
        if licence_type.holder_kind == HolderKind.ENTERPRISE:
            holder = Holder(HolderKind.ENTERPRISE, world.enterprise.org_name, world.enterprise.uscc)
        else:
            holder = Holder(HolderKind.PERSON, world.citizen.real_name, world.citizen.id_number)
    return licence_issue(actor=world.officer, licence_type=licence_type, holder=holder,
                         issuer=issuer or licence_type.issuing_agency, issued_on=issued_on, **kwargs)


MONDAY = dt.date(2026, 11, 16)


def licensing_item(world, *, result_code: str = "LIC-FOOD-BUSINESS", agency=None, handling_kind: str = "new",
                   materials: list[tuple[str, str]] | None = None, **version_kwargs):
    """A published item whose result is a licence of `result_code` (catalog platform code, or ""),
    with materials [(name, licence_type_code)] (none by default)."""
    from yiwang.catalog.constants import MaterialSource
    from yiwang.catalog.models import published_content_writes
    from yiwang.catalog.tests.factories import MaterialFactory, PublishedVersionFactory

    version = PublishedVersionFactory(implementation__agency=agency or world.market, result_licence_type_code=result_code,
                                      implementation__handling_item_kind=handling_kind, materials=0,
                                      commitment_eligible=True, deferred_material_eligible=True, **version_kwargs)
    with published_content_writes():
        for index, (name, code) in enumerate(materials or []):
            MaterialFactory(version=version, order=index, name=name, licence_type_code=code,
                            source_channel=MaterialSource.LICENCE_LIBRARY if code else MaterialSource.APPLICANT)
    return version


def decided_case(world, version, *, applicant=None, form_data=None, mode="normal", decision="approved", commitment=None,
                 deferral=None):
    """Submit, accept and decide a case for `version` through the cases services; returns it."""
    from yiwang.cases.services import application_submit, case_accept, case_decide

    applicant = applicant or world.citizen
    if not hasattr(world, "reviewer"):
        world.reviewer = world.staff(world.market, Role.DEPT_REVIEWER, Role.DEPT_APPROVER, name="market_reviewer")
    app = application_submit(actor=applicant, applicant=applicant, implementation_id=version.implementation_id,
                             form_data=form_data or {}, materials={}, today=MONDAY)
    case = app.cases.get()
    case_accept(actor=world.reviewer, case=case, mode=mode, commitment=commitment, deferral=deferral, today=MONDAY)
    case.refresh_from_db()
    case_decide(actor=world.reviewer, case=case, decision=decision, reasons="符合条件", legal_basis="《中华人民共和国行政许可法》",
                today=dt.date(2026, 11, 18))
    case.refresh_from_db()
    return case
