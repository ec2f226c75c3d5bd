"""Date parsing for lines such as "29 May 2025", "May 29, 2025", "29 мая 2025 г.", "2025-05-29"."""

from __future__ import annotations

import datetime as dt
import re

__all__ = ["parse_date", "find_date_line"]

_MONTHS: dict[str, int] = {}
for _i, _names in enumerate(
    [
        "january jan январь января қаңтар",
        "february feb февраль февраля ақпан",
        "march mar март марта наурыз",
        "april apr апрель апреля сәуір",
        "may май мая мамыр",
        "june jun июнь июня маусым",
        "july jul июль июля шілде",
        "august aug август августа тамыз",
        "september sep sept сентябрь сентября қыркүйек",
        "october oct октябрь октября қазан",
        "november nov ноябрь ноября қараша",
        "december dec декабрь декабря желтоқсан",
    ],
    start=1,
):
    for _n in _names.split():
        _MONTHS[_n] = _i

_M = r"([^\W\d_]{3,10})\.?"
_PATTERNS = [
    # 2025-05-29 (ISO, also with a time after it)
    (re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b"), ("y", "m", "d")),
    # 29.05.2025
    (re.compile(r"\b(\d{1,2})\.(\d{1,2})\.(\d{4})\b"), ("d", "m", "y")),
    # 29 May 2025, 29 мая 2025 г.
    (re.compile(r"\b(\d{1,2})\s+" + _M + r",?\s+(\d{4})\b"), ("d", "M", "y")),
    # May 29, 2025
    (re.compile(r"\b" + _M + r"\s+(\d{1,2}),?\s+(\d{4})\b"), ("M", "d", "y")),
    # 2025 жылғы 29 мамыр (Kazakh order)
    (re.compile(r"\b(\d{4})\s+\w+\s+(\d{1,2})\s+" + _M), ("y", "d", "M")),
]


def parse_date(text: str) -> dt.date | None:
    """The first calendar date written in ``text``, or None.

    >>> parse_date("23 February 2026")
    datetime.date(2026, 2, 23)
    >>> parse_date("29 мая 2025 г.")
    datetime.date(2025, 5, 29)
    """
    for regex, order in _PATTERNS:
        for m in regex.finditer(text):
            parts = dict(zip(order, m.groups(), strict=True))
            try:
                if "M" in parts:
                    month = _MONTHS.get(parts["M"].lower())
                    if month is None:
                        continue
                else:
                    month = int(parts["m"])
                return dt.date(int(parts["y"]), month, int(parts["d"]))
            except ValueError:
                continue
    return None


_DATE_LINE_MAX = 40


def find_date_line(line: str) -> dt.date | None:
    """A date when the whole line is essentially a date (a dateline, not a sentence)."""
    stripped = line.strip()
    if len(stripped) > _DATE_LINE_MAX:
        return None
    return parse_date(stripped)
