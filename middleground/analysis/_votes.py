"""The participant x statement vote matrix (CSR), built in O(n) for the common cases."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp


@dataclass(frozen=True)
class VoteMatrix:
    """Latest vote per (participant, statement), rows in Polis's order.

    Rows are ordered by each participant's first vote time, ties (and exports without
    times) by participant id; columns by statement id. ``values`` are -1, 0, 1 (int8);
    a pass is an explicit 0, a missing vote is absent from the structure.
    """

    participant_ids: np.ndarray
    statement_ids: np.ndarray
    indptr: np.ndarray
    indices: np.ndarray
    values: np.ndarray

    @property
    def shape(self) -> tuple[int, int]:
        return (self.participant_ids.size, self.statement_ids.size)

    @property
    def row_counts(self) -> np.ndarray:
        return np.diff(self.indptr)

    def row_of_each_vote(self) -> np.ndarray:
        return np.repeat(np.arange(self.shape[0], dtype=np.int32), self.row_counts)

    def csr(self, data: np.ndarray) -> sp.csr_matrix:
        """A scipy CSR matrix sharing this structure, with the given per-vote data."""
        return sp.csr_matrix((data, self.indices, self.indptr), shape=self.shape, copy=False)


def _all_votes_valid(votes: np.ndarray) -> bool:
    if votes.dtype.kind in "iu":
        return bool(votes.min() >= -1 and votes.max() <= 1)
    return bool(((votes == -1) | (votes == 0) | (votes == 1)).all())


def _encode(ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(sorted unique ids, code of each element); O(n) for compact non-negative integers."""
    if ids.size and ids.dtype.kind in "iu":
        low = int(ids.min())
        high = int(ids.max())
        if low >= 0 and high <= 4 * ids.size + 1_000_000:
            present = np.zeros(high + 1, dtype=bool)
            present[ids] = True
            unique = np.flatnonzero(present)
            if unique.size == high + 1:  # ids are exactly 0..n-1: they are their own codes
                return unique, ids.astype(np.int32)
            lookup = (np.cumsum(present) - 1).astype(np.int32)
            return unique, lookup[ids]
    unique, codes = np.unique(ids, return_inverse=True)
    return unique, codes.astype(np.int32).ravel()


