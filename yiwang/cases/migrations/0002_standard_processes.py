"""Load the standard back-office processes (yiwang/cases/processes/*.bpmn) as ProcessDefinition rows."""

from django.db import migrations


def load_standard_processes(apps, schema_editor):
    from yiwang.cases.worklist import ensure_standard_processes

    ensure_standard_processes(definition_model=apps.get_model("cases", "ProcessDefinition"))


class Migration(migrations.Migration):

    dependencies = [
        ("cases", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(load_standard_processes, migrations.RunPython.noop),
    ]
