"""Fast reading of large, mostly numeric CSV files.

Polis's ``votes.csv`` runs to tens of millions of rows: :func:`read_integer_columns`
reads its integer columns with pyarrow's multithreaded CSV reader straight into numpy
arrays. ``comments.csv`` and ``participants-votes.csv`` are small enough for
:func:`read_table`, which tokenises unquoted files with vectorised numpy (and falls back
to the ``csv`` module for files with quotes). Every malformed field is reported with its
1-based line in the file (the header is line 1).
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


# --- large files: pyarrow's multithreaded reader ------------------------------------------

#: bytes per block handed to each reader thread (larger blocks: fewer, larger chunks)
_BLOCK_SIZE = 1 << 23
#: what counts as an integer field (pyarrow also trims spaces and tabs around the digits)
_INTEGER_TEXT = r"^[ \t]*-?[0-9]+[ \t]*$"
#: digits that always fit each parsed type (longer fields are checked one by one)
_SAFE_DIGITS = {np.dtype(np.int8): 2, np.dtype(np.int32): 9, np.dtype(np.int64): 18}


@dataclass(frozen=True)
class IntegerColumn:
    """One integer column for :func:`read_integer_columns`.

    ``dtype`` is the type values are parsed into (``np.int8`` for small codes), ``allowed``
    the only values accepted (empty: any), ``narrow`` returns ``int32`` when every value
    fits, halving the memory of id columns.
    """

    name: str
    dtype: type[np.signedinteger[Any]] = np.int64
    allowed: tuple[int, ...] = ()
    narrow: bool = False

    def allowed_message(self, found: int | str) -> str:
        values = [str(value) for value in self.allowed]
        listed = ", ".join(values[:-1]) + " or " + values[-1] if len(values) > 1 else values[0]
        return f"{self.name} must be {listed}, found {found}"


def read_header(path: str) -> list[str]:
    """The column names of a CSV file's first line (BOM, CR and spaces removed)."""
    with open(path, "rb") as handle:
        first = handle.readline()
        rest = b"" if first.strip() else handle.read(1 << 16)
    if first.startswith(b"\xef\xbb\xbf"):
        first = first[3:]
    if not first.strip() and not rest.strip():
        raise CsvError(path, 1, "empty file, expected a header row")
    text = first.decode("utf-8", "replace").rstrip("\r\n")
    row = next(csv.reader([text]), [])
    return [name.strip() for name in row]


def read_integer_columns(path: str, columns: tuple[IntegerColumn, ...]) -> list[np.ndarray]:
    """Read integer columns of a large CSV file (pyarrow, all cores) as numpy arrays.

    The header is the first line; blank lines are skipped. Every problem raises
    :class:`CsvError` naming the line and the column: a missing column, a row with the
    wrong number of fields, an empty field, a field that is not an integer (or too large),
    a value outside ``allowed``. When pyarrow refuses the file, a second pass reads the
    columns as bytes and finds the first bad row with vectorised checks. pyarrow accepts
    spaces or tabs around the digits and the ``0x`` hexadecimal form as integers.
    """
    import pyarrow as pa
    import pyarrow.csv as pa_csv

    header = read_header(path)
    wanted = [column.name for column in columns]
    missing = [name for name in wanted if name not in header]
    if missing:
        raise CsvError(path, 1, f"wrong header: missing column(s) {', '.join(missing)}")
    repeated = [name for name in wanted if header.count(name) > 1]
    if repeated:
        raise CsvError(path, 1, f"wrong header: column {repeated[0]!r} appears twice")
    # unique names for pyarrow: the columns we read keep theirs, others get a placeholder
    names = [name if name in wanted else f" {index}" for index, name in enumerate(header)]
    # pyarrow's own pool (mimalloc) gives freed memory back to the system on request
    pool = pa.default_memory_pool()

    def read(narrow: bool) -> Any:
        types = {
            column.name: pa.int32()
            if narrow and column.narrow
            else pa.from_numpy_dtype(column.dtype)
            for column in columns
        }
        return pa_csv.read_csv(
            path,
            read_options=pa_csv.ReadOptions(
                column_names=names, skip_rows=1, block_size=_BLOCK_SIZE, use_threads=True
            ),
            convert_options=pa_csv.ConvertOptions(
                include_columns=wanted,
                column_types=types,
                null_values=[""],
                strings_can_be_null=False,
            ),
            memory_pool=pool,
        )

    try:  # ids as int32 first: half the memory
        table = read(narrow=any(column.narrow for column in columns))
    except pa.ArrowInvalid as error:
        problem = _locate_problem(path, names, len(header), columns)
        if problem is not None:
            raise CsvError(path, physical_line(path, problem[0]), problem[1]) from None
        try:  # nothing wrong but an id beyond int32
            table = read(narrow=False)
        except pa.ArrowInvalid:
            raise CsvError(path, 0, f"unreadable CSV: {error}") from None
    problems = [_first_problem(table.column(column.name), column) for column in columns]
    found = [problem for problem in problems if problem is not None]
    if found:
        record, message = min(found, key=lambda problem: problem[0])
        raise CsvError(path, physical_line(path, record), message)
    arrays = []
    for column in columns:
        arrays.append(_to_numpy(table.column(column.name), column))
        table = table.drop_columns([column.name])
        pool.release_unused()  # the column's buffers go back before the next copy
    return arrays


