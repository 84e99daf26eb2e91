"""Locks and slow work: a case row is locked once per write, through yiwang.cases.locks only, and
no document PDF is rendered while it is locked (they are rendered after commit, from the facts
recorded when they were issued)."""

import ast
import datetime as dt
from pathlib import Path

import pytest
from django.db import connection, transaction

from yiwang.cases import documents, locks
from yiwang.cases.constants import CaseStatus, DeliveryMethod, DocumentKind, TaskStatus
from yiwang.cases.models import CaseDocument, WorkTask
from yiwang.cases.services import case_accept, case_deliver, task_complete
from yiwang.cases.tests.conftest import MONDAY
from yiwang.notifications.models import Notification

CASES = Path(__file__).resolve().parents[1]
LEGAL_BASIS = "《中华人民共和国食品安全法》第三十五条"


@pytest.fixture
def case_locks(monkeypatch):
    """The ids of the case rows each SELECT … FOR UPDATE on cases locked, in order."""
    taken: list[list[int]] = []
    real = locks._select_cases_for_update

    def spy(**filters):
        rows = real(**filters)
        taken.append([c.pk for c in rows])
        return rows

    monkeypatch.setattr(locks, "_select_cases_for_update", spy)
    return taken


def _complete(actor, task, outcome, **kwargs):
    return task_complete(actor=actor, task=WorkTask.objects.get(pk=task.pk), outcome=outcome, **kwargs)


@pytest.mark.django_db
def test_acceptance_locks_the_case_once(world, submit, case_locks):
    case = submit()
    case_accept(actor=world.clerk, case=case, today=MONDAY)
    assert case_locks == [[case.pk]]


@pytest.mark.django_db
def test_the_last_task_decides_concludes_and_delivers_under_one_case_lock(world, submit, case_locks):
    """task_complete → the decision → conclusion → an electronic result delivered: one transaction,
    the case locked once (before the reshaping: three times, four with the delivery)."""
    case = submit()
    delivery = case.application.delivery
    delivery.method = DeliveryMethod.ELECTRONIC
    delivery.save(update_fields=["method"])
    case_accept(actor=world.clerk, case=case, today=MONDAY)
    review = WorkTask.objects.get(case=case, status=TaskStatus.READY)
    _complete(world.reviewer, review, "pass", comment="材料齐全")
    decide = WorkTask.objects.get(case=case, status=TaskStatus.READY)
    del case_locks[:]
    _complete(world.approver, decide, "approve", comment="符合条件", data={"legal_basis": LEGAL_BASIS})
    case.refresh_from_db()
    assert case.status == CaseStatus.DELIVERED and case.decision == "approved"
    assert case_locks == [[case.pk]]


@pytest.mark.django_db
def test_handing_over_locks_the_application_and_its_cases_once(world, submit, case_locks):
    case = submit()
    case_accept(actor=world.clerk, case=case, today=MONDAY)
    from yiwang.cases.services import case_decide

    case_decide(actor=world.approver, case=case, decision="approved", reasons="符合条件", legal_basis=LEGAL_BASIS,
                today=dt.date(2026, 11, 20))
    code = Notification.objects.get(recipient=world.citizen, topic="delivery.code", channel="in_app").body
    del case_locks[:]
    case_deliver(actor=world.clerk, case=case, pickup_code=code.split("取件码 ")[1][:6], today=dt.date(2026, 11, 23))
    assert case_locks == [[case.pk]]


def test_only_locks_py_locks_case_rows():
    """select_for_update appears in locks.py (every row of the case's family) and, for rows that
    are not cases, where they are written: process definitions (back_office) and a document's
    rendering (documents)."""
    allowed = {"locks.py", "back_office.py", "documents.py"}
    found = set()
    for path in CASES.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        if "select_for_update" in path.read_text(encoding="utf-8"):
            found.add(path.name)
    assert found <= allowed, found - allowed
    body = (CASES / "documents.py").read_text(encoding="utf-8") + (CASES / "back_office.py").read_text(encoding="utf-8")
    assert "Case.objects.select_for_update" not in body


@pytest.mark.django_db(transaction=True)
def test_document_pdfs_are_rendered_after_commit_outside_any_transaction(world, submit, monkeypatch):
    rendered = []
    real = documents.render_pdf

    def spy(facts):
        rendered.append((facts["kind"], connection.in_atomic_block))
        return real(facts)

    monkeypatch.setattr(documents, "render_pdf", spy)
    case = submit()
    with transaction.atomic():  # as a caller's transaction would: nothing is rendered inside it
        case_accept(actor=world.clerk, case=case, today=MONDAY)
        assert rendered == []
        assert CaseDocument.objects.get(case=case).sm3 == ""
    assert rendered == [(DocumentKind.ACCEPTANCE_NOTICE, False)]
    doc = CaseDocument.objects.get(case=case)
    with doc.file.open("rb") as fh:
        data = fh.read()
    assert data.startswith(b"%PDF") and len(doc.sm3) == 64
    # The document states what was true when it was issued, not what is true when it is read.
    assert doc.facts["due_on"] == "2026-11-30" and doc.facts["mode"] == "normal"


def test_no_function_local_imports_but_where_a_cycle_forces_one():
    """Imports sit at the top of each module; the two exceptions say why: AppConfig.ready (the app
    registry is still loading when apps.py is imported) and a data migration (it must not import
    today's app code when migrations are merely loaded)."""
    local = []
    for path in CASES.rglob("*.py"):
        if "tests" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef):
                local += [(path.name, node.name) for sub in ast.walk(node) if isinstance(sub, ast.Import | ast.ImportFrom)]
    assert sorted(set(local)) == [("0002_standard_processes.py", "load_standard_processes"), ("apps.py", "ready")]
