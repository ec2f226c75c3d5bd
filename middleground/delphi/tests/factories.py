"""Builders for Delphi tests: studies in each state, made through the services."""

from middleground.accounts.models import Role, User
from middleground.delphi import services
from middleground.delphi.models import ItemKind, Study

RULES = {
    "min_answers": 3,
    "percent_agreement": {"low": 4, "high": 5, "min_percent": 70},
    "max_iqr": 1,
}
ITEMS = [
    (ItemKind.LIKERT, "Water data should be shared across the basin.", {"points": 5}),
    (
        ItemKind.NUMERIC,
        "Year of peak glacier melt",
        {"lower": 2020, "upper": 2100, "unit": "year", "rules": {"min_answers": 3, "max_iqr": 10}},
    ),
    (ItemKind.RANKING, "Rank the priorities", {"options": ["Data", "Irrigation", "Energy"]}),
    (ItemKind.PAIR, "A basin commission", {"points": 5}),
    (ItemKind.TEXT, "What else should the panel consider?", {}),
]


def make_panellist(username: str, institution=None, *, verified: bool = True) -> User:
    """An expert whose address is verified (as after an invitation), so invites match it."""
    return User.objects.create_user(
        username,
        f"{username}@example.org",
        "pw-not-used-1234",
        role=Role.EXPERT,
        institution=institution,
        first_name=username.capitalize(),
        last_name="Panellist",
        email_verified=verified,
    )


def draft_study(alice: User, *, title="Draft study", rules=RULES, items=ITEMS, **extra) -> Study:
    study = services.create_study(
        actor=alice,
        data={"title": title, "question": "What should happen?", "rules": rules, **extra},
    )
    for kind, text, config in items:
        services.add_item(actor=alice, study=study, kind=kind, text=text, config=config)
    return study


def running_study(alice: User, panel: list[User], **kwargs) -> Study:
    study = draft_study(alice, **kwargs)
    services.invite_panel(
        actor=alice,
        study=study,
        emails=[u.email for u in panel],
        accept_url_base="http://testserver/accounts/invitations/accept",
    )
    services.launch_study(actor=alice, study=study)
    study.refresh_from_db()
    return study


def closed_one_item_study(
    alice: User, panel: list[User], values: list[int], *, text="A", **kwargs
) -> Study:
    """A one-round study of one 5-point Likert item, each panellist answering ``values``
    in turn, closed."""
    study = draft_study(
        alice,
        items=[(ItemKind.LIKERT, text, {"points": 5})],
        rules={"min_answers": 3, "max_iqr": 1},
        max_rounds=1,
        **kwargs,
    )
    services.invite_panel(
        actor=alice, study=study, emails=[u.email for u in panel], accept_url_base="http://t/a"
    )
    services.launch_study(actor=alice, study=study)
    item, round = study.items.get(), study.open_round()
    assert round is not None  # launching opened round one
    for user, value in zip(panel, values, strict=True):
        services.submit_answers(
            actor=user, study=study, round=round, answers=[{"item": item.pk, "value": value}]
        )
    services.close_round(actor=alice, round=round)
    study.refresh_from_db()
    return study


def answers_for(
    study: Study, *, likert=4, year=2050.0, ranking=None, pair=(4, 2), text="More data"
):
    by_kind = {i.kind: i for i in study.items.all()}
    ranking = ranking or [o["id"] for o in by_kind[ItemKind.RANKING].options]
    return [
        {"item": by_kind[ItemKind.LIKERT].pk, "value": likert, "rationale": f"because {likert}"},
        {"item": by_kind[ItemKind.NUMERIC].pk, "value": year},
        {"item": by_kind[ItemKind.RANKING].pk, "value": ranking},
        {
            "item": by_kind[ItemKind.PAIR].pk,
            "value": {"desirability": pair[0], "feasibility": pair[1]},
        },
        {"item": by_kind[ItemKind.TEXT].pk, "value": text},
    ]
