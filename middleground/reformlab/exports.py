"""CSV, JSON and PDF exports of a scenario's result and representation report."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from django.utils.translation import gettext as _

from middleground.core.pdf import Document

from .models import Scenario
from .reports import INDEX_LABELS, SOURCE_NOTE, Report


def _r(value: float | None, digits: int = 6) -> float | None:
    return None if value is None else round(value, digits)


def report_json(scenario: Scenario, report: Report, result: dict[str, Any]) -> dict[str, Any]:
    return {
        "scenario": {
            "slug": scenario.slug,
            "name": scenario.name,
            "body": scenario.body.name,
            "source": scenario.source,
            "rule": scenario.rule,
            "threshold_confirmed": scenario.threshold_confirmed,
            "threshold_note": scenario.threshold_note,
            "quotas": scenario.quotas,
            "alternatives": scenario.alternatives,
            "criteria": scenario.criteria,
        },
        "result": result,
        "representation": {
            "index": report.share_index,
            "population_year": report.population_year,
            "gdp_year": report.gdp_year,
            "gini_per_citizen": report.gini_per_citizen,
            "gini_penrose": report.gini_penrose,
            "penrose_distance": report.penrose_distance,
            "countries": report.countries,
            "regional_groups": report.groups,
            "blocs": report.blocs,
            "gdp_missing_for": report.missing_gdp,
        },
        "data_source": SOURCE_NOTE,
    }


def report_csv(report: Report) -> str:
    """One table: members with every index, then countries, regional groups and blocs."""
    out = io.StringIO()
    writer = csv.writer(out)
    names = report.index_names
    writer.writerow(["table", "id", "name", "category", "group", "veto", *names])
    for m in report.members:
        writer.writerow(
            ["member", m["id"], m["label"], m["category"], m["group"], int(m["veto"])]
            + [_r(m["values"][n], 10) for n in names]
        )
    writer.writerow([])
    writer.writerow(
        [
            "table",
            "id",
            "name",
            "power_share",
            "population_share",
            "population_ratio",
            "gdp_share",
            "gdp_ratio",
            "penrose_share",
        ]
    )
    for c in report.countries:
        writer.writerow(
            [
                "country",
                c["code"],
                c["name"],
                _r(c["power_share"], 8),
                _r(c["population_share"], 8),
                _r(c["population_ratio"], 4),
                _r(c["gdp_share"], 8),
                _r(c["gdp_ratio"], 4),
                _r(c["penrose_share"], 8),
            ]
        )
    for kind, entries in (("regional_group", report.groups), ("bloc", report.blocs)):
        for g in entries:
            writer.writerow(
                [
                    kind,
                    g["code"],
                    g["name"],
                    _r(g["power_share"], 8),
                    _r(g["population_share"], 8),
                    _r(g["population_ratio"], 4),
                    _r(g["gdp_share"], 8),
                    _r(g["gdp_ratio"], 4),
                    "",
                ]
            )
    return out.getvalue()


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.2f}%"


def report_pdf(scenario: Scenario, report: Report) -> bytes:
    doc = Document(_("Voting power brief: %(name)s") % {"name": scenario.name})
    doc.paragraph(f"{scenario.body.name}. {scenario.rule}")
    doc.paragraph(_("Source: %(source)s") % {"source": scenario.source or "—"})
    # as the page's note (partials/threshold_note.html): "reported, not confirmed" is about a
    # built-in body's published rule; a custom scenario's threshold is the one its author set
    if not scenario.builtin:
        doc.paragraph(
            scenario.threshold_note or _("Built in the reform lab: not the text of a proposal.")
        )
    elif not scenario.threshold_confirmed or scenario.threshold_note:
        label = _("Threshold reported, not confirmed") if not scenario.threshold_confirmed else ""
        doc.paragraph(f"{label}. {scenario.threshold_note}".strip(". "))
    doc.paragraph(
        _("Method: %(method)s (%(algorithm)s).")
        % {"method": report.method, "algorithm": report.algorithm}
    )
    doc.heading(_("Power per member"))
    names = [
        n for n in ("shapley_shubik", "banzhaf", "banzhaf_absolute") if n in report.index_names
    ]
    doc.table(
        [_("Member"), _("Veto"), *[INDEX_LABELS[n] for n in names]],
        [
            [m["label"], _("yes") if m["veto"] else "", *[f"{m['values'][n]:.4f}" for n in names]]
            for m in report.members
        ],
    )
    if report.groups:
        doc.heading(_("Per UN regional group"))
        doc.table(
            [_("Group"), _("Power share"), _("Population share"), _("GDP share"), _("Gap")],
            [
                [
                    g["name"],
                    _pct(g["power_share"]),
                    _pct(g["population_share"]),
                    _pct(g["gdp_share"]),
                    _pct(g["gap"]),
                ]
                for g in report.groups
            ],
        )
    if report.blocs:
        doc.heading(_("Per bloc"))
        doc.table(
            [_("Bloc"), _("Power share"), _("Population share"), _("GDP share")],
            [
                [
                    g["name"],
                    _pct(g["power_share"]),
                    _pct(g["population_share"]),
                    _pct(g["gdp_share"]),
                ]
                for g in report.blocs
            ],
        )
    if report.gini_per_citizen is not None:
        doc.heading(_("Representation of citizens"))
        doc.paragraph(
            _(
                "Gini coefficient of voting power per citizen: %(g).3f (0 is equal). "
                "Penrose view (power / square root of population): %(p).3f. Distance from the "
                "Penrose square-root distribution: %(d).3f."
            )
            % {"g": report.gini_per_citizen, "p": report.gini_penrose, "d": report.penrose_distance}
        )
    doc.paragraph(_("Data: %(source)s") % {"source": SOURCE_NOTE})
    return doc.to_bytes()


def dumps(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False)


def comparison_csv(comparison: Any) -> str:
    """Power share and gap (power minus population share) per regional group and bloc,
    one pair of columns per scenario."""
    out = io.StringIO()
    writer = csv.writer(out)
    header = ["table", "code", "name", "population_share", "gdp_share"]
    for scenario in comparison.scenarios:
        header += [f"{scenario.slug}:power_share", f"{scenario.slug}:gap"]
    writer.writerow(header)
    for kind, rows in (("regional_group", comparison.groups), ("bloc", comparison.blocs)):
        for row in rows:
            cells = [
                kind,
                row["code"],
                row["name"],
                _r(row["population_share"], 8),
                _r(row["gdp_share"], 8),
            ]
            for power, gap in row["cells"]:
                cells += [_r(power, 8), _r(gap, 8)]
            writer.writerow(cells)
    writer.writerow([])
    writer.writerow(
        [
            "summary",
            "scenario",
            "seats",
            "vetoes",
            "gini_per_citizen",
            "gini_penrose",
            "penrose_distance",
            "method",
        ]
    )
    for row in comparison.summary:
        writer.writerow(
            [
                "summary",
                row["scenario"].slug,
                row["seats"],
                row["vetoes"],
                _r(row["gini"]),
                _r(row["gini_penrose"]),
                _r(row["penrose_distance"]),
                row["method"],
            ]
        )
    return out.getvalue()
