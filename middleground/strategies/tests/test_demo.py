"""The strategies demo, as the issue describes it: a digital-trust strategy drafted from frozen
consultation, Delphi and library evidence, amended, endorsed across regional groups with a
reservation; a water strategy open for endorsement that carol's institution has not answered."""

import hashlib

import pytest
from django.core.management import call_command

from middleground.accounts.models import User
from middleground.strategies import demo
from middleground.strategies.models import (
    AmendmentState,
    Endorsement,
    Evidence,
    Position,
    Strategy,
    StrategyStatus,
)

pytestmark = pytest.mark.django_db(transaction=False)


def test_the_demo_strategies_are_as_the_issue_asks_and_load_once():
    call_command("demo", verbosity=0)
    trust = Strategy.objects.get(title=demo.DIGITAL_TRUST["title"])
    assert trust.focus_area.slug == "digital-trust" and trust.lead.username == "bob"
    evidence = Evidence.objects.filter(paragraph__strategy=trust)
    assert {"statement", "delphi_item", "document"} <= set(evidence.values_list("kind", flat=True))
    for cited in evidence:  # frozen: the fingerprint is of the snapshot kept
        assert len(cited.sha256) == 64 and cited.snapshot
    delphi = evidence.get(kind="delphi_item").snapshot
    assert delphi["round"] == 1 and delphi.get("consensus_reached", True)
    states = set(trust.amendments.values_list("state", flat=True))
    assert {AmendmentState.ACCEPTED, AmendmentState.REJECTED} <= states
    assert trust.versions.count() >= 2  # each accepted change made a new version
    assert trust.status == StrategyStatus.ADOPTED
    endorsed = Endorsement.objects.filter(call__strategy=trust, current=True)
    endorsing = endorsed.filter(position__in=[Position.ENDORSE, Position.ENDORSE_WITH_RESERVATION])
    groups = set(endorsing.values_list("institution__country__regional_group", flat=True))
    assert len(groups) >= 3
    reservation = endorsed.get(position=Position.ENDORSE_WITH_RESERVATION)
    assert reservation.reservation.strip()
    published = trust.versions.filter(published_at__isnull=False).order_by("-number").first()
    assert hashlib.sha256(published.canonical.encode()).hexdigest() == published.sha256

    water = Strategy.objects.get(title=demo.WATER["title"])
    assert water.status == StrategyStatus.ENDORSEMENT
    assert water.endorsement_calls.filter(closed_at__isnull=True).count() == 1
    carol = User.objects.get(username="carol")
    assert not Endorsement.objects.filter(
        call__strategy=water, institution=carol.institution
    ).exists()
    assert Evidence.objects.filter(paragraph__strategy=water, kind="delphi_item").count() == 2

    counts = (Strategy.objects.count(), Evidence.objects.count(), Endorsement.objects.count())
    call_command("demo", verbosity=0)
    assert (
        Strategy.objects.count(),
        Evidence.objects.count(),
        Endorsement.objects.count(),
    ) == counts
