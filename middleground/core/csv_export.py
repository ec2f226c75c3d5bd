"""The one CSV writer behind every export: cells a spreadsheet would run as formulas are quoted.

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read as a
formula by Excel, LibreOffice and Google Sheets (CSV injection, OWASP). Such text cells get a
leading apostrophe, which spreadsheets hide and do not evaluate; numbers are written as they
are, so ``-3.5`` stays a number.
"""

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """``value`` as a CSV cell that no spreadsheet evaluates.

    >>> safe_cell("=HYPERLINK(\\"http://x\\")")
    '\\'=HYPERLINK("http://x")'
    >>> safe_cell(-3.5), safe_cell("plain")
    (-3.5, 'plain')
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def unsafe_cell(value: str) -> str:
    """The text :func:`safe_cell` neutralised, for reading our own exports back.

    >>> unsafe_cell(safe_cell("=1+1")), unsafe_cell("'quoted'")
    ('=1+1', "'quoted'")
    """
    if value[:1] == "'" and value[1:2] and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value


def csv_text(rows: Iterable[Sequence[Any]], *, header: Sequence[str] | None = None) -> str:
    """Rows (lists of cells) as CSV text with ``\\n`` line ends, every cell made safe."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    if header is not None:
        writer.writerow(header)
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
    return buffer.getvalue()


def csv_dicts(rows: Iterable[Mapping[str, Any]], *, fieldnames: Sequence[str]) -> str:
    """Dicts as CSV text under a header of ``fieldnames``, every cell made safe."""
    return csv_text(([row.get(f, "") for f in fieldnames] for row in rows), header=fieldnames)
