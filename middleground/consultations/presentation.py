"""Turn a stored analysis (the engine's JSON) into what the results page and the report show.

Pure functions on dicts: no queries beyond the statement texts passed in.
"""

from __future__ import annotations

import math
from collections import defaultdict
from typing import Any

from django.utils.translation import gettext as _

from middleground.analysis.declared import OTHER_LABEL
from middleground.core import charts

#: above this many placed participants the map shows binned base clusters, not points
MAP_POINT_LIMIT = 400
MAP_BINS = 24
TOP = 8


def _pct(part: int, whole: int) -> int:
    return round(100 * part / whole) if whole else 0


def _level(score: float | None, high: float, moderate: float) -> str:
    if score is None or not math.isfinite(score):
        return _("not enough data")
    if score >= high:
        return _("high")
    if score >= moderate:
        return _("moderate")
    return _("low")


def group_name(gid: Any) -> str:
    try:
        return _("Group %(letter)s") % {"letter": "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[int(gid) % 26]}
    except (TypeError, ValueError):
        return str(gid)


def declared_label(label: str) -> str:
    """A declared group's label as shown; the merged small groups get a translated name."""
    return _("other (small groups)") if label == OTHER_LABEL else label


def build(
    result: dict[str, Any], texts: dict[int, str], *, you: int | None = None
) -> dict[str, Any]:
    """Everything the results page needs from one stored result; ``you`` is the reader's
    participant number, marked on the opinion map."""
    statements = {s["id"]: s for s in result.get("statements", [])}
    live = [s for s in statements.values() if not s.get("moderated_out") and not s.get("meta")]

    def row(s: dict[str, Any]) -> dict[str, Any]:
        total = s["agrees"] + s["disagrees"] + s["passes"]
        return {
            "id": s["id"],
            "text": texts.get(s["id"], f"#{s['id']}"),
            "votes": total,
            "agree_pct": _pct(s["agrees"], total),
            "disagree_pct": _pct(s["disagrees"], total),
            "pass_pct": _pct(s["passes"], total),
        }

    # 1. group-informed consensus (Polis): product over groups of the smoothed agree rate
    gic = sorted(
        (s for s in live if s.get("group_informed_consensus") is not None),
        key=lambda s: -s["group_informed_consensus"],
    )[:TOP]
    n_groups = max(len(result.get("groups", [])), 1)
    group_informed = []
    for s in gic:
        item = row(s)
        value = s["group_informed_consensus"]
        item["score"] = round(value, 3)
        # the geometric mean per group is the typical group's agree rate
        per_group = value ** (1 / n_groups) if value > 0 else 0.0
        item["confidence"] = _level(item["votes"] * per_group, 15, 6)
        group_informed.append(item)

    # 2. bridging intercept (matrix factorisation): agreement not explained by the divide
    bridging = []
    for s in sorted(
        (s for s in live if s.get("bridging_intercept") is not None),
        key=lambda s: -s["bridging_intercept"],
    )[:TOP]:
        item = row(s)
        se = s.get("bridging_intercept_se")
        item["score"] = round(s["bridging_intercept"], 3)
        item["se"] = round(se, 3) if se is not None else None
        item["status"] = s.get("bridging_status") or ""
        ratio = (s["bridging_intercept"] / se) if se else None
        item["confidence"] = _level(ratio, 3.0, 1.64)
        bridging.append(item)

    # 3. declared groups: the lower credible bound of the agree rate in every counted group
    declared_raw = result.get("declared_groups") or {}
    declared_rows = []
    per_statement = {d["id"]: d["per_group"] for d in declared_raw.get("statements", [])}
    labels = [g["label"] for g in declared_raw.get("groups", [])]
    shown_groups = [
        {**g, "label": declared_label(g["label"])} for g in declared_raw.get("groups", [])
    ]
    for sid in declared_raw.get("consensus", {}).get("agree", []):
        if sid not in statements:
            continue
        item = row(statements[sid])
        lows = per_statement.get(sid, {})
        item["lower_bounds"] = [
            {
                "label": declared_label(label),
                "lower": round(lows[label]["agree_lower"] or 0, 2),
                "rate": round(lows[label]["agree_rate"] or 0, 2),
            }
            for label in labels
            if label in lows
        ]
        worst = min((b["lower"] for b in item["lower_bounds"]), default=None)
        item["score"] = worst
        item["confidence"] = _level(worst, 0.65, 0.5)
        declared_rows.append(item)
    declared = {
        "rows": declared_rows,
        "groups": shown_groups,
        "unattributed": declared_raw.get("unattributed_participants", 0),
        "threshold": declared_raw.get("threshold"),
        "credibility": declared_raw.get("credibility"),
        "min_group_size": declared_raw.get("min_group_size"),
        "available": bool(declared_raw),
    }

    # divisive: statements that spread the map most (Polis's extremity), excluding consensus
    consensus_ids = {r["id"] for r in group_informed[:3]}
    divisive = []
    for s in sorted(live, key=lambda s: -(s.get("extremity") or 0))[:TOP]:
        if s["id"] in consensus_ids or not s.get("extremity"):
            continue
        item = row(s)
        item["score"] = round(s["extremity"], 3)
        item["confidence"] = _level(item["votes"], 30, 10)
        divisive.append(item)
    divisive = divisive[:5]

    # what makes each group distinct (repness)
    groups = []
    for g in result.get("groups", []):
        gid = g["id"]
        distinct = []
        left_out = 0
        for sid in g.get("representative", []):
            s = statements.get(sid)
            if not s:
                continue
            rep = s.get("repness", {}).get(str(gid))
            if not rep:
                continue
            share = rep.get("p_success") or 0.0
            if share < 0.5:
                # "6% disagree" is not a position the group holds, only one it holds less
                # rarely than the others: left out, and the page says how many were
                left_out += 1
                continue
            ratio = rep.get("value")
            distinct.append(
                {
                    "id": sid,
                    "text": texts.get(sid, f"#{sid}"),
                    "side": rep["side"],
                    "pct": round(100 * share),
                    # the others' rate on the same side: the group's rate over the ratio
                    "others_pct": round(100 * share / ratio) if ratio else None,
                    "test": round(rep.get("test") or 0, 2),
                    "confidence": _level(rep.get("p_test"), 2.58, 1.28),
                }
            )
        groups.append(
            {
                "id": gid,
                "name": group_name(gid),
                "size": g["size"],
                "distinct": distinct,
                "left_out": left_out,
            }
        )

    silhouettes = result.get("silhouettes") or {}
    chosen = str(len(result.get("groups", [])))
    separation = silhouettes.get(chosen)
    # the three measures side by side, one row per statement that any of them ranks high
    by_id: dict[Any, dict[str, Any]] = {}
    for key, rows in (
        ("gic", group_informed),
        ("bridging", bridging),
        ("declared", declared_rows),
    ):
        for r in rows:
            entry = by_id.setdefault(r["id"], {**row(statements[r["id"]]), "gic": None})
            entry[key] = r
    for sid, entry in by_id.items():
        s = statements[sid]
        if entry.get("gic") is None and s.get("group_informed_consensus") is not None:
            entry["gic_score"] = round(s["group_informed_consensus"], 3)
        if "bridging" not in entry and s.get("bridging_intercept") is not None:
            se = s.get("bridging_intercept_se")
            entry["bridging_score"] = round(s["bridging_intercept"], 3)
            entry["bridging_se"] = round(se, 3) if se is not None else None
        if "declared" not in entry and sid in per_statement:
            lows = [v.get("agree_lower") for v in per_statement[sid].values()]
            lows = [x for x in lows if x is not None]
            entry["declared_low"] = round(min(lows), 2) if lows else None
    side_by_side = sorted(
        by_id.values(),
        key=lambda e: -(statements[e["id"]].get("group_informed_consensus") or 0),
    )
    return {
        "side_by_side": side_by_side,
        "group_informed": group_informed,
        "bridging": bridging,
        "declared": declared,
        "divisive": divisive,
        "groups": groups,
        "separation": round(separation, 2) if separation is not None else None,
        "separation_level": _level(separation, 0.5, 0.25),
        "k_choice": k_choice_view(result),
        "map": opinion_map(result, you=you),
        "timeline": timeline_chart(result.get("timeline", [])),
    }


def opinion_map(result: dict[str, Any], *, you: int | None = None) -> dict[str, Any]:
    """A Chart.js config (scatter, or bubbles of binned base clusters) and its table; the
    participant numbered ``you``, when placed, is a point of its own ("You")."""
    placed = [p for p in result.get("participants", []) if p.get("group") is not None]
    by_group: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for p in placed:
        if p.get("x") is not None and p.get("y") is not None:
            by_group[p["group"]].append(p)
    binned = len(placed) > MAP_POINT_LIMIT
    datasets = []
    table = []
    xs = [p["x"] for p in placed if p.get("x") is not None] or [0.0]
    ys = [p["y"] for p in placed if p.get("y") is not None] or [0.0]
    x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
    dx, dy = (x1 - x0) or 1.0, (y1 - y0) or 1.0
    for gid in sorted(by_group):
        points = by_group[gid]
        cx = sum(p["x"] for p in points) / len(points)
        cy = sum(p["y"] for p in points) / len(points)
        table.append(
            {"name": group_name(gid), "size": len(points), "x": round(cx, 2), "y": round(cy, 2)}
        )
        if binned:
            cells: dict[tuple[int, int], list[float]] = {}
            for p in points:
                i = min(int((p["x"] - x0) / dx * MAP_BINS), MAP_BINS - 1)
                j = min(int((p["y"] - y0) / dy * MAP_BINS), MAP_BINS - 1)
                cell = cells.setdefault((i, j), [0.0, 0.0, 0])
                cell[0] += p["x"]
                cell[1] += p["y"]
                cell[2] += 1
            data = [
                {
                    "x": round(sx / n, 3),
                    "y": round(sy / n, 3),
                    "r": round(2 + 2 * math.sqrt(n), 1),
                    "n": n,
                }
                for sx, sy, n in cells.values()
            ]
        else:
            data = [{"x": round(p["x"], 3), "y": round(p["y"], 3)} for p in points]
        # Coloured by group id, so a group keeps its colour whichever groups have points.
        datasets.append(charts.point_dataset(f"{group_name(gid)} ({len(points)})", data, gid))
    me = next(
        (p for p in placed if you is not None and p["id"] == you and p.get("x") is not None),
        None,
    )
    you_row = None
    if me is not None:
        you_row = {"group": group_name(me["group"]), "x": round(me["x"], 2), "y": round(me["y"], 2)}
        point = {"x": round(me["x"], 3), "y": round(me["y"], 3)}
        datasets.append(charts.you_dataset(_("You"), {**point, "r": 9} if binned else point))
    chart = charts.scatter_chart(
        datasets,
        bubble=binned,
        x_title=_("first component"),
        y_title=_("second component"),
    )
    return {
        "chart": chart,
        "table": table,
        "binned": binned,
        "placed": len(placed),
        "you": you_row,
    }


def k_choice_view(result: dict[str, Any]) -> dict[str, Any] | None:
    """Why the map has this many groups, in plain words, with each candidate's silhouette."""
    choice = result.get("k_choice")
    if not choice or choice.get("chosen") is None:
        return None
    rows = {c["k"]: c for c in choice.get("candidates", [])}
    values = {
        "k": choice["chosen"],
        "best": choice.get("best"),
        "margin": choice.get("margin"),
        "buffer": choice.get("buffer"),
        "n": choice.get("updates_best"),
        "s": _rounded(rows.get(choice["chosen"], {}).get("silhouette")),
        "sb": _rounded(rows.get(choice.get("best"), {}).get("silhouette")),
    }
    decided = choice.get("decided_by")
    if decided == "given":
        sentence = _("The groups were given with the data, not computed.")
    elif decided == "forced":
        sentence = _("%(k)s groups, as set for this analysis.") % values
    elif decided == "margin":
        sentence = (
            _(
                "%(k)s groups. %(best)s groups separate participants slightly better "
                "(silhouette %(sb)s against %(s)s), but by less than %(margin)s. Polis changes "
                "the number of groups only once a new number has been best for %(buffer)s "
                "updates running; a lead this small would not have lasted that long, so the "
                "smaller number is kept."
            )
            % values
        )
    elif decided == "smoothing":
        sentence = (
            _(
                "%(k)s groups. %(best)s groups now separate participants better (silhouette "
                "%(sb)s against %(s)s), for %(n)s update(s) running; as in Polis, the number "
                "of groups changes once a new number has been best for %(buffer)s updates "
                "running."
            )
            % values
        )
    else:
        sentence = (
            _(
                "%(k)s groups: of the numbers of groups tried, this one separates participants "
                "best (silhouette %(s)s)."
            )
            % values
        )
    outcomes = {
        "chosen": _("shown"),
        "lower": _("separates less well"),
        "tie": _("separates as well (the larger number wins a tie)"),
        "within-margin": _("separates better, by less than the margin"),
        "not-yet-stable": _("separates better, not yet for %(buffer)s updates running") % values,
        "below-best": _("separates better than the number shown, less well than the best"),
    }
    table = [
        {
            "k": c["k"],
            "silhouette": _rounded(c.get("silhouette")),
            "outcome": outcomes.get(c.get("outcome"), c.get("outcome")),
            "chosen": c.get("outcome") == "chosen",
        }
        for c in choice.get("candidates", [])
    ]
    return {"sentence": sentence, "rows": table if decided not in ("given",) else []}


def _rounded(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


def timeline_chart(rows: list[dict[str, Any]]) -> dict[str, Any]:
    total_votes = total_people = 0
    cumulative = []
    for r in rows:
        total_votes += r["votes"]
        total_people += r["participants"]
        cumulative.append({**r, "total_votes": total_votes, "total_participants": total_people})
    chart = charts.line_chart(
        [r["day"] for r in cumulative],
        [
            {
                "label": _("votes (cumulative)"),
                "data": [r["total_votes"] for r in cumulative],
                "yAxisID": "y",
            },
            {
                "label": _("participants (cumulative)"),
                "data": [r["total_participants"] for r in cumulative],
                "yAxisID": "y1",
            },
        ],
        scales={
            "y": {"position": "left", "beginAtZero": True},
            "y1": {"position": "right", "beginAtZero": True},
        },
    )
    return {"chart": chart, "rows": cumulative}
