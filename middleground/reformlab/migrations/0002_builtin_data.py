from django.db import migrations

from middleground.reformlab.builtin_data import sync_all


def load(apps, schema_editor):
    sync_all(
        apps.get_model("reformlab", "Body"),
        apps.get_model("reformlab", "Scenario"),
        apps.get_model("reformlab", "Seat"),
        apps.get_model("network", "Country"),
        apps.get_model("reformlab", "CountryYear"),
    )


class Migration(migrations.Migration):
    dependencies = [("reformlab", "0001_initial"), ("network", "0002_reference_data")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
