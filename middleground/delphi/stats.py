"""Read-only statistics of a Delphi study, built on ``middleground.analysis.delphi``.

Everything here works on pseudonyms; nothing returned names a person. Per-group
statistics use the declared groups copied onto each pseudonym (regional group, blocs,
institution type) and report a group only with at least ``MIN_GROUP_SIZE`` answers.

An open round is seen only as of its last published batch (``services.publish_batch``):
every statistic of it reads the published copy of the answers, so it moves only when the
secretariat's answered list does, ``MIN_GROUP_SIZE`` people at a time.
"""

import hashlib
import random
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Max, QuerySet
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from middleground.analysis import delphi as core
from middleground.core import charts

from .models import Answer, Item, ItemKind, Panellist, Round, Study, StudyStatus
from .scales import rules_of, scale_of

MIN_GROUP_SIZE = 3
GROUP_ATTRIBUTES = ("regional_group", "blocs", "institution_type")
GROUP_NAMES = {
    "regional_group": _("UN regional group"),
    "blocs": _("Bloc"),
    "institution_type": _("Institution type"),
}
STATUS_NAMES = {
    "consensus": _("consensus"),
    "no_consensus": _("no consensus"),
    "insufficient_answers": _("too few answers for the rule"),
}
SCALAR = (ItemKind.LIKERT, ItemKind.NUMERIC)


def _band(rules: core.ConsensusRules | None) -> tuple[float, float] | None:
    if rules is not None and rules.percent_agreement is not None:
        return rules.percent_agreement[0], rules.percent_agreement[1]
    return None


def shown_answers(round: Round) -> QuerySet[Answer]:
    """The answers of a round that may be shown: all of a closed round; of an open round,
    those of the last published batch."""
    qs = Answer.objects.filter(round=round)
    if round.closed_at is None:
        qs = qs.filter(published_value__isnull=False)
    return qs


def _shown_fields(round: Round) -> tuple[str, str]:
    """The value and rationale columns a round is seen through."""
    if round.closed_at is None:
        return "published_value", "published_rationale"
    return "value", "rationale"


def answered(round: Round) -> QuerySet[Answer, int]:
    """The id of each panellist seen to have answered the round (see above)."""
    return shown_answers(round).order_by().values_list("panellist_id", flat=True).distinct()


def answers_of(item: Item, round: Round) -> dict[str, Any]:
    """``{pseudonym: value}`` for one item and round."""
    value, _rationale = _shown_fields(round)
    rows = shown_answers(round).filter(item=item).values_list("panellist__pseudonym", value)
    return dict(rows)


def _summary(values: list[float], item: Item, rules: core.ConsensusRules | None):
    return core.summarize_item(values, scale=scale_of(item), agreement_band=_band(rules))


def live_summary(item: Item, round: Round, exclude: Panellist | None = None):
    qs = shown_answers(round).filter(item=item)
    if exclude is not None:
        qs = qs.exclude(panellist=exclude)
    values = [float(v) for v in qs.values_list(_shown_fields(round)[0], flat=True)]
    if not values:
        return None
    return core.summarize_item(values, scale=scale_of(item))


def _num(x: float | None, digits: int = 2) -> float | None:
    return None if x is None else round(float(x), digits)


def _summary_dict(s: core.ItemSummary) -> dict[str, Any]:
    return {
        "n": s.n,
        "median": _num(s.median),
        "q1": _num(s.q1),
        "q3": _num(s.q3),
        "iqr": _num(s.iqr),
        "mean": _num(s.mean),
        "sd": _num(s.sd),
        "cv": _num(s.cv, 3),
        "percent_in_band": _num(s.percent_in_band, 1),
        "agreement_band": list(s.agreement_band) if s.agreement_band else None,
        "quantile_method": s.quantile_method,
    }


