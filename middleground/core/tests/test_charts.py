"""One chart builder and one palette for every app's charts."""

import re
from pathlib import Path

from middleground.core import charts

PACKAGE = Path(__file__).resolve().parents[2]


def test_a_count_chart_starts_at_zero_with_whole_ticks_on_the_value_axis():
    chart = charts.bar_chart(
        ["a", "b"], [charts.dataset("n", [1, 2])], horizontal=True, counts=True
    )
    assert chart["type"] == "bar" and chart["options"]["indexAxis"] == "y"
    assert chart["options"]["scales"] == {"x": {"beginAtZero": True, "ticks": {"precision": 0}}}


def test_series_take_the_palette_colours_in_order_and_cycle():
    sets = [charts.dataset(str(i), [i], i) for i in range(len(charts.PALETTE) + 1)]
    colours = [d["backgroundColor"] for d in sets]
    assert colours == [*charts.PALETTE, charts.PALETTE[0]]


def test_the_legend_shows_only_for_several_series_unless_placed():
    one = [charts.dataset("n", [1])]
    assert charts.bar_chart(["a"], one, legend=None)["options"]["plugins"]["legend"] == {
        "display": False
    }
    assert charts.bar_chart(["a"], one)["options"]["plugins"]["legend"] == {"position": "bottom"}


def test_no_module_outside_core_charts_defines_its_own_colours():
    pattern = re.compile(r"[\"']#[0-9a-fA-F]{6}")
    offenders = [
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if "tests" not in path.parts
        and path != PACKAGE / "core" / "charts.py"
        and pattern.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
