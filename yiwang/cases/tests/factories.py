import datetime as dt

import factory

from yiwang.accounts.tests.factories import UserFactory
from yiwang.cases.constants import ApplicationStatus, CaseStatus, Channel
from yiwang.cases.models import Application, Case
from yiwang.catalog.tests.factories import PublishedVersionFactory


class ApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Application

    applicant = factory.SubFactory(UserFactory)
    channel = Channel.WEB
    status = ApplicationStatus.SUBMITTED
    version = factory.SubFactory(PublishedVersionFactory)
    implementation = factory.LazyAttribute(lambda o: o.version.implementation)


class CaseFactory(factory.django.DjangoModelFactory):
    """A case as the intake service leaves it (submitted). For state-specific cases prefer driving
    the services (yiwang.cases.services) so the history is real."""

    class Meta:
        model = Case

    application = factory.SubFactory(ApplicationFactory)
    number = factory.Sequence(lambda n: f"20261116{n:010d}")
    verification_code = "246810"
    applicant = factory.LazyAttribute(lambda o: o.application.applicant)
    implementation = factory.LazyAttribute(lambda o: o.application.implementation)
    version = factory.LazyAttribute(lambda o: o.application.version)
    agency = factory.LazyAttribute(lambda o: o.implementation.agency)
    agency_path = factory.LazyAttribute(lambda o: o.agency.path)
    channel = Channel.WEB
    status = CaseStatus.SUBMITTED
    applicant_name = factory.LazyAttribute(lambda o: o.applicant.display_name)
    received_on = dt.date(2026, 11, 16)
    acceptance_due_on = dt.date(2026, 11, 23)
    limit_days = 10
