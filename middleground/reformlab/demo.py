"""Reform lab demo: the Security Council today against three reform models, the EU
Council's double majority, and a custom council built by a demo user — all visible to
everyone, their results computed in advance. Safe to run twice."""

from django.db import transaction

from middleground.accounts.models import User

from . import compute, services
from .builtin_data import ensure_loaded
from .models import Scenario, ScenarioVisibility

DEMO_SLUG = "demo-african-permanent-seats"


@transaction.atomic
def _demo_custom_scenario() -> Scenario | None:
    author = User.objects.filter(username="bob").first()
    if author is None:
        return None
    base = Scenario.objects.get(slug="unsc-today")
    state = compute.builder_state(base)
    state.name = "Two African permanent seats with a veto (demo)"
    state.groups["AFRICAN"].permanent_veto = 2
    state.threshold = 10
    existing = Scenario.objects.filter(slug=DEMO_SLUG).first()
    if existing is None:
        scenario = services.save_builder_scenario(
            actor=author,
            base=base,
            state=state,
            visibility=ScenarioVisibility.LINK,
            description="Demo: the Council of today plus two permanent African seats with a "
            "veto, ten votes of seventeen needed.",
        )
        Scenario.objects.filter(pk=scenario.pk).update(slug=DEMO_SLUG, is_demo=True)
    alice = User.objects.filter(username="alice").first()
    scenario = Scenario.objects.get(slug=DEMO_SLUG)
    if alice is not None and alice.is_secretariat:
        scenario = services.publish_scenario(actor=alice, scenario=scenario)
    return scenario


def load_demo() -> dict:
    ensure_loaded()
    custom = _demo_custom_scenario()
    computed = []
    for scenario in Scenario.objects.filter(builtin=True):
        services.compute_scenario(scenario=scenario, inline=True)
        computed.append(scenario.slug)
    if custom is not None:
        services.compute_scenario(scenario=custom, inline=True)
        computed.append(custom.slug)
    return {"reformlab_scenarios": len(computed)}
