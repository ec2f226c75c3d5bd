"""Loading the versioned reference data (countries, blocs, default focus areas).

Functions take the model classes as arguments so that data migrations can pass their
historical models and the demo can pass the real ones.
"""

import json
from pathlib import Path
from typing import Any

from django.utils.translation import gettext_noop

DATA_DIR = Path(__file__).resolve().parent / "data"

DEFAULT_FOCUS_AREAS = [
    ("security", gettext_noop("Security"), [16, 17]),
    (
        "sustainable-development",
        gettext_noop("Sustainable development"),
        [1, 2, 8, 9, 10, 11, 12, 13, 17],
    ),
    ("institutional-accountability", gettext_noop("Institutional accountability"), [16, 17]),
    ("digital-trust", gettext_noop("Digital trust"), [9, 16, 17]),
    ("water-security", gettext_noop("Water security"), [6, 13, 14, 15]),
    ("human-capital", gettext_noop("Human capital"), [3, 4, 5, 8, 10]),
    ("innovation", gettext_noop("Innovation"), [8, 9, 17]),
]

#: the blocs' names in ``data/countries.json``, marked here so that the catalogs carry them
#: (the suite checks that this list and the data file agree)
BLOC_NAMES = [
    gettext_noop("Permanent members of the UN Security Council"),
    gettext_noop("Shanghai Cooperation Organisation"),
    gettext_noop("BRICS"),
    gettext_noop("Group of Twenty (member countries; the EU and the AU are members as unions)"),
    gettext_noop("MIKTA"),
    gettext_noop("European Union"),
    gettext_noop("African Union"),
    gettext_noop("Association of Southeast Asian Nations"),
    gettext_noop("Organisation of Islamic Cooperation"),
    gettext_noop("Commonwealth of Independent States"),
    gettext_noop("Eurasian Economic Union"),
    gettext_noop("Conference on Interaction and Confidence-Building Measures in Asia"),
    gettext_noop("Organization of Turkic States"),
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
