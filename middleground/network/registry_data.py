"""Loading the versioned reference data (countries, blocs, default focus areas).

Functions take the model classes as arguments so that data migrations can pass their
historical models and the demo can pass the real ones.
"""

import json
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parent / "data"

DEFAULT_FOCUS_AREAS = [
    ("security", "Security", [16, 17]),
    ("sustainable-development", "Sustainable development", [1, 2, 8, 9, 10, 11, 12, 13, 17]),
    ("institutional-accountability", "Institutional accountability", [16, 17]),
    ("digital-trust", "Digital trust", [9, 16, 17]),
    ("water-security", "Water security", [6, 13, 14, 15]),
    ("human-capital", "Human capital", [3, 4, 5, 8, 10]),
    ("innovation", "Innovation", [8, 9, 17]),
]


def countries_file() -> dict[str, Any]:
    return json.loads((DATA_DIR / "countries.json").read_text(encoding="utf-8"))


def sync_countries(Country: Any, Bloc: Any) -> int:
    """Create or update every country and bloc from the data file. Idempotent."""
    data = countries_file()
    existing = {c.code: c for c in Country.objects.all()}
    new, changed = [], []
    fields = ["alpha3", "name", "m49_region", "m49_subregion", "un_member", "regional_group"]
    for row in data["countries"]:
        values = {
            "alpha3": row["alpha3"],
            "name": row["name"],
            "m49_region": row["m49_region"],
            "m49_subregion": row["m49_subregion"],
            "un_member": row["un_member"],
            "regional_group": row["un_regional_group"] or "",
        }
        country = existing.get(row["code"])
        if country is None:
            new.append(Country(code=row["code"], **values))
        elif any(getattr(country, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(country, k, v)
            changed.append(country)
    Country.objects.bulk_create(new)
    Country.objects.bulk_update(changed, fields)
    for row in data["blocs"]:
        bloc, _ = Bloc.objects.update_or_create(
            code=row["code"], defaults={"name": row["name"], "source": row["source"]}
        )
        bloc.countries.set(row["members"])
    return len(data["countries"])


def sync_default_focus_areas(FocusArea: Any) -> None:
    for slug, name, sdgs in DEFAULT_FOCUS_AREAS:
        FocusArea.objects.get_or_create(slug=slug, defaults={"name": name, "sdgs": sdgs})
