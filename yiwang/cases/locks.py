"""Row locks for cases, in one place and one order, so two writers that meet on the same rows never
deadlock:

    application → its cases (by id) → a case's process instance → its task rows (by id)
    → the application's locker drop-off → a locker

A write locks once, at its entry (the public service: case_accept, task_complete …); what it calls
afterwards — transitions, documents, the back office, actions — works on the rows it was handed
and locks only rows further down the order. Locking the case always takes its application row
first, so writers of sibling cases (a bundle) queue on the application instead of crossing.
This module is the only place that locks case rows (yiwang/cases/tests/test_locks.py checks it).
"""

from __future__ import annotations

from yiwang.cases.constants import OPEN_TASK_STATUSES
from yiwang.cases.models import Application, Case, Locker, LockerDropOff, ProcessInstance, WorkTask


def _select_cases_for_update(**filters) -> list[Case]:
    """Every lock on case rows goes through here (one query; ordered by id)."""
    return list(Case.objects.select_for_update().filter(**filters).order_by("id"))


def _lock_application_row(application_id: int) -> None:
    list(Application.objects.select_for_update().filter(pk=application_id).values_list("pk", flat=True))


def _copy_fresh(target, fresh) -> None:
    for field in type(fresh)._meta.concrete_fields:
        setattr(target, field.attname, getattr(fresh, field.attname))


def lock_case(case: Case) -> Case:
    """Lock the case's application, then the case; copy the fresh values onto the caller's object."""
    _lock_application_row(case.application_id)
    [fresh] = _select_cases_for_update(pk=case.pk)
    _copy_fresh(case, fresh)
    return case


def lock_case_by_id(case_id: int) -> Case:
    """Lock one case by id (its application first) and return it, with its version loaded."""
    application_id = Case.objects.filter(pk=case_id).values_list("application_id", flat=True).get()
    _lock_application_row(application_id)
    _select_cases_for_update(pk=case_id)
    return Case.objects.select_related("version").get(pk=case_id)


def lock_application(application: Application, *, refresh: Case | None = None) -> list[Case]:
    """Lock an application and then all its cases (by id). `refresh`, one of those cases held by
    the caller, gets the fresh values and takes its place in the returned list."""
    _lock_application_row(application.pk)
    cases = _select_cases_for_update(application_id=application.pk)
    if refresh is not None:
        for i, fresh in enumerate(cases):
            if fresh.pk == refresh.pk:
                _copy_fresh(refresh, fresh)
                cases[i] = refresh
    return cases


def lock_process(case: Case) -> ProcessInstance | None:
    """The case's process instance, locked (the caller holds the case)."""
    return ProcessInstance.objects.select_for_update().filter(case=case).first()


def lock_open_tasks(process: ProcessInstance) -> list[WorkTask]:
    """The open task rows of a process, locked (the caller holds the case and the process)."""
    return list(WorkTask.objects.select_for_update().filter(process=process, status__in=OPEN_TASK_STATUSES)
                .order_by("id"))


def lock_task(task: WorkTask) -> WorkTask:
    """Lock one task row and copy its fresh values (the caller holds the case and the process)."""
    fresh = WorkTask.objects.select_for_update().select_related("organisation").get(pk=task.pk)
    _copy_fresh(task, fresh)
    task.organisation = fresh.organisation
    return task


def lock_locker(locker_id: int) -> None:
    """Lock a locker (the last in the order), so two results are never given one compartment."""
    list(Locker.objects.select_for_update().filter(pk=locker_id).values_list("pk", flat=True))


def lock_drop_off(drop_off_id: int) -> None:
    """Lock a locker drop-off (after its application, before a locker), so a code opens it once and
    staff record its collection and receipt once."""
    list(LockerDropOff.objects.select_for_update().filter(pk=drop_off_id).values_list("pk", flat=True))
