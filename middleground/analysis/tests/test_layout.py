"""The numeric core stays in modules one can read: none over 700 lines."""

from __future__ import annotations

from pathlib import Path

import middleground.analysis

MAX_LINES = 700


def test_no_python_file_of_the_numeric_core_is_over_700_lines() -> None:
    root = Path(middleground.analysis.__file__).parent
    lengths = {
        str(p.relative_to(root)): len(p.read_text().splitlines()) for p in root.rglob("*.py")
    }
    assert len(lengths) > 20  # the walk found the package
    too_long = {name: n for name, n in lengths.items() if n > MAX_LINES}
    assert not too_long, f"split these along their sections: {too_long}"
