"""Loading the shipped data: bodies, built-in scenarios (``data/scenarios.json``) and
World Bank population and GDP (``data/worldbank_2015_2024.csv``).

Functions take the model classes as arguments so that the data migration can pass its
historical models and tests and the demo can pass the real ones. Idempotent.
"""

import csv
import json
from pathlib import Path
from typing import Any

from django.utils.translation import gettext_noop

DATA_DIR = Path(__file__).resolve().parent / "data"
SCENARIOS_FILE = DATA_DIR / "scenarios.json"
WORLDBANK_FILE = DATA_DIR / "worldbank_2015_2024.csv"

WORLDBANK_SOURCE = (
    "World Bank, World Development Indicators: population (SP.POP.TOTL) and GDP in current "
    "US$ (NY.GDP.MKTP.CD), 2015-2024, via the datasets/population and datasets/gdp data "
    "packages; licence: Open Data Commons Public Domain Dedication and License (PDDL 1.0)."
)

#: scenarios.json group keys -> the registry's UN regional group codes
GROUP_CODES = {
    "african": "AFRICAN",
    "asia_pacific": "APG",
    "eastern_european": "EEG",
    "latin_american_caribbean": "GRULAC",
    "weog": "WEOG",
}
GROUP_PREFIXES = {"AFRICAN": "AF", "APG": "AP", "EEG": "EE", "GRULAC": "LAC", "WEOG": "WEOG"}

BODIES = [
    (
        "un_security_council",
        gettext_noop("UN Security Council"),
        gettext_noop(
            "Fifteen members today: five permanent members with a veto and ten elected for two "
            "years by regional group (Charter of the United Nations, Articles 23 and 27)."
        ),
    ),
    (
        "eu_council",
        gettext_noop("Council of the European Union"),
        gettext_noop("Ministers of the member states; most decisions by qualified majority."),
    ),
    (
        "imf",
        gettext_noop("International Monetary Fund"),
        gettext_noop(
            "Board of Governors and Executive Board; votes weighted by quota shares. No built-in "
            "scenario: weighted games can be computed through the API."
        ),
    ),
]

#: the built-in scenarios' names and decision rules in ``data/scenarios.json``, marked so
#: that the catalogs carry them (the suite checks that this list and the data file agree);
#: a percent sign is doubled, as in every catalog key (see ``network.reference_names``)
SCENARIO_TEXTS = [
    gettext_noop("Security Council today"),
    gettext_noop(
        "9 affirmative votes of 15, including the concurring votes of every member with a veto"
    ),
    gettext_noop("G4 model (Brazil, Germany, India, Japan)"),
    gettext_noop(
        "14 affirmative votes of 25, including the concurring votes of every member with a veto"
    ),
    gettext_noop("Uniting for Consensus"),
    gettext_noop(
        "15 affirmative votes of 25, including the concurring votes of every member with a veto"
    ),
    gettext_noop("African Union: Ezulwini Consensus and Sirte Declaration"),
    gettext_noop(
        "15 affirmative votes of 26, including the concurring votes of every member with a veto"
    ),
    gettext_noop("EU Council, qualified majority (Lisbon rules, EU-27)"),
    gettext_noop(
        "at least 55%% of the members (15 of 27) representing at least 65%% of the population; "
        "a blocking minority needs at least 4 members, so any 24 members win"
    ),
    gettext_noop("EU Council, qualified majority (Nice rules, EU-27 of 2007-2013)"),
    gettext_noop(
        "at least 255 of 345 weighted votes cast by a majority of the members (14 of 27), "
        "and, if a member asks, members representing at least 62%% of the population "
        "(triple majority)"
    ),
]


def reference_strings() -> list[str]:
    """The shipped English texts shown to people: bodies and built-in scenarios."""
    texts = [t for _slug, name, description in BODIES for t in (name, description)]
    return texts + [t.replace("%%", "%") for t in SCENARIO_TEXTS]


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _number(value: Any) -> str:
    return str(value)


def sync_bodies(Body: Any) -> dict[str, Any]:
    bodies = {}
    for position, (slug, name, description) in enumerate(BODIES):
        body, _ = Body.objects.update_or_create(
            slug=slug, defaults={"name": name, "description": description, "position": position}
        )
        bodies[slug] = body
    return bodies


