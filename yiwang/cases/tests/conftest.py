"""A small world for case tests: a city, an agency with its hall, staff with roles, a citizen and a
published item with a form and materials (one required, one deferrable)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from yiwang.accounts.tests.factories import StaffFactory, UserFactory
from yiwang.catalog.constants import DataType, MaterialNecessity
from yiwang.catalog.tests.factories import (
    DataElementFactory,
    FormFieldFactory,
    MaterialFactory,
    PublishedVersionFactory,
)
from yiwang.orgs.constants import DivisionLevel, OrganisationKind, Role
from yiwang.orgs.models import RoleGrant
from yiwang.orgs.tests.factories import DivisionFactory, OrganisationFactory

MONDAY = dt.date(2026, 11, 16)  # an ordinary working week: 16–20 Nov 2026, then 23–27 Nov
# The smallest PDF a parser accepts (uploads are parsed: yiwang.core.file_safety).
PDF_BYTES = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
             b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 10 10]>>endobj\nxref\n0 4\n0000000000 65535 f \n"
             b"0000000009 00000 n \n0000000052 00000 n \n0000000101 00000 n \n"
             b"trailer<</Size 4/Root 1 0 R>>\nstartxref\n162\n%%EOF\n")


class World:
    pass


@pytest.fixture
def world(db):
    w = World()
    w.city = DivisionFactory(code="610100", name="西安市", level=DivisionLevel.CITY)
    w.yanta = DivisionFactory(code="610113", name="雁塔区", level=DivisionLevel.DISTRICT, parent=w.city)
    w.beilin = DivisionFactory(code="610103", name="碑林区", level=DivisionLevel.DISTRICT, parent=w.city)
    w.gov = OrganisationFactory(name="西安市人民政府", kind=OrganisationKind.GOVERNMENT, division=w.city)
    w.hall = OrganisationFactory(name="西安市政务服务中心", short_name="市政务服务中心", kind=OrganisationKind.SERVICE_CENTER,
                                 division=w.city, parent=w.gov)
    w.agency = OrganisationFactory(name="西安市市场监督管理局", short_name="市市场监管局", division=w.city, parent=w.gov)
    w.other_agency = OrganisationFactory(name="西安市教育局", short_name="市教育局", division=w.city, parent=w.gov)
    w.yanta_gov = OrganisationFactory(name="雁塔区人民政府", kind=OrganisationKind.GOVERNMENT, division=w.yanta)
    w.yanta_hall = OrganisationFactory(name="雁塔区政务服务中心", kind=OrganisationKind.SERVICE_CENTER, division=w.yanta,
                                       parent=w.yanta_gov)
    w.yanta_agency = OrganisationFactory(name="雁塔区市场监督管理局", division=w.yanta, parent=w.yanta_gov, level="4")
    w.beilin_agency = OrganisationFactory(name="碑林区市场监督管理局", division=w.beilin, level="4")

    def staff(org, *roles, name=None):
        user = StaffFactory(**({"username": name} if name else {}))
        for role in roles:
            RoleGrant.objects.create(user=user, organisation=org, role=role)
        return user

    w.clerk = staff(w.hall, Role.WINDOW_CLERK, name="clerk")
    w.yanta_clerk = staff(w.yanta_hall, Role.WINDOW_CLERK, name="yanta_clerk")
    w.reviewer = staff(w.agency, Role.DEPT_REVIEWER, name="reviewer")
    w.approver = staff(w.agency, Role.DEPT_APPROVER, name="approver")
    w.yanta_reviewer = staff(w.yanta_agency, Role.DEPT_REVIEWER, name="yanta_reviewer")
    w.beilin_reviewer = staff(w.beilin_agency, Role.DEPT_REVIEWER, name="beilin_reviewer")
    w.supervisor = staff(w.gov, Role.SUPERVISOR, name="supervisor")
    w.citizen = UserFactory(real_name="王秀英")
    w.other_citizen = UserFactory()

    w.version = PublishedVersionFactory(implementation__agency=w.agency, name="食品经营许可（新办）",
                                        promised_limit=Decimal(10), statutory_limit=Decimal(20),
                                        deferred_material_eligible=True, commitment_eligible=True, materials=0)
    w.impl = w.version.implementation
    name_el = DataElementFactory(key="applicant.name", name="申请人姓名", data_type=DataType.STRING,
                                 profile_source="user.real_name")
    id_el = DataElementFactory(key="applicant.id_number", name="身份证号", data_type=DataType.ID_NUMBER,
                               profile_source="user.id_number")
    addr_el = DataElementFactory(key="enterprise.address", name="经营场所", data_type=DataType.STRING)
    FormFieldFactory(version=w.version, data_element=name_el, order=1)
    FormFieldFactory(version=w.version, data_element=id_el, order=2)
    FormFieldFactory(version=w.version, data_element=addr_el, order=3)
    w.required_material = MaterialFactory(version=w.version, name="食品经营许可申请书", order=1,
                                          necessity=MaterialNecessity.REQUIRED)
    w.deferrable_material = MaterialFactory(version=w.version, name="食品安全管理制度", order=2,
                                            necessity=MaterialNecessity.DEFERRABLE)
    return w


def pdf_upload(name="申请书.pdf"):
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/octet-stream")


def form_for(world, applicant=None):
    applicant = applicant or world.citizen
    return {"applicant.name": applicant.real_name, "applicant.id_number": applicant.id_number,
            "enterprise.address": "西安市雁塔区小寨东路 1 号"}


@pytest.fixture
def submit(world):
    """Submit an application for the world's item as the citizen; returns the case."""
    from yiwang.cases.services import application_submit, stored_file_create

    files = {}

    def do(*, applicant=None, today=MONDAY, with_deferrable=False, **kwargs):
        applicant = applicant or world.citizen
        kwargs.setdefault("form_data", form_for(world, applicant))
        # A window filing is recorded by the clerk at that window, never claimed by the applicant;
        # the clerk attaches a file they uploaded for the applicant.
        outlet = kwargs.get("outlet")
        at_window = kwargs.get("channel") in ("window", "post")
        actor = kwargs.pop("actor", None) or (
            (world.yanta_clerk if outlet is not None and outlet.pk == world.yanta_hall.pk else world.clerk)
            if at_window else applicant)
        if (applicant.pk, actor.pk) not in files:  # one upload per filer, reused, so payloads repeat exactly
            files[applicant.pk, actor.pk] = stored_file_create(actor=actor, owner=applicant, upload=pdf_upload())
        stored = files[applicant.pk, actor.pk]
        materials = {str(world.required_material.pk): {"file": stored.pk}}
        if with_deferrable:
            materials[str(world.deferrable_material.pk)] = {"file": stored.pk}
        app = application_submit(actor=actor, applicant=applicant, implementation_id=world.impl.pk,
                                 materials=materials, today=today, **kwargs)
        return app.cases.get()

    return do


@pytest.fixture
def fake(monkeypatch):
    """The locker cabinets' adapter as the in-memory fake (the cabinets are an outside system)."""
    from yiwang.cases import locker_device

    device = locker_device.FakeLockerDevice()
    monkeypatch.setattr(locker_device, "_device", device)
    return device
