"""Opinion engine benchmark: middleground-analyze side by side with red-dwarf.

Each measurement is a separate process, timed as whole-process wall time (start-up,
imports, CSV loading, analysis, output), median of 3, with the process's own peak RSS
from ``os.wait4``. Ours runs the ``middleground-analyze`` CLI (bridging fit included);
red-dwarf runs ``reddwarf.implementations.polis.run_pipeline`` on the same export
(``benchmarks/_reddwarf_run.py``).

Cases: two real Polis conversations, a synthetic 20,000 x 2,000 conversation (about 2M
votes) and, ours only, a synthetic 1,000,000 x 10,000 one (about 50M votes) analysed
from arrays already in memory; with ``--huge-csv`` also from its 1.5 GB ``votes.csv``:
the loading alone and the whole CLI run, CSV to JSON (wall time and peak RSS, with the
load average beside each run, as the machine may be shared).

    .venv/bin/python benchmarks/opinion.py [--repeat 3] [--skip-huge] [--huge-csv]
        [--huge-only] [--data /work/shared/data/polis-opendata]

red-dwarf runs under ``MG_REDDWARF_PYTHON`` (an interpreter with red-dwarf 0.4.0, as for
``benchmarks/agreement.py``), else under this one.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
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
PEER_PYTHON = os.environ.get("MG_REDDWARF_PYTHON", PYTHON)


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
        [PEER_PYTHON, os.path.join(HERE, "_reddwarf_run.py"), export], repeat
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
        result["csv_bytes"] = os.path.getsize(os.path.join(export, "votes.csv"))
        code = (
            "import sys, time; t = time.perf_counter()\n"
            "from middleground.analysis.polis_io import read_export\n"
            f"e = read_export({export!r}); print(time.perf_counter() - t)\n"
        )
        loads = []
        for _ in range(repeat):
            before = os.getloadavg()[0]
            _, rss, output = run_measured([PYTHON, "-c", code])
            loads.append((float(output.strip()), rss, before))
        result["csv_load"] = loads
        out = os.path.join(work, "huge.json")
        whole = []
        for _ in range(repeat):
            before = os.getloadavg()[0]
            elapsed, rss, _ = run_measured([CLI, export, "--json", out])
            cpu = CPU_SECONDS[" ".join([CLI, export])][-1]
            whole.append((elapsed, rss, cpu, before))
        result["csv_to_json"] = whole
        shutil.rmtree(export)  # 1.5 GB
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--data", default=os.path.join(ROOT, "..", "shared", "data", "polis-opendata")
    )
    parser.add_argument("--skip-huge", action="store_true")
    parser.add_argument(
        "--huge-csv", action="store_true", help="also time the 50M-vote case from its CSV"
    )
    parser.add_argument("--huge-only", action="store_true", help="only the 1,000,000 x 10,000 case")
    args = parser.parse_args()
    print(f"Machine: {machine()}")
    rows = []
    with tempfile.TemporaryDirectory(prefix="mg-bench-") as work:
        names = () if args.huge_only else ("american-assembly.bowling-green", "vtaiwan.uberx")
        for name in names:
            rows.append(compare(name, os.path.join(args.data, name), args.repeat, work))
            print(_format(rows[-1]), flush=True)
        if not args.huge_only:
            synthetic = os.path.join(work, "synthetic-20k")
            n_votes = write_export(synthetic, 20_000, 2_000, 100)
            case = f"synthetic 20,000 x 2,000 ({n_votes:,} votes)"
            rows.append(compare(case, synthetic, args.repeat, work))
            print(_format(rows[-1]), flush=True)
        huge = None
        if not args.skip_huge:
            huge = huge_case(args.repeat, work, args.huge_csv)
    columns = ["case", "ours (s)", "ours peak RSS (MB)", "red-dwarf (s)"]
    columns += ["red-dwarf peak RSS (MB)", "speed-up", "CPU s ours / red-dwarf"]
    if rows:
        print()
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
        if "csv_load" in huge:
            size = f"{huge['csv_bytes'] / 1e9:.2f} GB"
            for label, key in (("loading alone", "csv_load"), ("CSV to JSON", "csv_to_json")):
                runs = huge[key]
                assert isinstance(runs, list)
                median = statistics.median(run[0] for run in runs)
                each = "; ".join(
                    f"{run[0]:.1f} s, {run[1]:.0f} MB"
                    + (f", CPU {run[2]:.1f} s" if len(run) == 4 else "")
                    + f", load average {run[-1]:.1f}"
                    for run in runs
                )
                print(
                    f"From its Polis votes.csv ({size}), {label}: median {median:.1f} s, "
                    f"best {min(run[0] for run in runs):.1f} s, peak RSS "
                    f"{max(run[1] for run in runs):.0f} MB (runs: {each})."
                )


def _format(row: dict[str, float | str]) -> str:
    return (
        f"{row['case']}: ours {row['ours_s']:.2f} s / {row['ours_mb']:.0f} MB, red-dwarf "
        f"{row['peer_s']:.2f} s / {row['peer_mb']:.0f} MB, {row['speedup']:.1f}x "
        f"(load average now {os.getloadavg()[0]:.1f})"
    )


if __name__ == "__main__":
    main()
