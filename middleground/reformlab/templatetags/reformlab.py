"""Number formatting for the reform lab's tables."""

from django import template

register = template.Library()


@register.filter
def pct(value, digits: int = 2) -> str:
    """A share as a percentage: 0.1963 -> '19.63%'; None -> '—'."""
    if value is None or value == "":
        return "—"
    return f"{float(value) * 100:.{int(digits)}f}%"


@register.filter
def num(value, digits: int = 4) -> str:
    if value is None or value == "":
        return "—"
    return f"{float(value):.{int(digits)}f}"


@register.filter
def ratio(value) -> str:
    if value is None or value == "":
        return "—"
    return f"{float(value):.2f}"


@register.filter
def get(mapping, key):
    if mapping is None:
        return None
    return mapping.get(key)