def _seats_of(scenario: dict[str, Any], countries: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per player: label, category, group, country, veto, weights."""
    weights = {p["id"]: p["weights"] for p in scenario["game"]["players"]}
    vetoes = set(scenario["game"].get("vetoes") or [])
    rows = []
    if "seats" in scenario:
        for seat in scenario["seats"]:
            country = countries.get(seat.get("country") or "")
            group = GROUP_CODES.get(seat.get("group") or "", "")
            rows.append(
                {
                    "player_id": seat["id"],
                    "label": country.name if country is not None else seat["id"],
                    "category": seat["category"],
                    "regional_group": group,
                    "country": country,
                    "veto": seat["id"] in vetoes,
                    "weights": [_number(w) for w in weights[seat["id"]]],
                }
            )
    else:
        for member in scenario["members"]:
            country = countries[member["country"]]
            rows.append(
                {
                    "player_id": member["id"],
                    "label": country.name,
                    "category": "member",
                    "regional_group": country.regional_group,
                    "country": country,
                    "veto": member["id"] in vetoes,
                    "weights": [_number(w) for w in weights[member["id"]]],
                }
            )
    return rows


def _criteria(scenario: dict[str, Any]) -> list[str]:
    width = len(scenario["game"]["quotas"])
    if "seats" in scenario:
        return ["seats"]
    if width == 2:
        return ["members", "population"]
    if width == 3:
        return ["weighted votes", "members", "population"]
    return [f"criterion {i + 1}" for i in range(width)]


def sync_builtin_scenarios(Body: Any, Scenario: Any, Seat: Any, Country: Any) -> int:
    """Create or refresh every built-in scenario from ``scenarios.json``."""
    data = json.loads(SCENARIOS_FILE.read_text(encoding="utf-8"))
    bodies = sync_bodies(Body)
    countries = {c.alpha3: c for c in Country.objects.all()}
    for position, item in enumerate(data["scenarios"]):
        game = item["game"]
        scenario, _ = Scenario.objects.update_or_create(
            slug=item["id"],
            defaults={
                "body": bodies[item["body"]],
                "name": item["name"],
                "source": _text(item.get("source")),
                "rule": _text((item.get("threshold") or {}).get("rule")),
                "threshold_confirmed": bool(item.get("threshold_confirmed")),
                "threshold_note": _text(item.get("threshold_note")),
                "criteria": _criteria(item),
                "quotas": [_number(q) for q in game["quotas"]],
                "alternatives": [[_number(q) for q in alt] for alt in game.get("alternatives", [])],
                "data_year": int(item.get("population_year") or 2024),
                "builtin": True,
                "owner": None,
                "visibility": "public",
                "position": position,
            },
        )
        Seat.objects.filter(scenario=scenario).delete()
        Seat.objects.bulk_create(
            Seat(scenario=scenario, position=i, **row)
            for i, row in enumerate(_seats_of(item, countries))
        )
    return len(data["scenarios"])


def sync_worldbank(CountryYear: Any) -> int:
    """Load the World Bank extract (skips when it is already loaded)."""
    with WORLDBANK_FILE.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    if CountryYear.objects.count() == len(rows):
        return 0
    CountryYear.objects.all().delete()
    CountryYear.objects.bulk_create(
        (
            CountryYear(
                iso3=row["iso3"],
                year=int(row["year"]),
                population=int(row["population"]) if row["population"] else None,
                gdp_usd=int(row["gdp_usd"]) if row["gdp_usd"] else None,
            )
            for row in rows
        ),
        batch_size=500,
    )
    return len(rows)


def sync_all(Body: Any, Scenario: Any, Seat: Any, Country: Any, CountryYear: Any) -> None:
    sync_builtin_scenarios(Body, Scenario, Seat, Country)
    sync_worldbank(CountryYear)


def ensure_loaded() -> None:
    """Load the shipped data when it is missing (after a flush, e.g. in browser tests)."""
    from middleground.network.models import Country

    from .models import Body, CountryYear, Scenario, Seat

    if not Scenario.objects.filter(builtin=True).exists() or not CountryYear.objects.exists():
        sync_all(Body, Scenario, Seat, Country, CountryYear)
