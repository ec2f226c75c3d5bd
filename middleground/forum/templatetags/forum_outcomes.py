"""``{% session_outcomes session as oc %}``: a session's minutes and outputs as the viewer
may see them, under the Chatham House rule (for ``forum/partials/outcomes_box.html``)."""

from typing import Any

from django import template

from middleground.forum import outcomes

register = template.Library()


@register.simple_tag(takes_context=True)
def session_outcomes(context: Any, session: Any) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    if user is None:
        from django.contrib.auth.models import AnonymousUser

        user = AnonymousUser()
    shown = outcomes.minutes_for_display(session)
    return {
        "shown": shown,
        "rule": shown["attribution"],
        "outputs": outcomes.describe_outputs(user, session),
        "can_write": outcomes.can_write(user, session),
    }


@register.simple_tag
def session_attribution(session: Any) -> outcomes.Attribution:
    """``{% session_attribution session as rule %}{% if rule.hidden %}…``"""
    return outcomes.attribution(session)
