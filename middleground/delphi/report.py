"""The panel report (HTML and PDF): the pre-registered rules first, then the results."""

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from middleground.analysis.delphi import QUANTILE_METHODS
from middleground.core.pdf import Document, readable_datetime
from middleground.translations.display import translated_map, translated_text, translation_notice

from . import scales, stats
from .models import Study


def add_shown_texts(study: Study, rounds: list[dict[str, Any]]) -> None:
    """Give each item row of ``rounds`` its text as the reader sees it (``row["shown"]``):
    the translation into their language where the study's editors entered one."""
    texts = translated_map(study.items.select_related("study"), "text")
    for r in rounds:
        for row in r["items"]:
            row["shown"] = texts[row["item"]]


def context(study: Study) -> dict[str, Any]:
    rounds = stats.study_results(study)
    add_shown_texts(study, rounds)
    final: dict[int, dict] = {}
    for r in rounds:
        for row in r["items"]:
            if not row.get("hidden"):
                final[row["item"]] = {**row, "last_round": r["number"]}
    return {
        "study": study,
        "rules_text": scales.rules_sentence(study.rules),
        "rules": study.rules,
        "quantile_method": QUANTILE_METHODS["linear"],
        "rounds": rounds,
        "final": [final[k] for k in sorted(final, key=lambda k: final[k]["position"])],
        "panel_size": study.panellists.count(),
        "min_group_size": stats.MIN_GROUP_SIZE,
    }


def _status(row: dict) -> str:
    if row.get("consensus_reached") is True:
        return _("consensus")
    if row.get("consensus_reached") is False:
        return _("no consensus")
    return "—"


def _column_label(key: str) -> str:
    """A distribution column's heading in words, not its key."""
    labels = {
        "label": _("Answer"),
        "count": _("Count"),
        "mean_rank": _("Mean rank"),
        "desirability": _("Desirability"),
        "feasibility": _("Feasibility"),
    }
    return str(labels.get(key, key.replace("_", " ").capitalize()))


def pdf(study: Study) -> bytes:
    ctx = context(study)
    title, question = (translated_text(study, f) for f in ("title", "question"))
    doc = Document(_("Delphi panel report: %(t)s") % {"t": title.text})
    if study.is_simulated:
        doc.paragraph(_("SIMULATED DATA: the answers in this study were generated for a demo."))
    doc.paragraph(question.text)
    shown = [row["shown"] for r in ctx["rounds"] for row in r["items"]]
    notice = translation_notice([title, question, *shown])
    if notice:
        doc.paragraph(notice)
    doc.heading(_("Pre-registered consensus rules"))
    locked = study.rules_locked_at
    doc.paragraph(
        _("%(rule)s. Fixed at launch on %(date)s and not changed afterwards.")
        % {"rule": ctx["rules_text"], "date": readable_datetime(locked)}
    )
    if study.version > 1:
        doc.paragraph(
            _("Version %(v)s. Why the rules changed: %(note)s")
            % {"v": study.version, "note": study.version_note}
        )
    doc.paragraph(
        _(
            "Quartiles: %(method)s. Stability: change of the coefficient of variation at most "
            "%(cv)s and a Wilcoxon signed-rank test on paired answers (p ≥ 0.05) where at "
            "least 6 answers changed. Groups with fewer than %(k)s answers are not reported."
        )
        % {"method": ctx["quantile_method"], "cv": study.max_cv_change, "k": ctx["min_group_size"]}
    )
    doc.paragraph(
        ngettext(
            "Panel: %(n)s members, %(r)s round. %(stop)s",
            "Panel: %(n)s members, %(r)s rounds. %(stop)s",
            len(ctx["rounds"]),
        )
        % {"n": ctx["panel_size"], "r": len(ctx["rounds"]), "stop": study.stop_reason}
    )
    doc.heading(_("Final status per item"))
    rows = []
    for row in ctx["final"]:
        s = row.get("summary") or row.get("desirability") or {}
        rows.append(
            [
                row["position"],
                row["shown"].text,
                row["last_round"],
                row["n"],
                s.get("median", "—"),
                s.get("iqr", "—"),
                _status(row),
            ]
        )
    doc.table([_("Item"), _("Statement"), _("Round"), "n", _("Median"), "IQR", _("Status")], rows)
    for r in ctx["rounds"]:
        doc.heading(_("Round %(n)s") % {"n": r["number"]})
        for row in r["items"]:
            doc.subheading(f"{row['position']}. {row['shown'].text}")
            if row.get("hidden"):
                doc.paragraph(_("Open round: results are shown when it closes."))
                continue
            dist = row.get("distribution") or []
            if dist:
                keys = list(dist[0].keys())
                doc.table([_column_label(k) for k in keys], [[d[k] for k in keys] for d in dist])
            stab = row.get("stability")
            if stab:
                doc.paragraph(_("Stability: %(r)s") % {"r": stab["reason"]})
            if row.get("kendall"):
                k = row["kendall"]
                doc.paragraph(
                    f"Kendall's W = {k['w']}, χ² = {k['chi2']}, df = {k['df']}, p = {k['p_value']}"
                )
    return doc.to_bytes()
