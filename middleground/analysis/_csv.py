"""Fast reading of large, unquoted, mostly numeric CSV files with numpy.

Polis's ``votes.csv`` and ``participants-votes.csv`` run to millions of fields; Python's
``csv`` module needs seconds for them. These files carry no quoted fields, so the bytes
are tokenised with vectorised numpy instead. Any file with a quote character falls back
to the ``csv`` module. Every malformed field is reported with its 1-based file row.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any

import numpy as np

_COMMA = 44
_NEWLINE = 10
_CR = 13
_MINUS = 45
_ZERO = 48
_SEPARATOR = np.zeros(256, dtype=bool)
_SEPARATOR[[_COMMA, _NEWLINE]] = True


class CsvError(ValueError):
    """A problem in a CSV file, located by 1-based row number (the header is row 1)."""

    def __init__(self, path: str, row: int, message: str) -> None:
        super().__init__(f"{path}:{row}: {message}")
        self.path = path
        self.row = row
        self.message = message


@dataclass
class Table:
    """The header and the fields of a CSV file, as byte ranges into its content."""

    path: str
    header: list[str]
    buffer: np.ndarray  # uint8 view of the whole file
    starts: np.ndarray  # (n_rows, n_cols) first byte of each field
    ends: np.ndarray  # (n_rows, n_cols) one past the last byte of each field
    fallback_rows: list[list[str]] | None = None  # set when the file needed the csv module

    @property
    def n_rows(self) -> int:
        if self.fallback_rows is not None:
            return len(self.fallback_rows)
        return int(self.starts.shape[0])

    def column_index(self, name: str) -> int:
        try:
            return self.header.index(name)
        except ValueError:
            raise CsvError(self.path, 1, f"missing column {name!r}") from None

    def strings(self, column: int) -> list[str]:
        """The fields of one column as text (for small columns only)."""
        if self.fallback_rows is not None:
            return [row[column] for row in self.fallback_rows]
        raw = self.buffer.tobytes()
        return [
            raw[start:end].decode("utf-8", "replace")
            for start, end in zip(
                self.starts[:, column].tolist(), self.ends[:, column].tolist(), strict=True
            )
        ]

    def integers(self, column: int, *, allow_empty: bool = False) -> tuple[np.ndarray, np.ndarray]:
        """Parse one column as integers: (values, present); empty fields need ``allow_empty``."""
        if self.fallback_rows is not None:
            return self._integers_fallback(column, allow_empty)
        starts = self.starts[:, column]
        ends = self.ends[:, column]
        values, present, bad = _parse_integers(self.buffer, starts, ends)
        self._raise_for(column, bad | (~present if not allow_empty else bad))
        return values, present

    def integer_block(self, first_column: int) -> tuple[np.ndarray, np.ndarray]:
        """Parse columns ``first_column`` onwards as small integers: (values int8, present)."""
        n_cols = len(self.header) - first_column
        if self.fallback_rows is not None:
            values = np.zeros((self.n_rows, n_cols), dtype=np.int64)
            present = np.zeros((self.n_rows, n_cols), dtype=bool)
            for column in range(n_cols):
                values[:, column], present[:, column] = self._integers_fallback(
                    first_column + column, True
                )
            return values, present
        starts = self.starts[:, first_column:]
        ends = self.ends[:, first_column:]
        values, present, bad = _parse_integers(self.buffer, starts.ravel(), ends.ravel())
        bad = bad.reshape(starts.shape)
        if bad.any():
            row, column = np.argwhere(bad)[0]
            self._raise_for(first_column + int(column), bad[:, column])
        return values.reshape(starts.shape), present.reshape(starts.shape)

    def _integers_fallback(self, column: int, allow_empty: bool) -> tuple[np.ndarray, np.ndarray]:
        assert self.fallback_rows is not None
        values = np.zeros(self.n_rows, dtype=np.int64)
        present = np.zeros(self.n_rows, dtype=bool)
        for index, row in enumerate(self.fallback_rows):
            text = row[column].strip()
            if text == "":
                if not allow_empty:
                    self._raise_row(index, column, "empty field")
                continue
            try:
                values[index] = int(text)
            except ValueError:
                self._raise_row(index, column, f"not an integer: {text!r}")
            present[index] = True
        return values, present

    def _raise_for(self, column: int, bad: np.ndarray) -> None:
        if not bad.any():
            return
        row_index = int(np.flatnonzero(bad)[0])
        text = self.strings_at(row_index, column)
        message = "empty field" if text == "" else f"not an integer: {text!r}"
        self._raise_row(row_index, column, message)

    def strings_at(self, row_index: int, column: int) -> str:
        if self.fallback_rows is not None:
            return self.fallback_rows[row_index][column]
        start = int(self.starts[row_index, column])
        end = int(self.ends[row_index, column])
        return self.buffer[start:end].tobytes().decode("utf-8", "replace")

    def _raise_row(self, row_index: int, column: int, message: str) -> None:
        raise CsvError(self.path, row_index + 2, f"column {self.header[column]!r}: {message}")


def read_table(path: str) -> Table:
    """Read a CSV file with a header row into a :class:`Table`."""
    with open(path, "rb") as handle:
        content = handle.read()
    if content.startswith(b"\xef\xbb\xbf"):
        content = content[3:]
    if not content[:4096].strip() and not content.strip():
        raise CsvError(path, 1, "empty file, expected a header row")
    if not content.endswith(b"\n"):
        content += b"\n"
    header_end = content.index(b"\n")
    header = [name.strip() for name in content[:header_end].decode("utf-8").strip("\r").split(",")]
    body = content[header_end + 1 :]
    if b'"' in content:
        return _read_with_csv_module(path, content)
    body = body.rstrip(b"\r\n \t")
    body = body + b"\n" if body else b""
    if body.startswith((b"\n", b"\r\n")) or b"\n\n" in body or b"\n\r\n" in body:
        # rare: blank lines inside the file; drop them (row numbers then count non-blank rows)
        body = b"".join(line + b"\n" for line in body.split(b"\n") if line.strip())
    buffer = np.frombuffer(body, dtype=np.uint8)
    n_cols = len(header)
    separators = np.flatnonzero(_SEPARATOR[buffer])
    if separators.size == 0:
        empty = np.zeros((0, n_cols), dtype=np.int64)
        return Table(path, header, buffer, empty, empty)
    line_ends = np.flatnonzero(buffer[separators] == _NEWLINE)
    per_line = np.diff(np.concatenate(([-1], line_ends)))
    if (per_line != n_cols).any():
        line = int(np.flatnonzero(per_line != n_cols)[0])
        raise CsvError(path, line + 2, f"expected {n_cols} fields, found {int(per_line[line])}")
    ends = separators.reshape(-1, n_cols)
    starts = np.empty_like(ends)
    starts[:, 1:] = ends[:, :-1] + 1
    starts[1:, 0] = ends[:-1, -1] + 1
    starts[0, 0] = 0
    # strip a carriage return before the newline
    last = ends[:, -1]
    has_cr = (last > starts[:, -1]) & (buffer[np.maximum(last - 1, 0)] == _CR)
    ends[:, -1] = last - has_cr
    return Table(path, header, buffer, starts, ends)


def _read_with_csv_module(path: str, content: bytes) -> Table:
    text = content.decode("utf-8", "replace")
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [name.strip() for name in next(reader)]
    rows: list[list[str]] = []
    for line_number, row in enumerate(reader, start=2):
        if not row:
            continue
        if len(row) != len(header):
            raise CsvError(path, line_number, f"expected {len(header)} fields, found {len(row)}")
        rows.append(row)
    empty = np.zeros((0, len(header)), dtype=np.int64)
    return Table(path, header, np.zeros(0, np.uint8), empty, empty, fallback_rows=rows)


def _parse_integers(
    buffer: np.ndarray, starts: np.ndarray, ends: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Vectorised integer parsing of byte ranges: (values, present, malformed)."""
    n = starts.size
    values = np.zeros(n, dtype=np.int64)
    present = ends > starts
    bad = np.zeros(n, dtype=bool)
    if n == 0:
        return values, present, bad
    lengths = (ends - starts).astype(np.int64)
    max_length = int(lengths.max())
    if max_length == 0:
        return values, present, bad
    if max_length <= 2:
        return _parse_tiny_integers(buffer, starts, lengths, present)
    if max_length > 19:
        bad |= lengths > 19
    negative = present & (buffer[np.minimum(starts, buffer.size - 1)] == _MINUS)
    digit_starts = starts + negative
    digit_lengths = lengths - negative
    bad |= negative & (digit_lengths == 0)
    powers = 10 ** np.arange(18, -1, -1, dtype=np.int64)
    index_type: type[np.signedinteger[Any]] = np.int32 if buffer.size < 2**31 - 64 else np.int64
    chunk = 1 << 20
    for begin in range(0, n, chunk):
        stop = min(begin + chunk, n)
        width = int(min(digit_lengths[begin:stop].max(initial=0), 19))
        if width == 0:
            continue
        # right-align every field in a window of `width` bytes ending at its last byte;
        # bytes before the field's first digit count as zero
        offsets: np.ndarray = np.arange(1 - width, 1, dtype=index_type)
        last_bytes: np.ndarray = (ends[begin:stop, None] - 1).astype(index_type)
        positions = last_bytes + offsets[None, :]
        inside = positions >= digit_starts[begin:stop, None]
        np.clip(positions, 0, buffer.size - 1, out=positions)
        digits = buffer[positions] - np.uint8(_ZERO)  # non-digits wrap above 9
        digits[~inside] = 0
        bad[begin:stop] |= (digits > 9).any(axis=1)
        if width <= 15:
            # exact in float64 (< 2**53) and runs on BLAS
            values[begin:stop] = digits.astype(np.float64) @ powers[19 - width :].astype(float)
        else:
            values[begin:stop] = digits.astype(np.int64) @ powers[19 - width :]
    values = np.where(negative, -values, values)
    return values, present, bad


def _parse_tiny_integers(
    buffer: np.ndarray, starts: np.ndarray, lengths: np.ndarray, present: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Fields of at most two bytes (votes: -1, 0, 1, empty) without 2-D temporaries."""
    last = buffer.size - 1
    first = buffer[np.minimum(starts, last)].astype(np.int16)
    second = buffer[np.minimum(starts + 1, last)].astype(np.int16)
    one = lengths == 1
    two = lengths == 2
    first_digit = first - _ZERO
    second_digit = second - _ZERO
    first_is_digit = (first_digit >= 0) & (first_digit <= 9)
    second_is_digit = (second_digit >= 0) & (second_digit <= 9)
    negative = two & (first == _MINUS)
    values = np.where(one, first_digit, 0)
    values = np.where(two & first_is_digit, first_digit * 10 + second_digit, values)
    values = np.where(negative, -second_digit, values)
    bad = (one & ~first_is_digit) | (two & ~second_is_digit) | (two & ~first_is_digit & ~negative)
    return values.astype(np.int64), present, bad
