"""After `make demo` (load_xian, load_demo_accounts, load_demo): the demo citizen and enterprise each
have 免申即享 cases awaiting confirmation in the agencies that pay them, and the demo accounts the
README names carry a confirmed one through: clerk accepts → reviewer_<单位> reviews →
approver_<单位> decides. The whole demo is loaded once for the module and rolled back after it."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from yiwang.accounts.models import User
from yiwang.cases import services as cases_services
from yiwang.cases.models import Case, WorkTask
from yiwang.cases.services.intake import clear_process_caches
from yiwang.policies import services
from yiwang.policies.models import Entitlement

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        with transaction.atomic():
            clear_process_caches()
            for command in ("load_xian", "load_demo_accounts", "load_demo"):
                call_command(command, stdout=io.StringIO())
            yield
            transaction.set_rollback(True)
        clear_process_caches()
        connection.close()


def _user(name: str) -> User:
    return User.objects.get(username=name)


def test_the_demo_subjects_have_cases_to_confirm(demo):
    for name in ("citizen", "enterprise"):
        waiting = Case.objects.filter(applicant=_user(name), channel="proactive", status="awaiting_confirmation")
        assert waiting.count() >= 1, name
    agencies = set(Case.objects.filter(applicant=_user("enterprise"), channel="proactive")
                   .values_list("agency__short_name", flat=True))
    assert {"市商务局", "市人社局"} <= agencies
    # Loading again files nothing new.
    before = Case.objects.count()
    call_command("load_demo", stdout=io.StringIO())
    assert Case.objects.count() == before


def test_the_demo_accounts_carry_a_confirmed_case_to_its_decision(demo):
    entitlement = Entitlement.objects.get(policy__code="xa-catering-relief", user=_user("enterprise"))
    services.entitlement_decide(actor=_user("enterprise"), entitlement=entitlement, accept=True)
    case = Case.objects.get(pk=entitlement.case_id)
    assert case.status == "submitted"
    cases_services.case_accept(actor=_user("clerk"), case=case)
    for _ in range(5):
        task = WorkTask.objects.filter(case=case, status__in=("ready", "claimed")).first()
        if task is None:
            break
        who = _user("approver_commerce" if task.task_key == "decide" else "reviewer_commerce")
        cases_services.task_claim(actor=who, task=task)
        task.refresh_from_db()
        cases_services.task_complete(actor=who, task=task, outcome="approve" if task.task_key == "decide" else "pass",
                                     comment="符合政策条件",
                                     data={"reasons": "符合政策条件", "legal_basis": "西安市促进消费提质扩容若干措施"})
    case.refresh_from_db()
    assert case.decision == "approved" and case.accepted_on is not None
