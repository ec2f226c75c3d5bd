"""Synthetic conversations with a planted structure, written as Polis exports.

Participants belong to two blocs (60 / 40). Statements are partisan (60%: the aligned
bloc agrees 80%, the other 15%), consensus (10%: both agree 80%) or noise (30%: 50%).
About 15% of votes are passes. Each participant votes on a random set of statements
(no repeated votes), so the vote count is close to ``n_participants * votes_each``.
"""

from __future__ import annotations

import os

import numpy as np


def synthetic_votes(
    n_participants: int, n_statements: int, votes_each: int, seed: int = 0
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(participant, statement, vote) arrays: int32, int32, int8."""
    rng = np.random.default_rng(seed)
    bloc = (rng.random(n_participants) < 0.4).astype(np.int8)
    kind = rng.choice(3, size=n_statements, p=[0.6, 0.1, 0.3])  # partisan, consensus, noise
    side = rng.integers(0, 2, n_statements).astype(np.int8)
    participant_parts, statement_parts, vote_parts = [], [], []
    chunk = max(1, 2_000_000 // votes_each)
    for begin in range(0, n_participants, chunk):
        stop = min(begin + chunk, n_participants)
        rows = stop - begin
        chosen = rng.integers(0, n_statements, size=(rows, votes_each), dtype=np.int32)
        chosen.sort(axis=1)
        fresh = np.ones_like(chosen, dtype=bool)
        fresh[:, 1:] = chosen[:, 1:] != chosen[:, :-1]
        who = np.broadcast_to(np.arange(begin, stop, dtype=np.int32)[:, None], chosen.shape)
        who = who[fresh]
        what = chosen[fresh]
        statement_kind = kind[what]
        aligned = bloc[who] == side[what]
        p_agree = np.where(
            statement_kind == 0,
            np.where(aligned, 0.8, 0.15),
            np.where(statement_kind == 1, 0.8, 0.5),
        )
        draw = rng.random(what.size)
        passes = rng.random(what.size) < 0.15
        vote = np.where(passes, 0, np.where(draw < p_agree, 1, -1)).astype(np.int8)
        participant_parts.append(who)
        statement_parts.append(what)
        vote_parts.append(vote)
    return (
        np.concatenate(participant_parts),
        np.concatenate(statement_parts),
        np.concatenate(vote_parts),
    )


def write_export(directory: str, n_participants: int, n_statements: int, votes_each: int) -> int:
    """Write comments.csv and votes.csv; returns the number of votes."""
    os.makedirs(directory, exist_ok=True)
    participant, statement, vote = synthetic_votes(n_participants, n_statements, votes_each)
    with open(os.path.join(directory, "comments.csv"), "w") as handle:
        handle.write(
            "timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,comment-body\n"
        )
        for i in range(n_statements):
            handle.write(f"{1_600_000_000_000 + i},x,{i},0,0,0,1,Statement {i}\n")
    n = participant.size
    times = 1_600_000_000_000 + np.arange(n, dtype=np.int64)
    _write_votes(os.path.join(directory, "votes.csv"), times, statement, participant, vote)
    return n


def _write_votes(
    path: str, times: np.ndarray, statement: np.ndarray, participant: np.ndarray, vote: np.ndarray
) -> None:
    """votes.csv, unquoted as Polis writes it, by pyarrow's CSV writer in 5M-row blocks."""
    import pyarrow as pa
    import pyarrow.csv as pa_csv

    columns = ["timestamp", "datetime", "comment-id", "voter-id", "vote"]
    schema = pa.schema(
        [(columns[0], pa.int64()), (columns[1], pa.string())]
        + [
            (name, pa.from_numpy_dtype(a.dtype))
            for name, a in zip(columns[2:], (statement, participant, vote), strict=True)
        ]
    )
    options = pa_csv.WriteOptions(quoting_style="none", quoting_header="none")
    block = 5_000_000
    with pa_csv.CSVWriter(path, schema, write_options=options) as writer:
        for begin in range(0, times.size, block):
            stop = min(begin + block, times.size)
            datetime = pa.DictionaryArray.from_arrays(
                np.zeros(stop - begin, dtype=np.int8), pa.array(["x"])
            ).cast(pa.string())
            writer.write_table(
                pa.table(
                    [
                        times[begin:stop],
                        datetime,
                        statement[begin:stop],
                        participant[begin:stop],
                        vote[begin:stop],
                    ],
                    schema=schema,
                )
            )