def _first_problem(chunked: Any, column: IntegerColumn) -> tuple[int, str] | None:
    """(record index, message) of the first empty or disallowed value, after parsing."""
    import pyarrow.compute as pc

    first: tuple[int, str] | None = None
    if chunked.null_count:
        offset = 0
        for chunk in chunked.chunks:
            if chunk.null_count:
                index = int(np.argmax(pc.is_null(chunk).to_numpy(zero_copy_only=False)))
                first = (offset + index, f"column {column.name!r}: empty field")
                break
            offset += len(chunk)
    if column.allowed:
        low, high = min(column.allowed), max(column.allowed)
        extremes = pc.min_max(chunked)
        inside = extremes["min"].as_py() is None or (
            extremes["min"].as_py() >= low and extremes["max"].as_py() <= high
        )
        contiguous = len(set(column.allowed)) == high - low + 1
        if not (inside and contiguous):
            offset = 0
            for chunk in chunked.chunks:
                values = chunk.to_numpy(zero_copy_only=False)
                bad = ~np.isin(values, column.allowed) & chunk.is_valid().to_numpy(
                    zero_copy_only=False
                )
                if bad.any():
                    index = int(np.argmax(bad))
                    if first is None or offset + index < first[0]:
                        first = (offset + index, column.allowed_message(int(values[index])))
                    break
                offset += len(chunk)
    return first


def _to_numpy(chunked: Any, column: IntegerColumn) -> np.ndarray:
    """One contiguous numpy array from pyarrow's chunks (narrowed to int32 if asked)."""
    import pyarrow.compute as pc

    dtype = np.dtype(chunked.type.to_pandas_dtype())
    if column.narrow and dtype != np.int32 and len(chunked):
        extremes = pc.min_max(chunked)
        info = np.iinfo(np.int32)
        if info.min <= extremes["min"].as_py() and extremes["max"].as_py() <= info.max:
            dtype = np.dtype(np.int32)
    out = np.empty(len(chunked), dtype=dtype)
    position = 0
    for chunk in chunked.chunks:
        values = chunk.to_numpy(zero_copy_only=True)  # no nulls: a view of arrow's buffer
        out[position : position + values.size] = values
        position += values.size
    return out


def _locate_problem(
    path: str, names: list[str], n_fields: int, columns: tuple[IntegerColumn, ...]
) -> tuple[int, str] | None:
    """(record index, message) of the first bad row, after pyarrow refused the file.

    One streaming pass (single-threaded, one block in memory at a time) reads the columns
    as raw bytes; each block is checked with vectorised pattern matches, and rows with
    the wrong number of fields are reported by pyarrow's invalid-row handler. It stops at
    the block holding the first problem.
    """
    import pyarrow as pa
    import pyarrow.csv as pa_csv

    ragged: list[tuple[int, int]] = []  # (record index, fields found) of the first one

    def handler(row: Any) -> str:
        if not ragged:  # pyarrow numbers the non-blank rows, the header being row 1
            ragged.append((int(row.number) - 2, int(row.actual_columns)))
        return "skip"

    reader = pa_csv.open_csv(
        path,
        read_options=pa_csv.ReadOptions(
            column_names=names, skip_rows=1, block_size=_BLOCK_SIZE, use_threads=False
        ),
        parse_options=pa_csv.ParseOptions(invalid_row_handler=handler),
        convert_options=pa_csv.ConvertOptions(
            include_columns=[column.name for column in columns],
            column_types={column.name: pa.binary() for column in columns},
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
            null_values=[],
        ),
    )
    offset = 0
    for batch in reader:
        # rows after a skipped ragged row are shifted: only fields before it count
        limit = ragged[0][0] if ragged else None
        found = []
        for column in columns:
            bad = _first_bad_text(batch.column(column.name), column)
            if bad is not None and (limit is None or offset + bad[0] < limit):
                found.append((offset + bad[0], bad[1]))
        if found:
            return min(found, key=lambda problem: problem[0])
        if limit is not None and limit < offset + batch.num_rows:
            break
        offset += batch.num_rows
    if ragged:
        record, actual = ragged[0]
        return record, f"expected {n_fields} fields, found {actual}"
    return None