def _consensus_dict(res: core.ConsensusResult) -> dict[str, Any]:
    return {
        "reached": res.reached,
        "status": res.status,
        "status_name": str(STATUS_NAMES[res.status]),
        "rule": res.rule,
        "criteria": [
            {
                "name": c.name,
                "passed": c.passed,
                "value": _num(c.value),
                "threshold": c.threshold,
                "comparison": c.comparison,
                "description": c.description,
            }
            for c in res.criteria
        ],
    }


def _distribution_rows(item: Item, s: core.ItemSummary) -> list[dict[str, Any]]:
    d = s.distribution
    if d.kind == "points":
        labels = list(d.labels or [str(p) for p in d.points or ()])
        return [
            {"label": f"{p} · {labels[i]}" if labels[i] != str(p) else str(p), "count": c}
            for i, (p, c) in enumerate(zip(d.points or (), d.counts, strict=True))
        ]
    edges = d.edges or ()
    return [{"label": f"{edges[i]:g}–{edges[i + 1]:g}", "count": c} for i, c in enumerate(d.counts)]


def bar_chart(labels: list[str], datasets: list[tuple[str, list[Any]]], *, horizontal=False):
    """A count chart of named series (the core builder, legend only for several series)."""
    return charts.bar_chart(
        labels,
        [charts.dataset(name, data, i) for i, (name, data) in enumerate(datasets)],
        horizontal=horizontal,
        counts=True,
        legend=None,
    )


def _groups_result(pseudonyms: list[str], values: Any, groups: dict[str, dict], fn) -> list[dict]:
    out = []
    for attribute in GROUP_ATTRIBUTES:
        labels = [groups.get(p, {}).get(attribute) for p in pseudonyms]
        if not any(labels):
            continue
        res = core.by_group(values, labels, fn, min_group_size=MIN_GROUP_SIZE)
        for g in res.groups:
            row: dict[str, Any] = {
                "attribute": attribute,
                "attribute_name": str(GROUP_NAMES[attribute]),
                "group": str(g.label),
                "n": g.n,
            }
            row["status"] = g.status
            if g.status == "ok":
                row.update(g.result)
            out.append(row)
    return out


def _panel_groups(study: Study) -> dict[str, dict]:
    return dict(Panellist.objects.filter(study=study).values_list("pseudonym", "groups"))


def previous_round(round: Round) -> Round | None:
    return Round.objects.filter(study_id=round.study_id, number=round.number - 1).first()


