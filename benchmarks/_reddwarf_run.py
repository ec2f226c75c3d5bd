"""Run red-dwarf's Polis pipeline on a Polis export directory (the peer in opinion.py).

Reads the export with pandas (red-dwarf's own dependency), keeps the latest vote per
participant and statement (red-dwarf's pivot rejects repeats), then calls
``reddwarf.implementations.polis.run_pipeline`` with the moderated-out statements.
Runs under red-dwarf's own environment (``benchmarks/agreement.py``: ``MG_REDDWARF_PYTHON``).
"""

from __future__ import annotations

import json
import os
import sys

import pandas as pd
from reddwarf.implementations.polis import run_pipeline


def load_votes(directory: str) -> list[dict]:
    votes_path = os.path.join(directory, "votes.csv")
    if os.path.exists(votes_path):
        frame = pd.read_csv(votes_path, usecols=["timestamp", "comment-id", "voter-id", "vote"])
        frame = frame.sort_values("timestamp", kind="stable")
        frame = frame.drop_duplicates(["voter-id", "comment-id"], keep="last")
        frame = frame.rename(
            columns={
                "voter-id": "participant_id",
                "comment-id": "statement_id",
                "timestamp": "modified",
            }
        )
    else:
        wide = pd.read_csv(os.path.join(directory, "participants-votes.csv"))
        first = list(wide.columns).index("n-disagree") + 1
        frame = wide.melt(
            id_vars=["participant"], value_vars=list(wide.columns[first:]), var_name="statement_id"
        ).dropna()
        frame = frame.rename(columns={"participant": "participant_id", "value": "vote"})
        frame["statement_id"] = frame["statement_id"].astype(int)
        frame["modified"] = 0
    return frame[["participant_id", "statement_id", "vote", "modified"]].to_dict("records")


def main() -> None:
    directory = sys.argv[1]
    comments = pd.read_csv(os.path.join(directory, "comments.csv"))
    moderated = comments.loc[comments["moderated"] == -1, "comment-id"].astype(int).tolist()
    result = run_pipeline(
        votes=load_votes(directory), mod_out_statement_ids=moderated, random_state=0
    )
    assigned = result.participants_df["cluster_id"].dropna()
    print(f"red-dwarf groups={assigned.nunique()}", file=sys.stderr)
    if "--assignments" in sys.argv[2:]:  # participant -> group, for benchmarks/agreement.py
        print(json.dumps({str(p): int(g) for p, g in assigned.items()}))


if __name__ == "__main__":
    main()
