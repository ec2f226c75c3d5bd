"""Voting power: middleground.analysis.power side by side with PyPI ``powerindex``.

Run: ``.venv/bin/python benchmarks/power.py`` (``powerindex`` comes with the ``bench``
extra). Every measurement runs in its own process, so peak memory (``ru_maxrss``) belongs
to that computation alone; the table gives the peak and its increase over the process
after imports. Time is the best of the repeats (one run when a run takes over 10 s), as
wall-clock and as CPU time of the process (CPU time is steadier on a shared machine; it
adds up both cores when BLAS runs two threads).

Games
-----
* Security Council: weights 7 (x5) and 1 (x10), quota 39 (the veto game in one vector,
  since ``powerindex`` has no vetoes).
* EU Council, Lisbon double majority, 27 members with World Bank 2024 populations in
  persons, 15 members and 65% of the population, or any 24 members. ``powerindex`` has a
  single weight vector, so it gets the population criterion alone (populations in
  thousands, quota 65%) as the nearest game it can run.
* EU Council, Nice triple majority (EU-27 of 2007-2013): 255 of 345 votes, 14 members,
  62% of the population; ``powerindex`` gets the weighted votes alone.
* IMF-like: 190 members, integer votes summing to 100,000 = basic votes (5.502% shared
  equally) + the rest proportional to the latest GDP (World Bank, 2023 for most), by
  largest remainders; quotas 50% and 85%.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import resource
import subprocess
import sys
import time
from fractions import Fraction
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "middleground" / "reformlab" / "data"
TIMEOUT = 300


def imf_like_votes() -> list[int]:
    gdp: dict[str, float] = {}  # latest GDP per country (2023 for most)
    with open(DATA / "worldbank_2015_2024.csv", newline="") as handle:
        for row in csv.DictReader(handle):  # rows are sorted by country, then year
            if row["gdp_usd"]:
                gdp[row["iso3"]] = float(row["gdp_usd"])
    largest = sorted(gdp.values(), reverse=True)[:190]
    total_votes, basic_share = 100_000, Fraction(5502, 100_000)
    basic_pool = total_votes * basic_share
    gdp_total = sum(largest)
    exact = [
        basic_pool / 190 + (total_votes - basic_pool) * Fraction(g / gdp_total) for g in largest
    ]
    votes = [math.floor(v) for v in exact]
    order = sorted(range(190), key=lambda i: exact[i] - votes[i], reverse=True)
    for i in order[: total_votes - sum(votes)]:
        votes[i] += 1
    assert sum(votes) == total_votes
    return votes


def games() -> dict[str, dict[str, Any]]:
    scenarios = json.loads((DATA / "scenarios.json").read_text())["scenarios"]
    lisbon = next(s for s in scenarios if s["id"] == "eu-council-lisbon")
    nice = next(s for s in scenarios if s["id"] == "eu-council-nice")
    populations = [m["population"] for m in lisbon["members"]]
    thousands = [round(p / 1000) for p in populations]
    votes = imf_like_votes()
    unsc = {"weights": [7] * 5 + [1] * 10, "quota": 39}
    return {
        "Security Council (15)": {"ours": unsc, "peer": unsc},
        "EU-27 double majority": {
            "ours": {"game": lisbon["game"]},
            "peer": {"weights": thousands, "quota": math.ceil(sum(thousands) * 0.65)},
            "peer_note": "population criterion only, in thousands",
        },
        "EU-27 (2007-13) Nice triple majority": {
            "ours": {"game": nice["game"]},
            "peer": {"weights": [m["votes"] for m in nice["members"]], "quota": 255},
            "peer_note": "weighted votes only",
        },
        "IMF-like 190, quota 50%": {
            "ours": {"weights": votes, "quota": 50_000},
            "peer": {"weights": votes, "quota": 50_000},
        },
        "IMF-like 190, quota 85%": {
            "ours": {"weights": votes, "quota": 85_000},
            "peer": {"weights": votes, "quota": 85_000},
        },
    }


def worker(tool: str, spec: dict[str, Any], index: str, repeats: int) -> dict[str, Any]:
    """Run one computation in this process; report time, memory and values."""
    if tool == "ours":
        from middleground.analysis.power import WeightedGame, power_indices

        if "game" in spec:
            game = WeightedGame.from_dict(spec["game"])
        else:
            game = WeightedGame.from_weights(spec["weights"], spec["quota"])
        name = {"bz": "banzhaf", "ss": "shapley_shubik"}[index]

        def run() -> list[float]:
            result = power_indices(game, [name])
            return list(result[name].values())

    else:
        import powerindex

        def run() -> list[float]:
            return list(powerindex.calculate_power_index(spec["weights"], spec["quota"], index))

    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    best, best_cpu = math.inf, math.inf
    values: list[float] = []
    for _ in range(repeats):
        start, start_cpu = time.perf_counter(), time.process_time()
        values = run()
        elapsed = time.perf_counter() - start
        best, best_cpu = min(best, elapsed), min(best_cpu, time.process_time() - start_cpu)
        if elapsed > 10:
            break
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "seconds": best,
        "cpu_seconds": best_cpu,
        "peak_mb": peak / 1024,
        "delta_mb": (peak - baseline) / 1024,
        "values": values,
    }


def measure(tool: str, spec: dict[str, Any], index: str, repeats: int = 3) -> dict[str, Any]:
    """Run :func:`worker` in a fresh process, with a 6 GB address-space limit (so that a
    peer running out of memory fails fast instead of swapping the machine)."""
    command = [sys.executable, __file__, "--worker", tool, index, str(repeats)]
    started = time.perf_counter()
    try:
        done = subprocess.run(
            command,
            input=json.dumps(spec),
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return {"error": f"no result within {TIMEOUT} s"}
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["killed"])[-1]
        return {"error": f"{last[:60]} after {time.perf_counter() - started:.1f} s"}
    return json.loads(done.stdout)


def machine() -> str:
    cpu = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    memory_kb = next(
        int(line.split()[1])
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal")
    )
    cores = subprocess.run(["nproc"], capture_output=True, text=True, check=False).stdout.strip()
    python = sys.version.split()[0]
    return f"{cores} cores (nproc), {cpu}, {memory_kb / 1024**2:.1f} GiB RAM, Python {python}"


def show(result: dict[str, Any]) -> tuple[str, str]:
    if "error" in result:
        return ("fails", result["error"])
    return (
        f"{result['seconds']:.3f} s (cpu {result['cpu_seconds']:.3f})",
        f"{result['peak_mb']:.0f} MB (+{result['delta_mb']:.0f})",
    )


def main() -> None:
    print(f"Machine: {machine()}")
    print(
        "| game | index | middleground | memory (peak, +compute) | powerindex 0.3.5 "
        "| memory | speed-up | max abs diff |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for title, spec in games().items():
        for index, label in (("bz", "Banzhaf"), ("ss", "Shapley-Shubik")):
            ours = measure("ours", spec["ours"], index)
            peer = measure("peer", spec["peer"], index)
            ratio, diff = "-", "-"
            if "error" not in ours and "error" not in peer:
                ratio = (
                    f"{peer['seconds'] / ours['seconds']:.1f}x "
                    f"(cpu {peer['cpu_seconds'] / max(ours['cpu_seconds'], 1e-9):.1f}x)"
                )
                if "peer_note" not in spec:
                    pairs = zip(ours["values"], peer["values"], strict=True)
                    diff = f"{max(abs(a - b) for a, b in pairs):.1e}"
            note = f" ({spec['peer_note']})" if "peer_note" in spec else ""
            o_time, o_mem = show(ours)
            p_time, p_mem = show(peer)
            print(
                f"| {title} | {label} | {o_time} | {o_mem} | {p_time}{note} | {p_mem} "
                f"| {ratio} | {diff} |",
                flush=True,
            )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--worker", nargs=3, metavar=("TOOL", "INDEX", "REPEATS"))
    args = parser.parse_args()
    if args.worker:
        tool, index, repeats = args.worker
        limit = 6 * 1024**3
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        sys.path.insert(0, str(ROOT))
        print(json.dumps(worker(tool, json.loads(sys.stdin.read()), index, int(repeats))))
    else:
        main()
