"""Agreement with Polis's own opinion groups: ours and red-dwarf's, side by side.

For every real Polis conversation we can read (the test fixtures, and the other openData
exports in ``../shared/data/polis-opendata`` when present), each engine computes groups
from the export alone and is compared with the ``group-id`` column of Polis's
``participants-votes.csv`` by the adjusted Rand index (ARI), over the participants that
Polis, our engine and red-dwarf all place in a group (the same participants for both).

Columns: Polis's k; ours with the default ``k_rule="polis"`` (k and ARI); ours with
``k_rule="best-silhouette"``; ours with k forced to Polis's k (what is left when k
agrees); red-dwarf 0.4.0 (``run_pipeline``, ``random_state=0``); and the smallest ARI
between our groups with seed 0 and with seeds 1..9. "tuned" marks the conversations the
k margin was set on (``K_MARGIN`` in ``middleground/analysis/_group_choice.py``).

red-dwarf runs in its own environment (it pins pandas and scikit-learn that the platform
does not need): ``MG_REDDWARF_PYTHON`` (default ``/tmp/rd-venv/bin/python``, made by
``python3.11 -m venv /tmp/rd-venv && /tmp/rd-venv/bin/pip install red-dwarf==0.4.0``).

    .venv/bin/python benchmarks/agreement.py
"""

from __future__ import annotations

import csv
import json
import os
import statistics
import subprocess
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, ROOT)

from middleground.analysis.opinion import analyze  # noqa: E402
from middleground.analysis.polis_io import read_export  # noqa: E402
from middleground.analysis.tests._polis_fixtures import (  # noqa: E402
    CONVERSATIONS,
    OUTSIDE_CONVERSATIONS,
    adjusted_rand_index,
    export_dir,
    within_group_sum_of_squares,
)

SHARED = os.path.join(os.path.dirname(ROOT), "shared", "data", "polis-opendata")
#: openData conversations in ../shared that are not test fixtures
SHARED_ONLY = (
    "scoop-hivemind.taxes",
    "football-concussions",
    "vtaiwan.uberx",
    "american-assembly.bowling-green",
)
#: the conversations K_MARGIN was chosen on; every other one is held out
TUNED = CONVERSATIONS
REDDWARF_PYTHON = os.environ.get("MG_REDDWARF_PYTHON", "/tmp/rd-venv/bin/python")
SEEDS = range(10)


def conversations() -> list[tuple[str, str]]:
    found = [(name, export_dir(name)) for name in (*CONVERSATIONS, *OUTSIDE_CONVERSATIONS)]
    for name in SHARED_ONLY:
        path = os.path.join(SHARED, name)
        if os.path.isdir(path):
            found.append((name, path))
    return found


def polis_groups(export: str) -> dict[str, int]:
    with open(os.path.join(export, "participants-votes.csv"), newline="") as handle:
        return {
            row["participant"]: int(row["group-id"])
            for row in csv.DictReader(handle)
            if row["group-id"] not in ("", None)
        }


def ours(export_data, **options) -> tuple[dict[str, int], int]:
    groups, k, _ = ours_with_map(export_data, **options)
    return groups, k


def ours_with_map(export_data, **options) -> tuple[dict[str, int], int, dict[str, tuple]]:
    votes = export_data.votes
    result = analyze(
        (votes.participant, votes.statement, votes.vote, votes.time),
        statements=export_data.statement_ids,
        moderated_out=export_data.moderated_out,
        meta=export_data.meta,
        bridging=False,
        **options,
    )
    groups = {
        str(pid): int(g)
        for pid, g in zip(
            result.participants.ids.tolist(), result.participants.group.tolist(), strict=True
        )
        if g >= 0
    }
    where = {
        str(pid): (x, y)
        for pid, x, y in zip(
            result.participants.ids.tolist(),
            result.participants.x.tolist(),
            result.participants.y.tolist(),
            strict=True,
        )
    }
    return groups, len(result.groups), where


