"""Builders for strategy tests, made from rows and ``versioning`` directly, so that each part
(drafting, evidence, endorsement, publication) can be tested without the others' services."""

import datetime as dt

from django.utils import timezone

from middleground.strategies import versioning
from middleground.strategies.models import (
    EndorsementCall,
    Paragraph,
    ParagraphKind,
    Section,
    Strategy,
    StrategyStatus,
)

TEXT = [
    (
        "Context",
        [
            (ParagraphKind.NARRATIVE, "Water data are scattered across basin authorities.", [], ""),
            (ParagraphKind.NARRATIVE, "Shared data build trust between riparian states.", [], ""),
        ],
    ),
    (
        "Recommendations",
        [
            (
                ParagraphKind.RECOMMENDATION,
                "Publish river-flow data of every shared basin monthly.",
                ["basin authorities", "UN-Water"],
                "by 2028",
            ),
            (
                ParagraphKind.RECOMMENDATION,
                "Train young hydrologists in open data methods.",
                ["member institutions"],
                "2027-2029",
            ),
        ],
    ),
]


def drafting_strategy(world, *, title="Water data strategy (test)", lead=None, text=TEXT):
    """A strategy of the world's task force (bob's institution chairs it), led by ``lead``
    (bob by default), with version 1 frozen."""
    lead = lead or world.users["bob"]
    strategy = Strategy.objects.create(
        title=title,
        slug=title.lower().replace(" ", "-").replace("(", "").replace(")", ""),
        task_force=world.task_force,
        focus_area=world.water,
        lead=lead,
        created_by=world.users["alice"],
    )
    for s_pos, (section_title, paragraphs) in enumerate(text, start=1):
        section = Section.objects.create(strategy=strategy, position=s_pos, title=section_title)
        for p_pos, (kind, body, actors, timeline) in enumerate(paragraphs, start=1):
            Paragraph.objects.create(
                strategy=strategy,
                section=section,
                position=p_pos,
                kind=kind,
                text=body,
                actors=actors,
                timeline=timeline,
            )
    versioning.new_version(strategy, actor=lead, note="First draft")
    return strategy


def open_strategy(world, *, days=14, silence=False, **kwargs):
    """A strategy whose latest version is published and put to endorsement."""
    strategy = drafting_strategy(world, **kwargs)
    version = versioning.publish(strategy.latest_version())
    EndorsementCall.objects.create(
        strategy=strategy,
        version=version,
        deadline=timezone.now() + dt.timedelta(days=days),
        silence_procedure=silence,
        opened_by=world.users["alice"],
    )
    strategy.status = StrategyStatus.ENDORSEMENT
    strategy.save(update_fields=["status"])
    return strategy
