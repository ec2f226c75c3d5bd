from django.db import migrations

from middleground.network.registry_data import sync_countries, sync_default_focus_areas


def load(apps, schema_editor):
    sync_countries(apps.get_model("network", "Country"), apps.get_model("network", "Bloc"))
    sync_default_focus_areas(apps.get_model("network", "FocusArea"))


class Migration(migrations.Migration):
    dependencies = [("network", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
