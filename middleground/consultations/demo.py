"""Demo consultations: Security Council reform with SIMULATED votes, and a real Polis conversation.

Safe to run twice: each consultation is looked up by its slug first. Needs nothing outside
the repository (the statements and the Polis export ship in ``data/``).
"""

from __future__ import annotations

import datetime as dt
import json
import random
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from middleground.accounts.models import User

from . import services
from .interop import import_polis
from .models import (
    Anonymity,
    Consultation,
    Participant,
    Statement,
    StatementStatus,
    Status,
    Visibility,
    Vote,
    VoteEvent,
)

DATA = Path(__file__).resolve().parent / "data"
UNSC = DATA / "demo_unsc.json"
POLIS = DATA / "polis" / "london.youth.policing"
POLIS_SLUG = "london-youth-policing-polis"
POLIS_ATTRIBUTION = (
    "Real Polis conversation 'london.youth.policing' (https://pol.is/9xxwa9jpkm). "
    "Data was gathered using the Polis software (compdemocracy.org/polis) and is "
    "sub-licensed under CC BY 4.0 with Attribution to The Computational Democracy Project."
)
#: the planted structure: a reform-first camp (+1) and a gradualist camp (-1)
CAMP_BY_GROUP = {"AFRICAN": 1, "GRULAC": 1, "APG": 1, "WEOG": -1, "EEG": -1}


def _camp(rng: random.Random, regional_group: str) -> int:
    camp = CAMP_BY_GROUP.get(regional_group, 1)
    return camp if rng.random() < 0.8 else -camp  # regions lean, they do not decide


def _simulated_vote(rng: random.Random, camp: int, lean: int) -> int:
    if rng.random() < 0.03:
        return 0
    p_agree = 0.97 if lean == 0 else (0.85 if camp == lean else 0.15)
    return 1 if rng.random() < p_agree else -1


def load_unsc(seed: int = 2025) -> Consultation:
    from middleground.network.models import Expert, FocusArea

    spec = json.loads(UNSC.read_text(encoding="utf-8"))
    existing = Consultation.objects.filter(slug=spec["slug"]).first()
    if existing is not None:
        return existing
    alice = User.objects.filter(username="alice").first()
    rng = random.Random(seed)
    now = timezone.now()
    start = now - dt.timedelta(days=14)
    with transaction.atomic():
        consultation = Consultation.objects.create(
            title=spec["title"],
            slug=spec["slug"],
            question=spec["question"],
            context=spec["context"],
            visibility=Visibility.PUBLIC,
            anonymity=Anonymity.ANONYMOUS,
            status=Status.OPEN,
            simulated=True,
            is_demo=True,
            created_by=alice,
            attribution="Statements drawn from the seed texts: "
            + "; ".join(spec["sources"].values()),
        )
        area = FocusArea.objects.filter(slug="security").first()
        if area is not None:
            consultation.focus_areas.add(area)
        statements = []
        for number, item in enumerate(spec["statements"], start=1):
            statements.append(
                Statement(
                    consultation=consultation,
                    number=number,
                    text=item["text"],
                    status=StatementStatus.ACCEPTED,
                    is_seed=True,
                    source=f"seed {spec['sources'][item['seed']].split(':')[0]}",
                    created_at=start,
                )
            )
        Statement.objects.bulk_create(statements)
        statements = list(consultation.statements.order_by("number"))
        leans = {s.number: spec["statements"][s.number - 1]["lean"] for s in statements}
        experts = list(
            Expert.objects.select_related("country", "institution")
            .prefetch_related("country__blocs")
            .order_by("slug")
        )
        votes, events = [], []
        for number, expert in enumerate(experts, start=1):
            joined = start + dt.timedelta(minutes=rng.randint(0, 13 * 24 * 60))
            participant = Participant.objects.create(
                consultation=consultation,
                number=number,
                country=expert.country.code,
                regional_group=expert.country.regional_group,
                blocs=sorted(b.code for b in expert.country.blocs.all()),
                institution_kind=expert.institution.kind if expert.institution else "",
                simulated=True,
            )
            camp = _camp(rng, expert.country.regional_group)
            moment = joined
            for statement in statements:
                if rng.random() < 0.1:  # nobody votes on everything
                    continue
                moment += dt.timedelta(seconds=rng.randint(5, 90))
                value = _simulated_vote(rng, camp, leans[statement.number])
                votes.append(
                    Vote(
                        consultation=consultation,
                        participant=participant,
                        statement=statement,
                        value=value,
                        created_at=moment,
                        updated_at=moment,
                    )
                )
                events.append(
                    VoteEvent(
                        consultation=consultation,
                        participant=participant,
                        statement=statement,
                        value=value,
                        created_at=moment,
                    )
                )
            Participant.objects.filter(pk=participant.pk).update(created_at=joined)
        Vote.objects.bulk_create(votes, batch_size=2000)
        VoteEvent.objects.bulk_create(events, batch_size=2000)
        Consultation.objects.filter(pk=consultation.pk).update(
            participant_counter=len(experts), statement_counter=len(statements)
        )
    services.run_analysis(consultation_id=consultation.pk)
    return consultation


def load_polis() -> Consultation:
    existing = Consultation.objects.filter(slug=POLIS_SLUG).first()
    if existing is not None:
        return existing
    consultation = import_polis(
        actor=None,
        directory=str(POLIS),
        title="Engaging young people in the scrutiny of policing (real Polis conversation)",
        attribution=POLIS_ATTRIBUTION,
        slug=POLIS_SLUG,
        is_demo=True,
    )
    services.run_analysis(consultation_id=consultation.pk)
    return consultation


def load_demo() -> dict[str, Any]:
    unsc = load_unsc()
    polis = load_polis()
    return {
        "consultations": Consultation.objects.filter(is_demo=True).count(),
        "unsc_votes": unsc.votes.count(),
        "polis_votes": polis.votes.count(),
    }
