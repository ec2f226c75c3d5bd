"""Reading and validating Polis CSV exports (no Django, no pandas).

A Polis export directory holds ``comments.csv`` and ``votes.csv`` (or, for older
exports, only ``participants-votes.csv`` carrying the votes). Votes use agree = 1,
disagree = -1, pass = 0. Every problem raises :class:`PolisFormatError`, whose message is
``FILE:ROW: message`` (the header is row 1).

Examples
--------
>>> import os, tempfile
>>> folder = tempfile.mkdtemp()
>>> with open(os.path.join(folder, "comments.csv"), "w") as handle:
...     _ = handle.write("timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,"
...                      "comment-body\\n1,x,0,0,1,0,1,Hello\\n")
>>> with open(os.path.join(folder, "votes.csv"), "w") as handle:
...     _ = handle.write("timestamp,datetime,comment-id,voter-id,vote\\n5,x,0,7,1\\n")
>>> export = read_export(folder)
>>> export.votes.participant.tolist(), export.votes.vote.tolist()
([7], [1])
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np

from middleground.analysis._csv import (
    CsvError,
    IntegerColumn,
    physical_line,
    read_integer_columns,
    read_table,
)
from middleground.analysis._votes import _codes_in

__all__ = [
    "PolisExport",
    "PolisFormatError",
    "VoteColumns",
    "read_declared_groups",
    "read_export",
    "read_group_assignment",
]


class PolisFormatError(CsvError):
    """Invalid Polis export content; ``str(error)`` is ``FILE:ROW: message``."""


@dataclass(frozen=True)
class VoteColumns:
    """Votes as parallel arrays: who, on what, which vote (-1, 0, 1), when (or None)."""

    participant: np.ndarray
    statement: np.ndarray
    vote: np.ndarray
    time: np.ndarray | None


@dataclass(frozen=True)
class PolisExport:
    """The parts of a Polis export that the analysis needs."""

    statement_ids: np.ndarray
    moderated_out: np.ndarray  # statement ids with ``moderated == -1``
    meta: np.ndarray  # statement ids flagged ``is-meta``
    votes: VoteColumns
    group_informed_consensus: dict[int, float] | None  # Polis's own column, when present
    statement_text: dict[int, str]


_COMMENT_COLUMNS = ("comment-id", "moderated")
_PARTICIPANT_COLUMNS = ("participant", "group-id", "n-comments", "n-votes", "n-agree", "n-disagree")


def _wrap(error: CsvError) -> PolisFormatError:
    return PolisFormatError(error.path, error.row, error.message)


def read_export(directory: str) -> PolisExport:
    """Read a Polis export directory; raise :class:`PolisFormatError` on bad content."""
    try:
        return _read_export(directory)
    except PolisFormatError:
        raise
    except CsvError as error:
        raise _wrap(error) from None


def _require_columns(path: str, header: list[str], required: tuple[str, ...]) -> None:
    missing = [name for name in required if name not in header]
    if missing:
        raise PolisFormatError(path, 1, f"wrong header: missing column(s) {', '.join(missing)}")


def _read_export(directory: str) -> PolisExport:
    comments_path = os.path.join(directory, "comments.csv")
    if not os.path.isfile(comments_path):
        raise PolisFormatError(comments_path, 0, "file not found")
    comments = read_table(comments_path)
    _require_columns(comments_path, comments.header, _COMMENT_COLUMNS)
    statement_ids, _ = comments.integers(comments.column_index("comment-id"))
    if np.unique(statement_ids).size != statement_ids.size:
        duplicated = int(np.flatnonzero(_duplicated(statement_ids))[0])
        raise PolisFormatError(comments_path, duplicated + 2, "duplicate comment-id")
    moderated, _ = comments.integers(comments.column_index("moderated"))
    bad_moderation = ~np.isin(moderated, (-1, 0, 1))
    if bad_moderation.any():
        row = int(np.flatnonzero(bad_moderation)[0])
        raise PolisFormatError(comments_path, row + 2, "moderated must be -1, 0 or 1")
    meta = np.zeros(statement_ids.size, dtype=bool)
    if "is-meta" in comments.header:
        for row, text in enumerate(comments.strings(comments.column_index("is-meta"))):
            flag = text.strip().lower()
            if flag not in ("true", "false", ""):
                raise PolisFormatError(comments_path, row + 2, f"is-meta not a boolean: {text!r}")
            meta[row] = flag == "true"
    consensus: dict[int, float] | None = None
    if "group-informed-consensus" in comments.header:
        consensus = {}
        column = comments.column_index("group-informed-consensus")
        for row, text in enumerate(comments.strings(column)):
            if text.strip() == "":
                continue
            try:
                consensus[int(statement_ids[row])] = float(text)
            except ValueError:
                raise PolisFormatError(
                    comments_path, row + 2, f"group-informed-consensus not a number: {text!r}"
                ) from None
    texts: dict[int, str] = {}
    if "comment-body" in comments.header:
        bodies = comments.strings(comments.column_index("comment-body"))
        texts = {int(i): body for i, body in zip(statement_ids.tolist(), bodies, strict=True)}

    votes_path = os.path.join(directory, "votes.csv")
    if os.path.isfile(votes_path):
        votes = _read_votes(votes_path)
        source = votes_path
    else:
        source = os.path.join(directory, "participants-votes.csv")
        if not os.path.isfile(source):
            raise PolisFormatError(votes_path, 0, "file not found (nor participants-votes.csv)")
        votes = _read_participant_votes(source, statement_ids)
    unknown = _codes_in(np.sort(statement_ids), votes.statement) < 0
    if unknown.any():
        row = int(np.flatnonzero(unknown)[0])
        # participants-votes.csv names its statements in the header, checked there
        line = physical_line(source, row) if source == votes_path else 1
        raise PolisFormatError(source, line, f"unknown comment-id {int(votes.statement[row])}")
    return PolisExport(
        statement_ids=statement_ids,
        moderated_out=statement_ids[moderated == -1],
        meta=statement_ids[meta],
        votes=votes,
        group_informed_consensus=consensus,
        statement_text=texts,
    )


def _duplicated(values: np.ndarray) -> np.ndarray:
    _, first = np.unique(values, return_index=True)
    duplicated = np.ones(values.size, dtype=bool)
    duplicated[first] = False
    return duplicated


#: the columns of ``votes.csv`` the analysis reads, in VoteColumns order of use
_VOTE_READ = (
    IntegerColumn("timestamp"),
    IntegerColumn("comment-id", narrow=True),
    IntegerColumn("voter-id", narrow=True),
    IntegerColumn("vote", dtype=np.int8, allowed=(-1, 0, 1)),
)


def _read_votes(path: str) -> VoteColumns:
    """``votes.csv`` by pyarrow's multithreaded reader; ids are int32 when they fit."""
    try:
        time, statement, participant, vote = read_integer_columns(path, _VOTE_READ)
    except CsvError as error:
        raise _wrap(error) from None
    return VoteColumns(participant, statement, vote, time)