def item_round(item: Item, round: Round, *, groups: bool = False) -> dict[str, Any]:
    """Statistics of one item in one round, as JSON-ready values."""
    study = item.study
    answers = answers_of(item, round)
    out: dict[str, Any] = {
        "item": item.pk,
        "round": round.number,
        "kind": item.kind,
        "n": len(answers),
        "consensus_reached": None,
        "stable": None,
    }
    rules = rules_of(item, study)
    if item.kind in SCALAR:
        pseudonyms = sorted(answers)
        values = [float(answers[p]) for p in pseudonyms]
        s = _summary(values, item, rules)
        out["summary"] = _summary_dict(s)
        rows = _distribution_rows(item, s)
        out["distribution"] = rows
        out["chart"] = bar_chart(
            [r["label"] for r in rows], [("answers", [r["count"] for r in rows])]
        )
        if rules is not None and values:
            c = core.evaluate_consensus(s, rules)
            out["consensus"] = _consensus_dict(c)
            out["consensus_reached"] = c.reached
        prev = previous_round(round)
        if prev is not None and item.asked_in(prev.number):
            before = {p: float(v) for p, v in answers_of(item, prev).items()}
            if before and answers:
                st = core.stability(
                    before,
                    {p: float(v) for p, v in answers.items()},
                    max_cv_change=study.max_cv_change,
                )
                out["stability"] = {
                    "stable": st.stable,
                    "reason": st.reason,
                    "cv_previous": _num(st.cv_previous, 3),
                    "cv_current": _num(st.cv_current, 3),
                    "cv_change": _num(st.cv_change, 3),
                    "wilcoxon": {
                        "status": st.wilcoxon.status,
                        "n_pairs": st.wilcoxon.n_pairs,
                        "p_value": _num(st.wilcoxon.p_value, 4),
                    },
                }
                out["stable"] = st.stable
                if groups:
                    paired = sorted(set(before) & set(answers))
                    if paired:
                        pairs = [[before[p], float(answers[p])] for p in paired]

                        def stab(sub):
                            gs = core.stability(
                                sub[:, 0], sub[:, 1], paired=True, max_cv_change=study.max_cv_change
                            )
                            return {"stable": gs.stable, "reason": gs.reason}

                        out["group_stability"] = _groups_result(
                            paired, pairs, _panel_groups(study), stab
                        )
        if groups and values:

            def fn(sub):
                gs = _summary([float(x) for x in sub], item, rules)
                row = {"median": _num(gs.median), "iqr": _num(gs.iqr)}
                if rules is not None:
                    status = core.evaluate_consensus(gs, rules).status
                    row["consensus"] = status
                    row["consensus_name"] = str(STATUS_NAMES[status])
                return row

            out["groups"] = _groups_result(pseudonyms, values, _panel_groups(study), fn)
    elif item.kind == ItemKind.PAIR:
        pseudonyms = sorted(answers)
        d = [answers[p]["desirability"] for p in pseudonyms]
        f = [answers[p]["feasibility"] for p in pseudonyms]
        scale = scale_of(item)
        assert scale is not None
        if pseudonyms:
            pair = core.summarize_pair(d, f, scale=scale, agreement_band=_band(rules))
            out["desirability"] = _summary_dict(pair.desirability)
            out["feasibility"] = _summary_dict(pair.feasibility)
            out["quadrant"] = pair.quadrant
            out["answer_quadrants"] = pair.answer_quadrants
            if rules is not None:
                cd = core.evaluate_consensus(pair.desirability, rules)
                cf = core.evaluate_consensus(pair.feasibility, rules)
                out["consensus"] = {
                    "desirability": _consensus_dict(cd),
                    "feasibility": _consensus_dict(cf),
                }
                out["consensus_reached"] = cd.reached and cf.reached
            dr = _distribution_rows(item, pair.desirability)
            fr = _distribution_rows(item, pair.feasibility)
            out["distribution"] = [
                {"label": a["label"], "desirability": a["count"], "feasibility": b["count"]}
                for a, b in zip(dr, fr, strict=True)
            ]
            out["chart"] = bar_chart(
                [r["label"] for r in dr],
                [
                    ("desirability", [r["count"] for r in dr]),
                    ("feasibility", [r["count"] for r in fr]),
                ],
            )
    elif item.kind == ItemKind.RANKING:
        options = item.options
        pseudonyms = sorted(answers)
        orderings = [answers[p] for p in pseudonyms]
        if orderings:
            ranks = core.ranks_from_orderings(orderings, [o["id"] for o in options])
            mean_ranks = [float(x) for x in ranks.mean(axis=0)]
            rows = [
                {"label": o["label"], "mean_rank": _num(m)}
                for o, m in sorted(zip(options, mean_ranks, strict=True), key=lambda t: t[1])
            ]
            out["distribution"] = rows
            out["chart"] = bar_chart(
                [r["label"] for r in rows],
                [("mean rank (1 = first)", [r["mean_rank"] for r in rows])],
                horizontal=True,
            )
            if len(orderings) >= 2:
                w = core.kendall_w(ranks)
                out["kendall"] = {
                    "w": _num(w.w, 3),
                    "chi2": _num(w.chi2, 3),
                    "df": w.df,
                    "p_value": _num(w.p_value, 4),
                }
            if groups:

                def kendall(sub):
                    gw = core.kendall_w(sub)
                    return {"kendall_w": _num(gw.w, 3), "p_value": _num(gw.p_value, 4)}

                out["groups"] = _groups_result(pseudonyms, ranks, _panel_groups(study), kendall)
    elif item.kind == ItemKind.TEXT:
        out["texts"] = shuffled([str(v) for v in answers.values()], item, round)
    return out


