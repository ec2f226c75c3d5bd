"""Time the analysis from arrays already in memory (the 1M x 10k benchmark case).

Usage: python _analyze_arrays.py FOLDER  (FOLDER holds participant.npy, statement.npy,
vote.npy). Prints one JSON line: seconds to load the arrays, seconds for the analysis
(bridging included) and the groups found.
"""

from __future__ import annotations

import json
import os
import sys
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # as the CLI does

import numpy as np  # noqa: E402


def main() -> None:
    folder = sys.argv[1]
    start = time.perf_counter()
    participant = np.load(os.path.join(folder, "participant.npy"))
    statement = np.load(os.path.join(folder, "statement.npy"))
    vote = np.load(os.path.join(folder, "vote.npy"))
    loaded = time.perf_counter()
    from middleground.analysis.opinion import analyze

    imported = time.perf_counter()
    n_statements = int(statement.max()) + 1
    result = analyze((participant, statement, vote), statements=np.arange(n_statements))
    done = time.perf_counter()
    print(
        json.dumps(
            {
                "load_s": loaded - start,
                "import_s": imported - loaded,
                "analyze_s": done - imported,
                "groups": [g.size for g in result.groups],
                "bridging_iterations": result.bridging.iterations,
                "votes": int(vote.size),
            }
        )
    )


if __name__ == "__main__":
    main()
