"""Builders for accountability tests: a strategy with commitments and cycles at each step."""

import datetime as dt

from django.utils import timezone

from middleground.accountability import services
from middleground.strategies.tests.factories import open_strategy


def strategy_with_commitments(world, **kwargs):
    """The open strategy's two recommendations as commitments R1 and R2, each binding
    astana (bob's institution), seoul (carol represents it) and the partner "UN-Water"."""
    strategy = open_strategy(world, **kwargs)
    alice = world.users["alice"]
    members = [world.astana, world.seoul, {"kind": "partner", "name": "UN-Water"}]
    services.commitments_from_strategy(actor=alice, strategy=strategy, members=members)
    return strategy


def member(commitment, key):
    return next(m for m in commitment.members.all() if m.member_key() == key)


def draft_cycle(world, strategy=None, *, assessor="bob"):
    """A draft interim cycle with ``assessor`` on both commitments (slot 1)."""
    strategy = strategy or strategy_with_commitments(world)
    alice = world.users["alice"]
    cycle = services.open_cycle(actor=alice, strategy=strategy, kind="interim")
    for commitment in strategy.commitments.all():
        services.assign(
            actor=alice,
            cycle=cycle,
            commitment=commitment,
            assessor=world.users[assessor],
            slot=1,
        )
    return cycle


def score_all(world, cycle, scores, *, assessor="bob"):
    """``scores``: {(code, member_key): score}."""
    for (code, key), value in scores.items():
        commitment = cycle.strategy.commitments.get(code=code)
        services.score(
            actor=world.users[assessor],
            cycle=cycle,
            commitment=commitment,
            member=member(commitment, key),
            score=value,
            justification=f"Evidence for {code} {key}.",
        )


def review_cycle(world, scores=None, *, days=7, strategy=None):
    """A cycle in review: bob scored seoul and UN-Water on both commitments."""
    cycle = draft_cycle(world, strategy)
    seoul = f"institution:{world.seoul.pk}"
    scores = scores or {
        ("R1", seoul): 1,
        ("R2", seoul): 0,
        ("R1", "partner:UN-Water"): -1,
        ("R2", "partner:UN-Water"): 1,
    }
    score_all(world, cycle, scores)
    return services.send_for_review(
        actor=world.users["alice"],
        cycle=cycle,
        reply_deadline=timezone.now() + dt.timedelta(days=days),
    )


def final_cycle(world, **kwargs):
    cycle = review_cycle(world, **kwargs)
    return services.finalise(actor=world.users["alice"], cycle=cycle)
