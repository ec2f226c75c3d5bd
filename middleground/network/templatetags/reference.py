"""``{{ value|reference }}``: a shipped reference text (body, built-in scenario, rule, focus
area, bloc) in the active language; anything else, such as a name someone typed, as it is."""

from django import template

from middleground.network.reference_names import reference_text, sdg_name

register = template.Library()


@register.filter(name="reference")
def reference(value: object) -> str:
    return reference_text("" if value is None else str(value))


@register.filter(name="sdg_name")
def sdg_name_filter(value: object) -> str:
    """``{{ 6|sdg_name }}``: "Clean water and sanitation" in the active language."""
    try:
        return sdg_name(int(str(value)))
    except ValueError:
        return ""
