"""Number formatting for the reform lab's tables, in the active locale ("19,63%" in
Russian and Kazakh)."""

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def pct(value, digits: int = 2) -> str:
    """A share as a percentage: 0.1963 -> '19.63%' ('19,63%' in Russian); None -> '—'."""
    if value is None or value == "":
        return "—"
    return number_format(round(float(value) * 100, int(digits)), int(digits)) + "%"


@register.filter
def num(value, digits: int = 4) -> str:
    if value is None or value == "":
        return "—"
    return number_format(round(float(value), int(digits)), int(digits))


@register.filter
def ratio(value) -> str:
    if value is None or value == "":
        return "—"
    return number_format(round(float(value), 2), 2)


@register.filter
def get(mapping, key):
    if mapping is None:
        return None
    return mapping.get(key)
