"""Builders for the evidence tests: a public consultation with analysed votes, a Delphi
study with published results, public and network-only documents (no tests here)."""

from django.core.cache import cache

from middleground.consultations import services as consultation_services
from middleground.consultations.models import Participant, Vote, VoteEvent
from middleground.delphi import services as delphi_services
from middleground.delphi.tests.factories import answers_for, make_panellist, running_study
from middleground.library.models import Access, Document


def voted_consultation(world, *, title="Basin data (evidence test)", **overrides):
    """12 simulated participants; statement 1 agreed by all, 2 by half, 3 split by camp.

    Statement 1: 12 agree of 12 votes, so agreement 100 %.
    """
    cache.clear()  # rate limits
    data = {
        "title": title,
        "question": "How should basin data be shared?",
        "visibility": "public",
        "anonymity": "pseudonymous",
        "status": "open",
        "focus_areas": [world.water.slug],
        "statements": [
            "Flow data should be published monthly.",
            "Basin authorities should share forecasts.",
            "Upstream states should notify dam releases.",
        ],
    }
    data.update(overrides)
    consultation = consultation_services.create_consultation(actor=world.users["alice"], data=data)
    statements = list(consultation.statements.order_by("number"))
    for n in range(12):
        participant = Participant.objects.create(
            consultation=consultation,
            number=100 + n,
            regional_group="APG" if n % 2 else "WEOG",
            simulated=True,
        )
        camp = 1 if n < 6 else -1
        for s in statements:
            value = {1: 1, 2: 1 if n % 2 else 0, 3: camp}[s.number]
            add_vote(consultation, participant, s, value)
    consultation_services.run_analysis(consultation_id=consultation.pk)
    return consultation


def add_vote(consultation, participant, statement, value):
    Vote.objects.create(
        consultation=consultation,
        participant=participant,
        statement=statement,
        value=value,
        created_at=statement.created_at,
        updated_at=statement.created_at,
    )
    VoteEvent.objects.create(
        consultation=consultation,
        participant=participant,
        statement=statement,
        value=value,
        created_at=statement.created_at,
    )


def more_disagreement(consultation, *, people=4, number=1):
    """``people`` new participants disagree with statement ``number``; then re-analyse."""
    statement = consultation.statements.get(number=number)
    for n in range(people):
        participant = Participant.objects.create(
            consultation=consultation, number=500 + n, regional_group="GRULAC", simulated=True
        )
        add_vote(consultation, participant, statement, -1)
    return consultation_services.run_analysis(consultation_id=consultation.pk)


def published_study(world, *, title="Basin Delphi (evidence test)", publish=True):
    """Round 1 closed with Likert answers 4, 4, 5, 5 (median 4.5, IQR 1: consensus) and
    pair answers (4, 2) from everyone (feasibility 2 is outside the band: no consensus)."""
    alice = world.users["alice"]
    tag = abs(hash(title)) % 10**8
    panel = [world.users["bob"]] + [
        make_panellist(f"evexpert{tag}x{i}", world.astana) for i in range(1, 4)
    ]
    study = running_study(alice, panel, title=title)
    round = study.open_round()
    for user, v in zip(panel, [4, 4, 5, 5], strict=True):
        delphi_services.submit_answers(
            actor=user,
            study=study,
            round=round,
            answers=answers_for(study, likert=v, year=2040 + v),
        )
    delphi_services.close_round(actor=alice, round=round)
    if publish:
        delphi_services.publish_results(actor=alice, study=study)
    study.refresh_from_db()
    return study


def document(world, *, access=Access.PUBLIC, title="Transboundary water data report"):
    return Document.objects.create(
        title=title,
        source="Astana Institute",
        kind="txt",
        filename="report.txt",
        access=access,
        body="River flow data are shared monthly by basin authorities in the region.",
        content_hash="a" * 64,
        added_by=world.users["alice"],
    )
