# Seeds the official years 2004–2026 from the `chinesecalendar` package, so every fresh database
# (demo, tests, production) can count working days from the first migrate.

from django.db import migrations
from django.utils import timezone


def seed(apps, schema_editor):
    from yiwang.workdays.package_seed import package_days

    CalendarYear = apps.get_model("workdays", "CalendarYear")
    CalendarDay = apps.get_model("workdays", "CalendarDay")
    CalendarRevision = apps.get_model("workdays", "CalendarRevision")
    now = timezone.now()
    days = []
    for year, rows in package_days().items():
        if CalendarYear.objects.filter(year=year).exists():
            continue
        calendar_year = CalendarYear.objects.create(
            year=year, source="package", basis="chinesecalendar 程序包（国务院办公厅历年节假日安排通知）",
            created_at=now, updated_at=now,
        )
        days += [CalendarDay(calendar_year=calendar_year, day=day, kind=kind, name=name, created_at=now, updated_at=now)
                 for day, kind, name in rows]
    CalendarDay.objects.bulk_create(days, batch_size=500)
    revision, _ = CalendarRevision.objects.get_or_create(pk=1)
    revision.number += 1
    revision.changed_at = now
    revision.save()


def unseed(apps, schema_editor):
    apps.get_model("workdays", "CalendarYear").objects.filter(source="package").delete()


class Migration(migrations.Migration):
    dependencies = [("workdays", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
