from django.db import migrations


def seed(apps, schema_editor):
    from yiwang.guidance.seed import SYNONYMS

    Synonym = apps.get_model("guidance", "Synonym")
    have = set(Synonym.objects.values_list("phrase", flat=True))
    Synonym.objects.bulk_create([Synonym(phrase=p, canonical=c) for p, c in SYNONYMS.items() if p not in have])


class Migration(migrations.Migration):
    dependencies = [("guidance", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
