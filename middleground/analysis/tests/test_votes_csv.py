"""Loading a Polis votes.csv with pyarrow: the arrays, the latest-vote rule, bad rows."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from middleground.analysis import _csv
from middleground.analysis._votes import build_vote_matrix
from middleground.analysis.polis_io import PolisFormatError, read_export

COMMENTS = (
    "timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,comment-body\n"
    "1,x,0,0,1,0,1,Hello\n1,x,1,0,1,0,1,World\n1,x,2,0,1,0,1,Again\n"
)
HEADER = "timestamp,datetime,comment-id,voter-id,vote\n"


def _export(tmp_path, votes: str | bytes):
    (tmp_path / "comments.csv").write_text(COMMENTS)
    path = tmp_path / "votes.csv"
    if isinstance(votes, str):
        path.write_text(votes)
    else:
        path.write_bytes(votes)
    return tmp_path, str(path)


def _error(tmp_path, votes: str | bytes) -> tuple[str, int, str]:
    folder, path = _export(tmp_path, votes)
    with pytest.raises(PolisFormatError) as caught:
        read_export(str(folder))
    error = caught.value
    assert str(error) == f"{error.path}:{error.row}: {error.message}"
    return error.path, error.row, error.message


@pytest.fixture(params=[_csv._BLOCK_SIZE, 64], ids=["one-block", "many-blocks"])
def block_size(request, monkeypatch):
    """Each test also runs with 64-byte blocks: many pyarrow chunks and line-count blocks."""
    monkeypatch.setattr(_csv, "_BLOCK_SIZE", request.param)
    return request.param


def test_it_reads_the_four_columns_as_arrays(tmp_path, block_size):
    rows = "".join(f"{1000 + i},Mon Jul 1 2024,{i % 3},{i // 3},{(i % 3) - 1}\n" for i in range(30))
    folder, _ = _export(tmp_path, HEADER + rows)
    votes = read_export(str(folder)).votes
    assert votes.time.tolist() == [1000 + i for i in range(30)]
    assert votes.statement.tolist() == [i % 3 for i in range(30)]
    assert votes.participant.tolist() == [i // 3 for i in range(30)]
    assert votes.vote.tolist() == [(i % 3) - 1 for i in range(30)]
    assert votes.vote.dtype == np.int8 and votes.time.dtype == np.int64
    # ids that fit are int32 (half the memory of the 50M-vote case)
    assert votes.participant.dtype == np.int32 and votes.statement.dtype == np.int32


def test_it_keeps_ids_beyond_int32_exactly(tmp_path, block_size):
    big = 2**40 + 7
    folder, _ = _export(tmp_path, HEADER + f"5,x,0,{big},1\n6,x,1,3,-1\n")
    votes = read_export(str(folder)).votes
    assert votes.participant.dtype == np.int64
    assert votes.participant.tolist() == [big, 3]


def test_bom_crlf_quotes_and_blank_lines_read_as_plain_text(tmp_path, block_size):
    plain = HEADER + "5,x,0,7,1\n6,x,1,7,-1\n7,x,2,8,0\n"
    folder, _ = _export(tmp_path, plain)
    expected = read_export(str(folder)).votes
    odd = (
        b"\xef\xbb\xbf"
        + HEADER.replace("\n", "\r\n").encode()
        + b'5,"Tue, 1 Jul",0,7,1\r\n\r\n6,x,1,"7",-1\r\n7,x,2,8,0'  # no final line end
    )
    folder, _ = _export(tmp_path, odd)
    votes = read_export(str(folder)).votes
    for name in ("time", "statement", "participant", "vote"):
        assert getattr(votes, name).tolist() == getattr(expected, name).tolist(), name


def test_a_header_only_file_has_no_votes(tmp_path):
    folder, _ = _export(tmp_path, HEADER)
    votes = read_export(str(folder)).votes
    assert votes.participant.size == votes.vote.size == votes.time.size == 0


def test_the_latest_vote_by_time_wins_whatever_the_file_order(tmp_path, block_size):
    # participant 7 votes on statement 0 three times; the file lists them out of time order
    rows = "30,x,0,7,-1\n10,x,0,7,1\n20,x,0,7,0\n15,x,1,8,1\n15,x,1,8,-1\n"
    folder, _ = _export(tmp_path, HEADER + rows)
    export = read_export(str(folder))
    votes = export.votes
    matrix = build_vote_matrix(
        votes.participant, votes.statement, votes.vote, votes.time, export.statement_ids
    )
    cells = {
        (int(matrix.participant_ids[row]), int(matrix.statement_ids[column])): int(value)
        for row, column, value in zip(
            matrix.row_of_each_vote(), matrix.indices, matrix.values, strict=True
        )
    }
    # time 30 is the latest for (7, 0); equal times keep the later line of the file
    assert cells == {(7, 0): -1, (8, 1): -1}
    # rows in order of first vote: participant 7 first voted at 10, participant 8 at 15
    assert matrix.participant_ids.tolist() == [7, 8]


def test_rows_follow_first_vote_times_in_a_chronological_file(tmp_path, block_size):
    # the file is in time order; 9 votes first (time 1) and last (time 3), 3 in between
    folder, _ = _export(tmp_path, HEADER + "1,x,0,9,1\n2,x,0,3,1\n3,x,1,9,-1\n3,x,0,9,0\n")
    export = read_export(str(folder))
    votes = export.votes
    matrix = build_vote_matrix(
        votes.participant, votes.statement, votes.vote, votes.time, export.statement_ids
    )
    assert matrix.participant_ids.tolist() == [9, 3]
    assert matrix.values.tolist() == [0, -1, 1]  # 9's later vote on 0 replaced its agree


# --- bad rows: file, line, field ---------------------------------------------------------


def test_a_missing_column_is_named_on_line_1(tmp_path):
    path, line, message = _error(tmp_path, "timestamp,datetime,comment-id,voter\n1,x,0,7\n")
    assert path.endswith("votes.csv") and line == 1
    assert message == "wrong header: missing column(s) voter-id, vote"


def test_an_empty_file_is_an_error_on_line_1(tmp_path):
    for content in ("", "\n\n"):
        _, line, message = _error(tmp_path, content)
        assert (line, message) == (1, "empty file, expected a header row")


@pytest.mark.parametrize(
    "bad_row, message",
    [
        ("6,x,1,abc,1", "column 'voter-id': not an integer: 'abc'"),
        ("6,x,one,7,1", "column 'comment-id': not an integer: 'one'"),
        ("6,x,1,99999999999999999999,1", "column 'voter-id': integer out of range: "),
        ("6,x,1,7,2", "vote must be -1, 0 or 1, found 2"),
        ("6,x,1,7,-5", "vote must be -1, 0 or 1, found -5"),
        ("6,x,1,7,300", "vote must be -1, 0 or 1, found 300"),
        ("6,x,1,7,yes", "column 'vote': not an integer: 'yes'"),
        ("6,x,1,7,", "column 'vote': empty field"),
        ("6.5,x,1,7,1", "column 'timestamp': not an integer: '6.5'"),
        ("2024-07-01,x,1,7,1", "column 'timestamp': not an integer: '2024-07-01'"),
        (",x,1,7,1", "column 'timestamp': empty field"),
        ("6,x,1,7", "expected 5 fields, found 4"),
        ("6,x,1,7,1,1", "expected 5 fields, found 6"),
    ],
)
def test_a_bad_row_is_named_by_line_and_field(tmp_path, block_size, bad_row, message):
    good = "".join(f"{i},x,{i % 3},{i},1\n" for i in range(40))
    # a blank line before the bad row: lines are counted in the file, blank ones included
    path, line, found = _error(tmp_path, HEADER + good + "\n" + bad_row + "\n" + good)
    assert path.endswith("votes.csv")
    assert line == 43
    assert found.startswith(message), found


def test_the_first_bad_row_of_the_file_is_reported(tmp_path, block_size):
    rows = ["5,x,0,7,1"] * 20 + ["6,x,1,7,9"] + ["5,x,0,7,1"] * 20 + ["6,x,1,abc,1"]
    _, line, message = _error(tmp_path, HEADER + "\n".join(rows) + "\n")
    assert (line, message) == (22, "vote must be -1, 0 or 1, found 9")
    rows[20] = "5,x,0,7,1"
    rows[3] = "6,x,1,,1"
    _, line, message = _error(tmp_path, HEADER + "\n".join(rows) + "\n")
    assert (line, message) == (5, "column 'voter-id': empty field")


@pytest.mark.parametrize("ragged_first", [True, False])
def test_a_ragged_row_and_a_bad_field_the_earlier_is_reported(tmp_path, block_size, ragged_first):
    rows = ["5,x,0,7,1"] * 30
    rows[4 if ragged_first else 20] = "5,x,0,7"
    rows[20 if ragged_first else 4] = "5,x,0,seven,1"
    _, line, message = _error(tmp_path, HEADER + "\n".join(rows) + "\n")
    expected = "expected 5 fields, found 4" if ragged_first else "column 'voter-id': not an"
    assert line == 6 and message.startswith(expected), message


def test_an_unknown_statement_is_named_by_its_line(tmp_path, block_size):
    _, line, message = _error(tmp_path, HEADER + "5,x,0,7,1\n\r\n6,x,9,7,1\n")
    assert (line, message) == (4, "unknown comment-id 9")


# --- line numbers ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "content, record, line",
    [
        (b"h\na\nb\nc\n", 2, 4),
        (b"h\r\na\r\n\r\nb\r\n", 1, 4),
        (b"h\ra\r\rb", 1, 4),  # lone CR line ends, a blank line, no final line end
        (b"h\n\n\na\n", 0, 4),
        (b"h\na\nb", 1, 3),
    ],
)
def test_physical_line_counts_blank_lines(tmp_path, monkeypatch, content, record, line):
    path = tmp_path / "f.csv"
    path.write_bytes(content)
    for size in (1, 2, 3, 1 << 20):
        monkeypatch.setattr(_csv, "_BLOCK_SIZE", size)
        assert _csv.physical_line(str(path), record) == line, size


@settings(max_examples=40, deadline=None)
@given(
    rows=st.lists(
        st.tuples(
            st.integers(0, 2**62),
            st.integers(0, 2),
            st.integers(-(2**40), 2**40),
            st.sampled_from([-1, 0, 1]),
        ),
        max_size=60,
    ),
    crlf=st.booleans(),
)
def test_it_agrees_with_the_numpy_tokeniser(tmp_path_factory, rows, crlf):
    """pyarrow's arrays equal those of the hand-written reader on the same text."""
    end = "\r\n" if crlf else "\n"
    text = HEADER.replace("\n", end) + "".join(f"{t},x,{s},{p},{v}{end}" for t, s, p, v in rows)
    folder = tmp_path_factory.mktemp("votes")
    path = folder / "votes.csv"
    path.write_bytes(text.encode())
    columns = _csv.read_integer_columns(
        str(path),
        (
            _csv.IntegerColumn("timestamp"),
            _csv.IntegerColumn("comment-id", narrow=True),
            _csv.IntegerColumn("voter-id", narrow=True),
            _csv.IntegerColumn("vote", dtype=np.int8, allowed=(-1, 0, 1)),
        ),
    )
    table = _csv.read_table(str(path))
    for name, array in zip(("timestamp", "comment-id", "voter-id", "vote"), columns, strict=True):
        assert array.tolist() == table.integers(table.column_index(name))[0].tolist(), name