def _read_participant_votes(path: str, known_statements: np.ndarray) -> VoteColumns:
    table = read_table(path)
    header = table.header
    # newer exports add an ``xid`` column after ``participant``
    expected = [name for name in header[:7] if name != "xid"][:6]
    if tuple(expected) != _PARTICIPANT_COLUMNS:
        raise PolisFormatError(
            path, 1, "wrong header: expected " + ",".join(_PARTICIPANT_COLUMNS) + ",<comment ids>"
        )
    first_vote_column = header.index("n-disagree") + 1
    try:
        columns = np.array([int(name) for name in header[first_vote_column:]], dtype=np.int64)
    except ValueError:
        raise PolisFormatError(path, 1, "wrong header: comment columns must be ids") from None
    unknown = ~np.isin(columns, known_statements)
    if unknown.any():
        raise PolisFormatError(path, 1, f"unknown comment-id {int(columns[unknown][0])}")
    participants, _ = table.integers(0)
    values, present = table.integer_block(first_vote_column)
    bad = present & ((values < -1) | (values > 1))
    if bad.any():
        row, column = (int(x) for x in np.argwhere(bad)[0])
        raise PolisFormatError(
            path, row + 2, f"vote must be -1, 0 or 1, found {int(values[row, column])}"
        )
    rows, cols = np.nonzero(present)
    return VoteColumns(
        participant=participants[rows],
        statement=columns[cols],
        vote=values[rows, cols].astype(np.int8),
        time=None,
    )


def _check_known(path: str, participants: np.ndarray, known: np.ndarray | None) -> None:
    if known is None:
        return
    unknown = ~np.isin(participants, known)
    if unknown.any():
        row = int(np.flatnonzero(unknown)[0])
        raise PolisFormatError(path, row + 2, f"unknown participant id {int(participants[row])}")


def read_group_assignment(path: str, known: np.ndarray | None = None) -> dict[int, int]:
    """Polis's own group per participant, from a ``participants-votes.csv`` ``group-id``.

    Participants with an empty ``group-id`` (not in Polis's map) are left out. With
    ``known`` (participant ids of the export), an unknown participant is an error.
    """
    try:
        table = read_table(path)
        _require_columns(path, table.header, ("participant", "group-id"))
        participants, _ = table.integers(table.column_index("participant"))
        groups, present = table.integers(table.column_index("group-id"), allow_empty=True)
        _check_known(path, participants, known)
    except PolisFormatError:
        raise
    except CsvError as error:
        raise _wrap(error) from None
    return {int(p): int(g) for p, g, ok in zip(participants, groups, present, strict=True) if ok}


def read_declared_groups(path: str, known: np.ndarray | None = None) -> dict[int, str]:
    """Declared groups from a CSV ``participant,group`` (participant ids are integers)."""
    try:
        table = read_table(path)
        if table.header[:2] != ["participant", "group"]:
            raise PolisFormatError(path, 1, "wrong header: expected participant,group")
        participants, _ = table.integers(0)
        _check_known(path, participants, known)
        labels = table.strings(1)
    except PolisFormatError:
        raise
    except CsvError as error:
        raise _wrap(error) from None
    declared: dict[int, str] = {}
    for row, (participant, label) in enumerate(zip(participants.tolist(), labels, strict=True)):
        label = label.strip()
        if not label:
            raise PolisFormatError(path, row + 2, "empty group")
        if participant in declared and declared[participant] != label:
            raise PolisFormatError(path, row + 2, f"participant {participant} declared twice")
        declared[participant] = label
    return declared
