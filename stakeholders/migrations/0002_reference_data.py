from django.db import migrations


def load(apps, schema_editor):
    from stakeholders.reference import reference_load

    reference_load(
        apps.get_model("stakeholders", "Region"),
        apps.get_model("stakeholders", "Country"),
        apps.get_model("stakeholders", "StakeholderGroup"),
    )


class Migration(migrations.Migration):
    dependencies = [("stakeholders", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
