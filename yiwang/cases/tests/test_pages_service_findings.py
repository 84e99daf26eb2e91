"""Service behaviour the pages rely on, and behaviour they ran into that looks wrong (reported to
the integrator, who owns the services). A wrong one is marked xfail(strict=True): it fails today,
and once the service is fixed the test passes, which a strict xfail reports as a failure — the
signal to drop the marker."""

import pytest

from yiwang.cases.constants import AcceptanceMode, MaterialSatisfaction
from yiwang.cases.models import Application, Case
from yiwang.cases.services import (
    application_save_draft,
    application_submit,
    case_accept,
    case_supplement_deferred,
    stored_file_create,
)
from yiwang.cases.tests.conftest import form_for, pdf_upload
from yiwang.cases.tests.page_helpers import file_case, today
from yiwang.core.errors import DomainError
from yiwang.workdays.time_limits import add_working_days

pytestmark = pytest.mark.django_db


def test_a_draft_loaded_by_two_requests_is_filed_once(world):
    """A double click without the page's idempotency key: the second request's copy of the draft
    still says "draft", but the application's one-to-one delivery and unique materials make its
    insert fail and the retry sees the draft submitted. The review page relies on this."""
    stored = stored_file_create(actor=world.citizen, owner=world.citizen, upload=pdf_upload())
    draft = application_save_draft(actor=world.citizen, applicant=world.citizen, implementation_id=world.impl.pk,
                                   form_data=form_for(world))
    first_request, second_request = Application.objects.get(pk=draft.pk), Application.objects.get(pk=draft.pk)
    payload = {"actor": world.citizen, "applicant": world.citizen, "implementation_id": world.impl.pk,
               "form_data": form_for(world), "materials": {str(world.required_material.pk): {"file": stored.pk}},
               "today": today()}
    application_submit(draft=first_request, **payload)
    with pytest.raises(DomainError):
        application_submit(draft=second_request, **payload)
    assert Case.objects.count() == 1


def test_supplementing_deferred_materials_with_nothing_is_refused(world, submit):
    case = file_case(submit)  # filed online
    case_accept(actor=world.clerk, case=case, mode=AcceptanceMode.DEFERRED, deferral={
        "requirement_ids": [world.deferrable_material.pk], "deadline": add_working_days(today(), 3).due_date,
        "form_note": "网上上传", "commitment_text": "按期补交。"})
    with pytest.raises(DomainError):
        case_supplement_deferred(actor=world.citizen, case=case, materials={str(world.deferrable_material.pk): {"paper": True}})
    with pytest.raises(DomainError):
        case_supplement_deferred(actor=world.citizen, case=case, materials={str(world.deferrable_material.pk): {}})
    case.refresh_from_db()
    row = case.application.materials.get(requirement=world.deferrable_material)
    assert case.deferral.completed_at is None and row.satisfaction == MaterialSatisfaction.DEFERRED
