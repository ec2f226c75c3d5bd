"""A production deploy's static files: `collectstatic` with the manifest storage must succeed,
or every page fails on "Missing staticfiles manifest entry" (issue 13, finding 5)."""

import json
from pathlib import Path

from django.core.management import call_command

VENDOR = Path(__file__).resolve().parents[1] / "static" / "vendor"


def test_collectstatic_with_the_production_storage_writes_a_manifest_with_the_chart_library(
    settings, tmp_path
):
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    manifest = json.loads((tmp_path / "staticfiles.json").read_text())
    hashed = manifest["paths"]["vendor/chartjs/chart.umd.min.js"]
    assert (tmp_path / hashed).is_file()


def test_vendored_files_name_no_source_map_that_is_not_shipped():
    for path in VENDOR.rglob("*"):
        if path.suffix in (".js", ".css"):
            for line in path.read_text(encoding="utf-8").splitlines():
                if "sourceMappingURL=" in line:
                    name = line.split("sourceMappingURL=", 1)[1].strip(" */")
                    assert (path.parent / name).is_file(), f"{path.name} names {name}"
