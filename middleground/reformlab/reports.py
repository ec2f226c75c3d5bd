"""Reads that turn a scenario's power indices into representation reports (per member,
per country, per UN regional group, per bloc), comparisons, charts and exports.

How power reaches countries: a seat held by a named country is that country's; a seat
held by a regional group in rotation (an elected seat, or a new permanent seat not yet
assigned) is shared equally by the UN members of that group that hold no named seat in
the scenario — their expected power when the seat rotates evenly. Bodies whose seats are
all named (the EU Council) represent exactly their members; councils with group seats
represent the 193 UN members.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from middleground.analysis._json import finite_or_none
from middleground.analysis.representation import representation
from middleground.core import charts
from middleground.network.models import Bloc, Country, RegionalGroup

from .builtin_data import WORLDBANK_SOURCE
from .models import CountryYear, PowerResultCache, ResultStatus, Scenario, SeatCategory

INDEX_LABELS = {
    "shapley_shubik": "Shapley-Shubik",
    "banzhaf": "Banzhaf (normalised)",
    "banzhaf_absolute": "Banzhaf (absolute)",
    "johnston": "Johnston",
    "deegan_packel": "Deegan-Packel",
    "holler_packel": "Holler-Packel",
    "coleman_prevent": "Coleman (prevent)",
    "coleman_initiate": "Coleman (initiate)",
}
SHARE_INDICES = ("shapley_shubik", "banzhaf")
GROUP_NAMES = dict(RegionalGroup.choices)
GDP_LAST_YEAR = 2023
CATEGORY_LABELS = dict(SeatCategory.choices)


@dataclass
class Seating:
    """Seat rows as plain dicts (a stored scenario or the builder's draft)."""

    rows: list[dict[str, Any]]
    data_year: int


def seating_of(scenario: Scenario) -> Seating:
    rows = [
        {
            "player_id": s.player_id,
            "label": s.label or s.player_id,
            "category": s.category,
            "regional_group": s.regional_group,
            "country": s.country,
            "veto": s.veto,
            "weights": s.weights,
        }
        for s in scenario.seats.all()
    ]
    return Seating(rows, scenario.data_year)


def _indicator(by_year: dict[int, int | None], year: int) -> int | None:
    """The value in ``year``, else the latest earlier year, else the earliest later one."""
    if by_year.get(year):
        return by_year[year]
    earlier = [y for y, v in by_year.items() if v and y <= year]
    if earlier:
        return by_year[max(earlier)]
    later = [y for y, v in by_year.items() if v]
    return by_year[min(later)] if later else None


def indicators(iso3s: list[str], year: int) -> tuple[dict[str, int], dict[str, int], list[str]]:
    """Population (``year``) and GDP (``min(year, 2023)``) by alpha-3 code, and the codes
    without any GDP figure."""
    pop: dict[str, dict[int, int | None]] = defaultdict(dict)
    gdp: dict[str, dict[int, int | None]] = defaultdict(dict)
    for row in CountryYear.objects.filter(iso3__in=iso3s).values_list(
        "iso3", "year", "population", "gdp_usd"
    ):
        pop[row[0]][row[1]] = row[2]
        gdp[row[0]][row[1]] = row[3]
    population, gdp_out, missing = {}, {}, []
    for code in iso3s:
        population[code] = _indicator(pop.get(code, {}), year) or 0
        value = _indicator(gdp.get(code, {}), min(year, GDP_LAST_YEAR))
        if value is None:
            missing.append(code)
        gdp_out[code] = value or 0
    return population, gdp_out, missing


@dataclass
class Report:
    """Everything a scenario page, export or comparison shows about one result."""

    status: str
    method: str = ""
    algorithm: str = ""
    error: str = ""
    index_names: list[str] = field(default_factory=list)
    members: list[dict[str, Any]] = field(default_factory=list)
    countries: list[dict[str, Any]] = field(default_factory=list)
    groups: list[dict[str, Any]] = field(default_factory=list)
    blocs: list[dict[str, Any]] = field(default_factory=list)
    gini_per_citizen: float | None = None
    gini_penrose: float | None = None
    penrose_distance: float | None = None
    population_year: int | None = None
    gdp_year: int | None = None
    missing_gdp: list[str] = field(default_factory=list)
    unassigned: list[str] = field(default_factory=list)
    samples: int | None = None
    confidence: float | None = None
    share_index: str = "shapley_shubik"
    result_key: str = ""
    seconds: float | None = None

    @property
    def ready(self) -> bool:
        return self.status == ResultStatus.DONE

    @property
    def computing(self) -> bool:
        return self.status == ResultStatus.COMPUTING


def _country_power(
    seating: Seating, power: dict[str, float]
) -> tuple[dict[str, float], dict[str, Country], list[str]]:
    """Expected power per country (alpha-3) and the seats no country could take."""
    rows = seating.rows
    named = {r["country"].alpha3 for r in rows if r["country"] is not None}
    countries: dict[str, Country] = {
        r["country"].alpha3: r["country"] for r in rows if r["country"] is not None
    }
    has_group_seats = any(r["country"] is None and r["regional_group"] for r in rows)
    if has_group_seats:
        for country in Country.objects.filter(un_member=True):
            countries.setdefault(country.alpha3, country)
    by_country: dict[str, float] = dict.fromkeys(countries, 0.0)
    pools: dict[str, float] = defaultdict(float)
    unassigned = []
    for r in rows:
        value = power.get(r["player_id"], 0.0)
        if r["country"] is not None:
            by_country[r["country"].alpha3] += value
        elif r["regional_group"]:
            pools[r["regional_group"]] += value
        else:
            unassigned.append(r["player_id"])
    for group, value in pools.items():
        takers = [
            code
            for code, c in countries.items()
            if c.regional_group == group and code not in named and c.un_member
        ]
        if not takers:
            unassigned.append(group)
            continue
        for code in takers:
            by_country[code] += value / len(takers)
    return by_country, countries, unassigned


def build_report(
    seating: Seating, row: PowerResultCache, share_index: str = "shapley_shubik"
) -> Report:
    """The representation report of a scenario (or a draft) for one cached result."""
    if row.status != ResultStatus.DONE or not row.result:
        return Report(status=row.status, error=row.error, result_key=row.key)
    result = row.result
    indices = result["indices"]
    if share_index not in indices:
        share_index = "shapley_shubik" if "shapley_shubik" in indices else next(iter(indices))
    intervals = result.get("confidence_intervals") or {}
    exact = result.get("exact") or {}
    report = Report(
        status=row.status,
        method=result["method"],
        algorithm=result.get("algorithm", ""),
        index_names=list(indices),
        samples=result.get("samples"),
        confidence=result.get("confidence"),
        share_index=share_index,
        result_key=row.key,
        seconds=row.seconds,
        population_year=seating.data_year,
        gdp_year=min(seating.data_year, GDP_LAST_YEAR),
    )
    power = indices[share_index]
    # representation of countries
    by_country, countries, unassigned = _country_power(seating, power)
    report.unassigned = unassigned
    population, gdp, missing = indicators(list(countries), seating.data_year)
    report.missing_gdp = [countries[c].name for c in missing]
    present = {c for c in countries if population.get(c)}
    group_members: dict[str, list[str]] = defaultdict(list)
    for code in present:
        if countries[code].regional_group:
            group_members["group:" + countries[code].regional_group].append(code)
    bloc_names = {}
    for bloc in Bloc.objects.prefetch_related("countries"):
        members = [c.alpha3 for c in bloc.countries.all() if c.alpha3 in present]
        if members:
            group_members["bloc:" + bloc.code] = members
            bloc_names[bloc.code] = bloc.name
    if present and sum(by_country[c] for c in present) > 0:
        rep = representation(
            {c: by_country[c] for c in present},
            population={c: population[c] for c in present},
            gdp={c: gdp[c] for c in present} if sum(gdp[c] for c in present) > 0 else None,
            groups=group_members,
        )
        report.gini_per_citizen = rep.gini_per_citizen
        report.gini_penrose = rep.gini_penrose
        report.penrose_distance = rep.penrose_distance
        for code in sorted(present, key=lambda c: -by_country[c]):
            m = rep.members[code]
            report.countries.append(
                {
                    "code": code,
                    "name": countries[code].name,
                    "group": countries[code].regional_group,
                    "population": population[code],
                    "gdp": gdp[code] or None,
                    "power_share": m.power_share,
                    "population_share": m.population_share,
                    "population_ratio": finite_or_none(m.population_ratio),
                    "gdp_share": m.gdp_share if gdp[code] else None,
                    "gdp_ratio": finite_or_none(m.gdp_ratio) if gdp[code] else None,
                    "penrose_share": m.penrose_share,
                    "penrose_gap": m.power_share - m.penrose_share,
                }
            )
        for key, g in rep.groups.items():
            kind, code = key.split(":", 1)
            entry = {
                "code": code,
                "name": str(GROUP_NAMES.get(code, code)) if kind == "group" else bloc_names[code],
                "countries": len(g.members),
                "power_share": g.power_share,
                "population_share": g.population_share,
                "population_ratio": finite_or_none(g.population_ratio),
                "gdp_share": g.gdp_share,
                "gdp_ratio": finite_or_none(g.gdp_ratio),
                "gap": g.power_share - g.population_share,
            }
            (report.groups if kind == "group" else report.blocs).append(entry)
        order = list(GROUP_NAMES)
        report.groups.sort(key=lambda e: order.index(e["code"]) if e["code"] in order else 99)
        report.blocs.sort(key=lambda e: -e["power_share"])
    # per member (seat)
    for r in seating.rows:
        pid = r["player_id"]
        report.members.append(
            {
                "id": pid,
                "label": r["label"],
                "category": r["category"],
                "category_label": str(CATEGORY_LABELS.get(r["category"], r["category"])),
                "group": r["regional_group"],
                "group_name": str(GROUP_NAMES.get(r["regional_group"], "")),
                "country": r["country"].name if r["country"] is not None else "",
                "veto": r["veto"],
                "weights": r["weights"],
                "values": {name: indices[name][pid] for name in indices},
                "exact": {name: exact.get(name, {}).get(pid, "") for name in indices},
                "intervals": {name: intervals.get(name, {}).get(pid) for name in indices},
            }
        )
    return report


def scenario_report(scenario: Scenario, row: PowerResultCache, share_index: str) -> Report:
    return build_report(seating_of(scenario), row, share_index)


# --- charts -------------------------------------------------------------------------------


def members_chart(report: Report) -> dict[str, Any]:
    labels = [m["label"] for m in report.members]
    datasets = [
        charts.dataset(INDEX_LABELS[name], [round(m["values"][name], 6) for m in report.members], i)
        for i, name in enumerate(n for n in SHARE_INDICES if n in report.index_names)
    ]
    return charts.bar_chart(labels, datasets)


def shares_chart(
    entries: list[dict[str, Any]], with_gdp: bool = True, label: str = "name"
) -> dict[str, Any]:
    datasets = [
        charts.dataset(_("Power share"), [round(e["power_share"], 6) for e in entries], 0),
        charts.dataset(
            _("Population share"), [round(e["population_share"], 6) for e in entries], 1
        ),
    ]
    if with_gdp and all(e.get("gdp_share") is not None for e in entries):
        datasets.append(
            charts.dataset(_("GDP share"), [round(e["gdp_share"], 6) for e in entries], 2)
        )
    return charts.bar_chart([e[label] for e in entries], datasets)


# --- comparison ------------------------------------------------------------------------------


@dataclass
class Comparison:
    scenarios: list[Scenario]
    reports: list[Report]
    groups: list[dict[str, Any]]
    blocs: list[dict[str, Any]]
    summary: list[dict[str, Any]]
    pending: list[Scenario]


def _compare_rows(reports: list[Report], attribute: str) -> list[dict[str, Any]]:
    by_code: dict[str, dict[str, Any]] = {}
    for i, report in enumerate(reports):
        for entry in getattr(report, attribute):
            row = by_code.setdefault(
                entry["code"],
                {
                    "code": entry["code"],
                    "name": entry["name"],
                    "population_share": entry["population_share"],
                    "gdp_share": entry["gdp_share"],
                    "power": [None] * len(reports),
                    "gaps": [None] * len(reports),
                },
            )
            row["power"][i] = entry["power_share"]
            row["gaps"][i] = entry["gap"]
    for row in by_code.values():
        row["cells"] = list(zip(row["power"], row["gaps"], strict=True))
    return list(by_code.values())


def compare(
    scenarios: list[Scenario], rows: list[PowerResultCache], share_index: str
) -> Comparison:
    reports = [scenario_report(s, r, share_index) for s, r in zip(scenarios, rows, strict=True)]
    ready = [(s, r) for s, r in zip(scenarios, reports, strict=True) if r.ready]
    pending = [s for s, r in zip(scenarios, reports, strict=True) if not r.ready]
    done_scenarios = [s for s, _ in ready]
    done_reports = [r for _, r in ready]
    groups = _compare_rows(done_reports, "groups")
    blocs = _compare_rows(done_reports, "blocs")
    blocs.sort(key=lambda b: -max((p or 0) for p in b["power"]))
    summary = [
        {
            "scenario": s,
            "seats": len(r.members),
            "vetoes": sum(1 for m in r.members if m["veto"]),
            "gini": r.gini_per_citizen,
            "gini_penrose": r.gini_penrose,
            "penrose_distance": r.penrose_distance,
            "method": r.method,
        }
        for s, r in ready
    ]
    return Comparison(done_scenarios, done_reports, groups, blocs, summary, pending)


def comparison_chart(comparison: Comparison) -> dict[str, Any]:
    labels = [g["name"] for g in comparison.groups]
    datasets = [
        charts.dataset(
            _("Population share"),
            [round(g["population_share"], 6) for g in comparison.groups],
            backgroundColor=charts.NEUTRAL,
        )
    ]
    for i, scenario in enumerate(comparison.scenarios):
        datasets.append(
            charts.dataset(
                scenario.name, [round(g["power"][i] or 0, 6) for g in comparison.groups], i
            )
        )
    return charts.bar_chart(labels, datasets)


SOURCE_NOTE = WORLDBANK_SOURCE
