"""Agreement with Polis's own opinion groups: ours and red-dwarf's, side by side.

For each real Polis conversation in the test fixtures (five from ../shared and the
outside ones), both engines compute groups from the export alone; each is compared with
the ``group-id`` column of Polis's ``participants-votes.csv`` by the adjusted Rand index
(ARI) over the participants that both place in a group. Why ARI stays far below 1 on
some conversations (Polis's stored groups come from earlier maps):
``test_which_polis_groups_are_a_kmeans_solution_of_the_final_map``.

    .venv/bin/python benchmarks/agreement.py   # needs the bench extras (red-dwarf)
"""

from __future__ import annotations

import csv
import json
import os
import statistics
import subprocess
import sys
import tempfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, ROOT)

from middleground.analysis.tests._polis_fixtures import (  # noqa: E402
    CONVERSATIONS,
    OUTSIDE_CONVERSATIONS,
    adjusted_rand_index,
    export_dir,
)

CLI = os.path.join(os.path.dirname(sys.executable), "middleground-analyze")


def polis_groups(export: str) -> dict[str, int]:
    with open(os.path.join(export, "participants-votes.csv"), newline="") as handle:
        return {
            row["participant"]: int(row["group-id"])
            for row in csv.DictReader(handle)
            if row["group-id"] not in ("", None)
        }


def ours(export: str) -> dict[str, int]:
    with tempfile.TemporaryDirectory() as work:
        out = os.path.join(work, "out.json")
        subprocess.run([CLI, export, "--json", out, "--seed", "0"], check=True)
        with open(out) as handle:
            participants = json.load(handle)["participants"]
    return {str(p["id"]): p["group"] for p in participants if p["group"] is not None}


def red_dwarf(export: str) -> dict[str, int]:
    run = subprocess.run(
        [sys.executable, os.path.join(HERE, "_reddwarf_run.py"), export, "--assignments"],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(run.stdout.strip().splitlines()[-1])


def ari(reference: dict[str, int], groups: dict[str, int]) -> tuple[float, int]:
    both = sorted(set(reference) & set(groups))
    first = np.array([reference[p] for p in both])
    second = np.array([groups[p] for p in both])
    return adjusted_rand_index(first, second), len(both)


def main() -> int:
    rows = []
    print("| conversation | source | ours ARI (participants) | red-dwarf ARI (participants) |")
    print("| --- | --- | ---: | ---: |")
    for name in (*CONVERSATIONS, *OUTSIDE_CONVERSATIONS):
        export = export_dir(name)
        reference = polis_groups(export)
        (a, n_a), (b, n_b) = ari(reference, ours(export)), ari(reference, red_dwarf(export))
        source = "outside ../shared" if name in OUTSIDE_CONVERSATIONS else "../shared"
        print(f"| {name} | {source} | {a:.3f} ({n_a}) | {b:.3f} ({n_b}) |")
        rows.append((name, a, b))
    for label, subset in (
        ("mean, the five in ../shared", [r for r in rows if r[0] in CONVERSATIONS]),
        ("mean, all", rows),
    ):
        mean_a = statistics.mean(r[1] for r in subset)
        mean_b = statistics.mean(r[2] for r in subset)
        print(f"| {label} | | {mean_a:.3f} | {mean_b:.3f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
