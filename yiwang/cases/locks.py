"""Row locks for cases, in one place and one order (application before its cases, cases by id),
so two writers that meet on the same rows never deadlock."""

from __future__ import annotations

from yiwang.cases.models import Application, Case


def lock_case(case: Case) -> Case:
    """Re-read the case under a row lock and copy the fresh values onto the caller's object."""
    fresh = Case.objects.select_for_update().get(pk=case.pk)
    for field in Case._meta.concrete_fields:
        setattr(case, field.attname, getattr(fresh, field.attname))
    return case


def lock_application(application: Application) -> list[Case]:
    """Lock an application and then all its cases (ordered by id)."""
    Application.objects.select_for_update().filter(pk=application.pk).first()
    return list(Case.objects.select_for_update().filter(application=application).order_by("id"))