def _codes_in(known_sorted: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Index of each value in a sorted id array, -1 when absent (O(n) for compact ints)."""
    if values.size == 0:
        return np.zeros(0, dtype=np.int64)
    if known_sorted.size == 0:
        return np.full(values.size, -1, dtype=np.int64)
    if known_sorted.dtype.kind in "iu" and values.dtype.kind in "iu":
        low, high = int(known_sorted[0]), int(known_sorted[-1])
        if low == 0 and high == known_sorted.size - 1:  # ids 0..n-1 are their own codes
            codes = values.astype(np.int64)
            codes[(values < 0) | (values > high)] = -1
            return codes
        if low >= 0 and high <= 4 * values.size + 1_000_000:
            lookup = np.full(high + 1, -1, dtype=np.int64)
            lookup[known_sorted] = np.arange(known_sorted.size)
            inside = (values >= 0) & (values <= high)
            codes = np.full(values.size, -1, dtype=np.int64)
            codes[inside] = lookup[values[inside]]
            return codes
    position = np.minimum(np.searchsorted(known_sorted, values), known_sorted.size - 1)
    return np.where(known_sorted[position] == values, position, -1)


def build_vote_matrix(
    participant: Sequence[object] | np.ndarray,
    statement: Sequence[object] | np.ndarray,
    vote: Sequence[float] | np.ndarray,
    time: Sequence[float] | np.ndarray | None,
    statements: Sequence[object] | np.ndarray,
) -> VoteMatrix:
    """Build the vote matrix; later votes (by time, then input order) replace earlier ones."""
    participant = np.asarray(participant)
    statement = np.asarray(statement)
    vote_values = np.asarray(vote)
    if not (participant.shape == statement.shape == vote_values.shape) or participant.ndim != 1:
        raise ValueError("participant, statement and vote must be 1-D arrays of one length")
    if vote_values.size and vote_values.dtype.kind == "f" and not np.isfinite(vote_values).all():
        raise ValueError("votes must be finite")
    if vote_values.size and not _all_votes_valid(vote_values):
        raise ValueError("votes must be -1 (disagree), 0 (pass) or 1 (agree)")
    votes8 = vote_values.astype(np.int8, copy=False)
    times = None if time is None else np.asarray(time)
    if times is not None and times.shape != participant.shape:
        raise ValueError("time must have one entry per vote")

    statement_ids = np.unique(np.asarray(statements))
    if statement_ids.size != np.asarray(statements).size:
        raise ValueError("statement ids must be unique")
    column = _codes_in(statement_ids, statement)
    if (column < 0).any():
        raise ValueError(f"votes on unknown statement id {statement[column < 0][0]!r}")
    participant_ids, row = _encode(participant)
    n_rows, n_cols = participant_ids.size, statement_ids.size

    order: np.ndarray | None = None
    if times is not None and not _never_decreasing(times):
        order = np.argsort(times, kind="stable")
    if _sorted_without_repeats(row, column):
        # votes listed by participant then statement (a database's natural order): the
        # arrays already are the CSR structure
        indptr = np.zeros(n_rows + 1, dtype=np.int64)
        np.cumsum(np.bincount(row, minlength=n_rows), out=indptr[1:])
        matrix = sp.csr_matrix(
            ((votes8 + 2).astype(np.int8, copy=False), column.astype(np.int32), indptr),
            shape=(n_rows, n_cols),
            copy=False,
        )
    else:
        # data = vote + 2 keeps every entry non-zero, so summed duplicates are detectable
        matrix = sp.csr_matrix(
            ((votes8 + 2).astype(np.int8), (row, column)), shape=(n_rows, n_cols), dtype=np.int8
        )
        matrix.sum_duplicates()
    if matrix.nnz != votes8.size:
        keep = _latest_votes(row, column, n_cols, order)
        matrix = sp.csr_matrix(
            ((votes8[keep] + 2).astype(np.int8), (row[keep], column[keep])),
            shape=(n_rows, n_cols),
            dtype=np.int8,
        )
        matrix.sum_duplicates()
    if times is not None and n_rows:
        first_time = _first_times(row, times, order, n_rows)
        row_order = np.lexsort((np.arange(n_rows), first_time))
        if (row_order != np.arange(n_rows)).any():
            matrix = matrix[row_order]
            participant_ids = participant_ids[row_order]
    matrix.sort_indices()
    values = matrix.data
    values -= 2
    return VoteMatrix(
        participant_ids=participant_ids,
        statement_ids=statement_ids,
        indptr=matrix.indptr.astype(np.int64, copy=False),
        indices=matrix.indices.astype(np.int32, copy=False),
        values=values.astype(np.int8, copy=False),
    )


#: elements per step of the checks below (their temporaries stay in the CPU caches)
_STEP = 1 << 20


def _never_decreasing(values: np.ndarray) -> bool:
    """True when ``values[i + 1] >= values[i]`` everywhere."""
    for begin in range(0, values.size - 1, _STEP):
        stop = min(begin + _STEP, values.size - 1)
        if (values[begin + 1 : stop + 1] < values[begin:stop]).any():
            return False
    return True


def _sorted_without_repeats(row: np.ndarray, column: np.ndarray) -> bool:
    """True when rows never decrease and, within a row, columns strictly increase."""
    for begin in range(0, row.size - 1, _STEP):
        stop = min(begin + _STEP, row.size - 1)
        row_before, row_after = row[begin:stop], row[begin + 1 : stop + 1]
        if (row_after < row_before).any():
            return False
        same_row = row_after == row_before
        if (same_row & (column[begin + 1 : stop + 1] <= column[begin:stop])).any():
            return False
    return True


def _latest_votes(
    row: np.ndarray, column: np.ndarray, n_cols: int, order: np.ndarray | None
) -> np.ndarray:
    """Indices of the last vote (in time order, then input order) for each pair."""
    chronological = np.arange(row.size) if order is None else order
    keys = row[chronological].astype(np.int64) * n_cols + column[chronological]
    reversed_keys = keys[::-1]
    _, first_in_reversed = np.unique(reversed_keys, return_index=True)
    return chronological[::-1][first_in_reversed]


def _first_times(
    row: np.ndarray, times: np.ndarray, order: np.ndarray | None, n_rows: int
) -> np.ndarray:
    """Earliest vote time of each participant."""
    first = np.empty(n_rows, dtype=times.dtype)
    # assigning in reverse chronological order leaves each row's earliest time last
    if order is None:  # input order is chronological: reversed views, no copies
        first[row[::-1]] = times[::-1]
    else:
        first[row[order[::-1]]] = times[order[::-1]]
    return first


_PARALLEL_MIN_NNZ = 2_000_000
_pool: object = None


def _thread_pool() -> object:
    global _pool
    if _pool is None:
        from concurrent.futures import ThreadPoolExecutor

        _pool = ThreadPoolExecutor(max_workers=os.cpu_count() or 1)
    return _pool


class RowBlocks:
    """A CSR matrix split into row blocks of equal size, for multi-threaded products.

    scipy's sparse kernels release the GIL, so the blocks' products run on all cores.
    Small matrices (or one core) use a single block and no threads.
    """

    def __init__(self, matrix: sp.csr_matrix) -> None:
        n_rows = matrix.shape[0]
        n_threads = os.cpu_count() or 1
        if matrix.nnz < _PARALLEL_MIN_NNZ or n_threads == 1 or n_rows < 2 * n_threads:
            self.bounds = [0, n_rows]
        else:
            targets = matrix.nnz * np.arange(1, n_threads) / n_threads
            middle = np.searchsorted(matrix.indptr, targets).tolist()
            self.bounds = sorted({0, n_rows, *middle})
        self.blocks = [
            matrix
            if len(self.bounds) == 2
            else sp.csr_matrix(
                (
                    matrix.data[matrix.indptr[a] : matrix.indptr[b]],
                    matrix.indices[matrix.indptr[a] : matrix.indptr[b]],
                    matrix.indptr[a : b + 1] - matrix.indptr[a],
                ),
                shape=(b - a, matrix.shape[1]),
                copy=False,
            )
            for a, b in zip(self.bounds[:-1], self.bounds[1:], strict=True)
        ]
        self.shape = matrix.shape

    def _map(self, function: Any, items: list[Any]) -> list[Any]:
        if len(items) == 1:
            return [function(items[0])]
        pool = _thread_pool()
        return list(pool.map(function, items))  # type: ignore[attr-defined]

    def dot(self, block: np.ndarray) -> np.ndarray:
        """matrix @ block."""
        parts = self._map(lambda part: part @ block, self.blocks)
        return parts[0] if len(parts) == 1 else np.concatenate(parts, axis=0)

    def tdot(self, block: np.ndarray) -> np.ndarray:
        """matrix.T @ block, the transposes being CSC views (rows streamed in order)."""
        pieces = list(zip(self.blocks, self.bounds[:-1], self.bounds[1:], strict=True))
        parts = self._map(lambda item: item[0].T @ block[item[1] : item[2]], pieces)
        total = parts[0]
        for part in parts[1:]:
            total = total + part
        return total