def _allowed_pattern(allowed: tuple[int, ...]) -> str:
    forms = [
        "-?0+" if value == 0 else (f"0*{value}" if value > 0 else f"-0*{-value}")
        for value in allowed
    ]
    return r"^[ \t]*(" + "|".join(forms) + r")[ \t]*$"


def _first_bad_text(array: Any, column: IntegerColumn) -> tuple[int, str] | None:
    """(index, message) of the first field of raw bytes that is not a valid value."""
    import pyarrow.compute as pc

    pattern = _allowed_pattern(column.allowed) if column.allowed else _INTEGER_TEXT
    safe = _SAFE_DIGITS[np.dtype(column.dtype)]
    matches = pc.match_substring_regex(array, pattern).to_numpy(zero_copy_only=False)
    long = matches & (pc.binary_length(array).to_numpy(zero_copy_only=False) > safe)
    # fields that fail the pattern or may be too large are checked exactly, in order
    for index in np.flatnonzero(~matches | long).tolist():
        message = _integer_problem(array[index].as_py(), column)
        if message is not None:
            return index, message
    return None


def _integer_problem(raw: bytes, column: IntegerColumn) -> str | None:
    """Why one field is not a valid value of ``column`` (None when it is)."""
    text = raw.decode("utf-8", "replace")
    digits = text.strip(" \t")
    where = f"column {column.name!r}: "
    if digits == "":
        return where + "empty field"
    body = digits[1:] if digits.startswith("-") else digits
    if not (body.isascii() and body.isdigit()):
        return where + f"not an integer: {text!r}"
    value = int(digits)
    info = np.iinfo(column.dtype)
    if column.allowed and value not in column.allowed:
        return column.allowed_message(value)
    if not info.min <= value <= info.max:
        return where + f"integer out of range: {text!r}"
    return None


def physical_line(path: str, record: int) -> int:
    """The 1-based line of data record ``record`` (0-based), counting blank lines.

    The header is line 1; pyarrow skips empty lines, so record numbers and lines differ
    when a file has them. Lines end with LF, CRLF or a lone CR. Read in blocks, stopping
    at the record.
    """
    line = 0  # lines completed so far
    seen = -1  # non-empty lines after the header completed so far
    carry = 0  # bytes of the line in progress, from earlier blocks
    with open(path, "rb") as handle:
        while True:
            block = handle.read(_BLOCK_SIZE)
            if block.endswith(b"\r"):
                block += handle.read(1)  # a CR and its LF stay in one block
            if not block:
                return line + 1  # the record is the last line, which has no line end
            data = np.frombuffer(block, dtype=np.uint8)
            lf = data == _NEWLINE
            cr = data == _CR
            lone_cr = cr.copy()
            lone_cr[:-1] &= ~lf[1:]
            ends = np.flatnonzero(lf | lone_cr)
            starts = np.concatenate(([0], ends[:-1] + 1))
            lengths = ends - starts
            lengths[:1] += carry
            crlf_only = (lengths == 1) & cr[np.maximum(ends - 1, 0)] & lf[ends]
            empty = (lengths == 0) | crlf_only
            numbers = line + 1 + np.arange(ends.size)
            counted = np.cumsum(~empty & (numbers > 1))
            hit = np.flatnonzero(seen + counted == record)
            if hit.size and not empty[hit[0]]:
                return int(numbers[hit[0]])
            if ends.size:
                seen += int(counted[-1])
                line += int(ends.size)
                carry = data.size - int(ends[-1]) - 1
            else:
                carry += data.size
            if len(block) < _BLOCK_SIZE:
                # the last line has no line end
                return line + 1
