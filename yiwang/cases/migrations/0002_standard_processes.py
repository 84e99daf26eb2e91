"""Load the standard back-office processes (yiwang/cases/processes/*.bpmn) as ProcessDefinition rows."""

from django.db import migrations


def load_standard_processes(apps, schema_editor):
    # Imported when the migration runs, not when migrations are loaded: the app code of today
    # (with the historical model passed in) would otherwise be imported by every migrate.
    from yiwang.cases.back_office import ensure_standard_processes

    ensure_standard_processes(definition_model=apps.get_model("cases", "ProcessDefinition"))


class Migration(migrations.Migration):

    dependencies = [
        ("cases", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(load_standard_processes, migrations.RunPython.noop),
    ]
