"""Opinion engine benchmark: middleground-analyze side by side with red-dwarf.

Each measurement is a separate process, timed as whole-process wall time (start-up,
imports, CSV loading, analysis, output), median of 3, with the process's own peak RSS
from ``os.wait4``. Ours runs the ``middleground-analyze`` CLI (bridging fit included);
red-dwarf runs ``reddwarf.implementations.polis.run_pipeline`` on the same export
(``benchmarks/_reddwarf_run.py``).

Cases: two real Polis conversations, a synthetic 20,000 x 2,000 conversation (about 2M
votes) and, ours only, a synthetic 1,000,000 x 10,000 one (about 50M votes) analysed
from arrays already in memory, with array loading and CSV loading reported apart.

    .venv/bin/python benchmarks/opinion.py [--repeat 3] [--skip-huge] [--huge-csv]
        [--data /work/shared/data/polis-opendata]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, ROOT)

from benchmarks._synthetic import synthetic_votes, write_export  # noqa: E402

PYTHON = sys.executable
CLI = os.path.join(os.path.dirname(PYTHON), "middleground-analyze")


CPU_SECONDS: dict[str, list[float]] = {}


def run_measured(argv: list[str]) -> tuple[float, float, str]:
    """(wall seconds, peak RSS in MB, stdout) of one child process; CPU time is logged."""
    start = time.perf_counter()
    process = subprocess.Popen(
        argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, cwd=ROOT, text=True
    )
    assert process.stdout is not None
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise RuntimeError(f"{argv} exited with {process.returncode}")
    CPU_SECONDS.setdefault(" ".join(argv[:2]), []).append(usage.ru_utime + usage.ru_stime)
    return elapsed, usage.ru_maxrss / 1024.0, output


def median_run(argv: list[str], repeat: int) -> tuple[float, float, str]:
    runs = [run_measured(argv) for _ in range(repeat)]
    times = [r[0] for r in runs]
    return statistics.median(times), max(r[1] for r in runs), runs[-1][2]


def machine() -> str:
    model = "unknown CPU"
    with open("/proc/cpuinfo") as handle:
        for line in handle:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as handle:
        total_kb = int(handle.readline().split()[1])
    blas = os.environ.get("OPENBLAS_CORETYPE")
    note = f", OPENBLAS_CORETYPE={blas}" if blas else ""
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return (
        f"{os.cpu_count()} cores (nproc), {model}, {total_kb / 1024 / 1024:.1f} GiB RAM, "
        f"Python {platform.python_version()}{note}; load average at start {load}"
    )


def compare(name: str, export: str, repeat: int, output_dir: str) -> dict[str, float | str]:
    out = os.path.join(output_dir, "out.json")
    CPU_SECONDS.clear()
    ours_time, ours_rss, _ = median_run([CLI, export, "--json", out], repeat)
    peer_time, peer_rss, _ = median_run(
        [PYTHON, os.path.join(HERE, "_reddwarf_run.py"), export], repeat
    )
    ours_cpu, peer_cpu = (statistics.median(v) for v in CPU_SECONDS.values())
    return {
        "ours_cpu": ours_cpu,
        "peer_cpu": peer_cpu,
        "case": name,
        "ours_s": ours_time,
        "ours_mb": ours_rss,
        "peer_s": peer_time,
        "peer_mb": peer_rss,
        "speedup": peer_time / ours_time,
    }


def huge_case(repeat: int, work: str, with_csv: bool) -> dict[str, object]:
    import numpy as np

    folder = os.path.join(work, "huge")
    os.makedirs(folder, exist_ok=True)
    participant, statement, vote = synthetic_votes(1_000_000, 10_000, 50)
    np.save(os.path.join(folder, "participant.npy"), participant)
    np.save(os.path.join(folder, "statement.npy"), statement)
    np.save(os.path.join(folder, "vote.npy"), vote)
    n_votes = int(vote.size)
    del participant, statement, vote
    runs = []
    for _ in range(repeat):
        elapsed, rss, output = run_measured(
            [PYTHON, os.path.join(HERE, "_analyze_arrays.py"), folder]
        )
        runs.append((json.loads(output), elapsed, rss))
    analyze_s = statistics.median(r[0]["analyze_s"] for r in runs)
    result: dict[str, object] = {
        "votes": n_votes,
        "analyze_s": analyze_s,
        "load_npy_s": statistics.median(r[0]["load_s"] for r in runs),
        "process_s": statistics.median(r[1] for r in runs),
        "load_after": os.getloadavg()[0],
        "peak_mb": max(r[2] for r in runs),
        "groups": runs[-1][0]["groups"],
    }
    if with_csv:
        export = os.path.join(work, "huge-export")
        write_export(export, 1_000_000, 10_000, 50)
        code = (
            "import sys, time; t = time.perf_counter()\n"
            "from middleground.analysis.polis_io import read_export\n"
            f"e = read_export({export!r}); print(time.perf_counter() - t)\n"
        )
        elapsed, rss, output = run_measured([PYTHON, "-c", code])
        result["csv_load_s"] = float(output.strip())
        result["csv_load_mb"] = rss
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--data", default=os.path.join(ROOT, "..", "shared", "data", "polis-opendata")
    )
    parser.add_argument("--skip-huge", action="store_true")
    parser.add_argument("--huge-csv", action="store_true", help="also time loading a 50M-vote CSV")
    args = parser.parse_args()
    print(f"Machine: {machine()}")
    rows = []
    with tempfile.TemporaryDirectory(prefix="mg-bench-") as work:
        for name in ("american-assembly.bowling-green", "vtaiwan.uberx"):
            rows.append(compare(name, os.path.join(args.data, name), args.repeat, work))
            print(_format(rows[-1]), flush=True)
        synthetic = os.path.join(work, "synthetic-20k")
        n_votes = write_export(synthetic, 20_000, 2_000, 100)
        rows.append(
            compare(f"synthetic 20,000 x 2,000 ({n_votes:,} votes)", synthetic, args.repeat, work)
        )
        print(_format(rows[-1]), flush=True)
        huge = None
        if not args.skip_huge:
            huge = huge_case(args.repeat, work, args.huge_csv)
    print()
    columns = ["case", "ours (s)", "ours peak RSS (MB)", "red-dwarf (s)"]
    columns += ["red-dwarf peak RSS (MB)", "speed-up", "CPU s ours / red-dwarf"]
    print("| " + " | ".join(columns) + " |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for row in rows:
        print(
            f"| {row['case']} | {row['ours_s']:.2f} | {row['ours_mb']:.0f} | {row['peer_s']:.2f} "
            f"| {row['peer_mb']:.0f} | {row['speedup']:.1f}x "
            f"| {row['ours_cpu']:.2f} / {row['peer_cpu']:.2f} |"
        )
    if huge is not None:
        print()
        print(
            f"Synthetic 1,000,000 x 10,000 ({huge['votes']:,} votes), ours only: analysis from "
            f"loaded arrays (bridging included) {huge['analyze_s']:.1f} s, peak RSS "
            f"{huge['peak_mb']:.0f} MB; loading the .npy arrays {huge['load_npy_s']:.1f} s; "
            f"whole process {huge['process_s']:.1f} s; groups {huge['groups']}; load average "
            f"after {huge['load_after']:.1f}."
        )
        if "csv_load_s" in huge:
            print(
                "Loading the same conversation from a Polis votes.csv: "
                f"{huge['csv_load_s']:.1f} s, peak RSS {huge['csv_load_mb']:.0f} MB."
            )


def _format(row: dict[str, float | str]) -> str:
    return (
        f"{row['case']}: ours {row['ours_s']:.2f} s / {row['ours_mb']:.0f} MB, red-dwarf "
        f"{row['peer_s']:.2f} s / {row['peer_mb']:.0f} MB, {row['speedup']:.1f}x "
        f"(load average now {os.getloadavg()[0]:.1f})"
    )


if __name__ == "__main__":
    main()