def shuffled(texts: list[str], item: Item, round: Round) -> list[str]:
    """A stable order that follows neither pseudonyms, time nor ids."""
    seed = hashlib.sha256(f"{settings.SECRET_KEY}:{item.pk}:{round.pk}".encode()).hexdigest()
    texts = sorted(texts)
    random.Random(seed).shuffle(texts)  # noqa: S311 - ordering only, not security
    return texts


def rationales(item: Item, round: Round, exclude: Panellist | None = None) -> list[str]:
    _value, rationale = _shown_fields(round)
    qs = shown_answers(round).filter(item=item).exclude(**{rationale: ""})
    if exclude is not None:
        qs = qs.exclude(panellist=exclude)
    return shuffled(list(qs.values_list(rationale, flat=True)), item, round)


FINISHED = (StudyStatus.CLOSED, StudyStatus.SUPERSEDED)
RESULTS_CACHE_SECONDS = 3600


def _finished_results_key(study: Study) -> str:
    """A cache key that changes with anything the results of a finished study are made of:
    its answers (an erasure removes some), its rounds and items, and the reader's language."""
    answers = Answer.objects.filter(round__study=study).aggregate(n=Count("id"), last=Max("id"))
    rounds = study.rounds.aggregate(n=Count("id"), last=Max("closed_at"))
    items = study.items.aggregate(n=Count("id"), last=Max("id"))
    parts = (study.pk, study.status, answers, rounds, items, get_language())
    return "delphi-results:" + hashlib.sha256(repr(parts).encode()).hexdigest()


def study_results(study: Study, *, groups: bool = True) -> list[dict[str, Any]]:
    """Per round, per item: statistics, consensus, stability and groups.

    A finished study's results no longer move, so they are computed once per language and
    kept in the cache: under load this page was the slowest to read (see docs/benchmarks.md).
    """
    if not (groups and study.status in FINISHED):
        return _study_results(study, groups=groups)
    key = _finished_results_key(study)
    results = cache.get(key)
    if results is None:
        results = _study_results(study, groups=groups)
        cache.set(key, results, RESULTS_CACHE_SECONDS)
    return results


def _study_results(study: Study, *, groups: bool) -> list[dict[str, Any]]:
    items = list(study.items.all())
    out = []
    for round in study.rounds.order_by("number"):
        rows = []
        # An open round's answers stay hidden until it closes (except in real-time mode,
        # where the live median and IQR are the method); what is shown of it moves only
        # in published batches, with the done/not-done list.
        hidden = round.closed_at is None and not study.is_realtime
        for item in items:
            if not item.asked_in(round.number):
                continue
            if hidden:
                stats = {"item": item.pk, "round": round.number, "kind": item.kind}
                stats["n"] = shown_answers(round).filter(item=item).count()
                stats.update(text=item.text, position=item.position, hidden=True, rationales=[])
                rows.append(stats)
                continue
            stats = item_round(item, round, groups=groups)
            stats["text"] = item.text
            stats["position"] = item.position
            stats["rationales"] = rationales(item, round)
            rows.append(stats)
        out.append(
            {
                "number": round.number,
                "opened_at": round.opened_at,
                "closed_at": round.closed_at,
                "is_open": round.is_open,
                "items": rows,
            }
        )
    return out


def export_rows(study: Study) -> list[dict[str, Any]]:
    """Anonymised answers of closed rounds: pseudonym, round, item and answer; no person,
    no time. An open round (real-time ones too) has aggregates only: rows per pseudonym
    changing while people answer would let anyone tie each new row to a person."""
    qs = Answer.objects.filter(round__study=study, round__closed_at__isnull=False)
    qs = qs.select_related("round", "item", "panellist").order_by(
        "round__number", "item__position", "item_id", "panellist__pseudonym"
    )
    return [
        {
            "pseudonym": a.panellist.pseudonym,
            "round": a.round.number,
            "item": a.item.position,
            "item_id": a.item_id,
            "kind": a.item.kind,
            "value": a.value,
            "rationale": a.rationale,
            "simulated": a.panellist.is_simulated,
        }
        for a in qs
    ]