def objective_ratio(reference: dict[str, int], forced: dict[str, int], where: dict) -> float:
    """k-means objective of Polis's groups in our final map over that of ours at Polis's k:
    near 1, Polis's groups are a k-means solution of the final data; far above, they are not
    (they were formed on earlier maps)."""
    among = sorted(set(reference) & set(forced))
    points = np.array([where[p] for p in among])
    theirs = np.array([reference[p] for p in among])
    mine = np.array([forced[p] for p in among])
    return within_group_sum_of_squares(points, theirs) / within_group_sum_of_squares(points, mine)


def red_dwarf(export: str) -> tuple[dict[str, int], int]:
    run = subprocess.run(
        [REDDWARF_PYTHON, os.path.join(HERE, "_reddwarf_run.py"), export, "--assignments"],
        check=True,
        capture_output=True,
        text=True,
    )
    groups = json.loads(run.stdout.strip().splitlines()[-1])
    return groups, len(set(groups.values()))


def ari(reference: dict[str, int], groups: dict[str, int], among: list[str]) -> float:
    return adjusted_rand_index(
        np.array([reference[p] for p in among]), np.array([groups[p] for p in among])
    )


def main() -> int:
    rows = []
    header = (
        "| conversation | set | participants | Polis k | ours k | ours ARI | best-silhouette k "
        "| its ARI | ours at Polis's k | Polis's objective / ours | red-dwarf k | red-dwarf ARI "
        "| seeds 0-9, min ARI |"
    )
    print(header)
    print("| --- | --- |" + " ---: |" * 11)
    started = time.perf_counter()
    for name, export in conversations():
        data = read_export(export)
        reference = polis_groups(export)
        polis_k = len(set(reference.values()))
        default, k_default = ours(data)
        best, k_best = ours(data, k_rule="best-silhouette")
        forced, _, where = ours_with_map(data, n_groups=polis_k)
        theirs, k_theirs = red_dwarf(export)
        among = sorted(set(reference) & set(default) & set(theirs))
        seeds = [ours(data, seed=seed)[0] for seed in SEEDS[1:]]
        seed_ari = min(ari(default, other, sorted(set(default) & set(other))) for other in seeds)
        row = {
            "name": name,
            "set": "tuned" if name in TUNED else "held out",
            "n": len(among),
            "polis_k": polis_k,
            "k": k_default,
            "ari": ari(reference, default, among),
            "best_k": k_best,
            "best_ari": ari(reference, best, among),
            "forced_ari": ari(reference, forced, sorted(set(among) & set(forced))),
            "rd_k": k_theirs,
            "rd_ari": ari(reference, theirs, among),
            "seed_ari": seed_ari,
            "objective": objective_ratio(reference, forced, where),
        }
        rows.append(row)
        print(
            f"| {name} | {row['set']} | {row['n']} | {polis_k} | {k_default} | {row['ari']:.3f} "
            f"| {k_best} | {row['best_ari']:.3f} | {row['forced_ari']:.3f} "
            f"| {row['objective']:.2f} | {k_theirs} "
            f"| {row['rd_ari']:.3f} | {seed_ari:.3f} |",
            flush=True,
        )
    for label, subset in (
        ("mean, tuned", [r for r in rows if r["set"] == "tuned"]),
        ("mean, held out", [r for r in rows if r["set"] == "held out"]),
        ("mean, all", rows),
    ):
        if not subset:
            continue

        def mean(key: str, subset: list[dict] = subset) -> float:
            return statistics.mean(r[key] for r in subset)

        same_k = sum(r["k"] == r["polis_k"] for r in subset)
        print(
            f"| {label} | | | | {same_k}/{len(subset)} = Polis's | {mean('ari'):.3f} | "
            f"{sum(r['best_k'] == r['polis_k'] for r in subset)}/{len(subset)} "
            f"| {mean('best_ari'):.3f} | {mean('forced_ari'):.3f} | "
            f"| {sum(r['rd_k'] == r['polis_k'] for r in subset)}/{len(subset)} "
            f"| {mean('rd_ari'):.3f} | {min(r['seed_ari'] for r in subset):.3f} |"
        )
    worst = min(rows, key=lambda r: r["ari"] - r["rd_ari"])
    print(
        f"\nlargest shortfall against red-dwarf: {worst['name']} "
        f"{worst['ari'] - worst['rd_ari']:+.3f}; {time.perf_counter() - started:.0f} s"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
