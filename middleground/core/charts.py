"""Chart.js configurations: the one palette and the builders every app's charts use.

A page passes the configuration through ``json_script`` to a ``<canvas data-chart>``, which
``core/static/core/app.js`` draws; every chart has a data table beside it (WCAG), so the
canvas only summarises what the table says.
"""

from typing import Any

# Distinct hues that stay apart for the common colour-vision deficiencies; the first is the
# site's accent colour (``--accent`` in site.css).
PALETTE = ["#0b5f8a", "#c2552b", "#3c8d5a", "#8a4f9e", "#b8860b", "#00798c", "#5f6b73"]
# A reference series drawn behind the others (e.g. population share beside power shares).
NEUTRAL = "#9aa5ad"
# The reader's own mark ("You" on the opinion map): near-black, apart from every hue.
INK = "#1b1f23"

Chart = dict[str, Any]


def colour(index: int) -> str:
    """The palette's colour for the ``index``-th series (it cycles)."""
    return PALETTE[index % len(PALETTE)]


def dataset(label: Any, data: list[Any], index: int = 0, **extra: Any) -> dict[str, Any]:
    """A filled series (bars), coloured by its position; ``extra`` overrides or adds keys."""
    return {"label": label, "data": data, "backgroundColor": colour(index), **extra}


def _legend(datasets: list[dict[str, Any]], legend: str | None) -> dict[str, Any]:
    # No position given: a legend only when there are series to tell apart.
    return {"display": len(datasets) > 1} if legend is None else {"position": legend}


def bar_chart(
    labels: list[Any],
    datasets: list[dict[str, Any]],
    *,
    horizontal: bool = False,
    counts: bool = False,
    legend: str | None = "bottom",
) -> Chart:
    """A bar chart; ``counts`` starts the value axis at zero with whole-number ticks.

    ``legend`` is the legend's position, or ``None`` to show it only for several series.
    """
    options: dict[str, Any] = {"plugins": {"legend": _legend(datasets, legend)}}
    if horizontal:
        options["indexAxis"] = "y"
    if counts:
        options["scales"] = {
            "x" if horizontal else "y": {"beginAtZero": True, "ticks": {"precision": 0}}
        }
    return {"type": "bar", "data": {"labels": labels, "datasets": datasets}, "options": options}


def line_chart(labels: list[Any], datasets: list[dict[str, Any]], **options: Any) -> Chart:
    """A line chart; each dataset is drawn in its palette colour unless it names one."""
    lines = [{"borderColor": colour(i), **d} for i, d in enumerate(datasets)]
    return {"type": "line", "data": {"labels": labels, "datasets": lines}, "options": options}


def point_dataset(label: Any, data: list[Any], index: int) -> dict[str, Any]:
    """A scatter or bubble series: translucent fill, solid border, in the palette colour."""
    return {
        "label": label,
        "data": data,
        "backgroundColor": colour(index) + "99",
        "borderColor": colour(index),
    }


def you_dataset(label: Any, point: dict[str, Any]) -> dict[str, Any]:
    """The reader's own point on a scatter or bubble chart: a dark cross, on top."""
    return {
        "label": label,
        "data": [point],
        "backgroundColor": INK,
        "borderColor": INK,
        "pointStyle": "crossRot",
        "pointRadius": 9,
        "pointBorderWidth": 3,
        "borderWidth": 3,
        "order": -1,
    }


def scatter_chart(
    datasets: list[dict[str, Any]], *, bubble: bool = False, x_title: Any, y_title: Any
) -> Chart:
    """Points on two titled axes; ``bubble`` when each point carries a radius ``r``."""
    return {
        "type": "bubble" if bubble else "scatter",
        "data": {"datasets": datasets},
        "options": {
            "plugins": {"legend": {"position": "bottom"}},
            "scales": {
                "x": {"title": {"display": True, "text": x_title}},
                "y": {"title": {"display": True, "text": y_title}},
            },
        },
    }
