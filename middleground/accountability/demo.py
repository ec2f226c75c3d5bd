"""Demo compliance data for the adopted demo strategy *Trust in cross-border data*.

Written through the services as the secretariat, the assessors and the members would:

- one commitment per recommendation (``commitments_from_strategy``: R1-R3, binding the
  institutions that endorsed it), each with indicators, a scoring guideline and SDG targets;
- one *interim* cycle, marked ``simulated`` (made-up scores), scored for every member x
  commitment by two demo analysts (``analyst-1``, ``analyst-2``, experts of demo institutions
  that are not members of the strategy) and by bob, who scores every member of R2 but his
  own institution (nobody scores their own institution), with justifications and sources;
- on R1 the two analysts score one member differently and the secretariat reconciles the
  cell with a note;
- sent for review: one member replies to its score with a counter-argument and evidence,
  another accepts its score, the others have not answered yet; a few self-reports
  (traffic lights) between cycles.

The cycle is left *in review*, not finalised: finalising freezes it for good, so leaving it
open lets the demo show the right of reply (a pending cell, an accepted one, a counter-
argument) and lets the secretariat finalise it live, deciding whether the reply changes the
score. Carol's institution (Seoul Middle Power Initiative, a member that did not endorse the
strategy) is bound by R3 only, having offered the Korean chapter of the annual review: its
cell is scored and awaits carol's reply, so signing in as carol shows the right of reply.

The analysts and representatives are demo accounts without a password (they cannot sign
in); sign in as alice to see every cell or as bob to see his assignments. Safe to run twice:
nothing is added once the strategy has commitments.
"""

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from middleground.accounts.models import Role, User
from middleground.core.errors import check_length
from middleground.network.models import Institution
from middleground.strategies.models import Strategy

from . import services
from .models import (
    GUIDE_MAX,
    Assessment,
    CellResult,
    CellStatus,
    Commitment,
    CommitmentMember,
    CommitmentStatus,
    Cycle,
    CycleKind,
    Reply,
    SelfReport,
    TrafficLight,
)

STRATEGY_TITLE = "Trust in cross-border data: a joint strategy of middle powers (demo)"
#: the demo analysts and the demo institutions they work for (not bound by the commitments)
ANALYSTS = (
    ("analyst-1", "Amara", "Wanjiru", "Nairobi Governance Institute (demo)"),
    ("analyst-2", "Kadri", "Tamm", "Baltic Dialogue Centre (demo)"),
)
REPLY_DAYS = 21
DEMO_LINK = "https://example.org/demo/"  # made-up sources of made-up scores

#: per recommendation number: indicators, scoring guideline, SDG targets, status
DETAILS: dict[int, tuple[str, str, list[str], str]] = {
    1: (
        "A public position of the member's government or data-protection authority on the "
        "shared list of minimum safeguards; taking part in the working group that drafts the "
        "mutual-recognition scheme; a published comparison of the member's law with the list.",
        "+1: the government or the data-protection authority has formally backed the list of "
        "minimum safeguards and joined the working group. 0: work under way that is public "
        "(a draft comparison, a consultation, a roundtable) but no formal position yet. "
        "-1: no public step since the strategy was adopted.",
        ["16.10", "17.6"],
        CommitmentStatus.IN_PROGRESS,
    ),
    2: (
        "A national contact point named and its address shared with the network; a test or "
        "real notification of a cross-border data incident answered within 72 hours; a seat "
        "at the yearly lessons meeting.",
        "+1: a contact point is named and has exchanged a notification within 72 hours. "
        "0: a contact point is named (an interim one counts) but has not yet exchanged one. "
        "-1: no contact point named.",
        ["16.6", "17.8"],
        CommitmentStatus.IN_PROGRESS,
    ),
    3: (
        "A chapter contributed to the alliance's annual review of data-flow rules, or a "
        "review of the member's own region published; taking part in the cross-camp "
        "negotiation of the review's conclusions.",
        "+1: the member has contributed a chapter or published a review of its own. "
        "0: the member takes part in the drafting but has published nothing yet. "
        "-1: no contribution. The first review is due in 2027: early work counts.",
        ["17.6", "17.18"],
        CommitmentStatus.NOT_STARTED,
    ),
}

#: who scores each recommendation, by slot
ASSESSORS: dict[int, tuple[str, ...]] = {
    1: ("analyst-1", "analyst-2"),
    2: ("bob", "analyst-1"),
    3: ("analyst-2",),
}

#: (recommendation, member country) -> [(assessor, score, justification, sources)];
#: "DOC" in sources stands for the demo library document on digital geopolitics
SCORES: dict[tuple[int, str], list[tuple[str, int, str, list[Any]]]] = {
    (1, "KZ"): [
        (
            "analyst-1",
            0,
            "KazISS published a comparison of Kazakhstan's data-protection law with the draft "
            "minimum safeguards, but no formal government position on mutual recognition yet.",
            [DEMO_LINK + "kaziss/safeguards-comparison", "DOC"],
        ),
        (
            "analyst-2",
            0,
            "Public groundwork (a comparison of the law with the safeguards list), no formal "
            "position: partial under the guideline.",
            [DEMO_LINK + "kaziss/safeguards-comparison"],
        ),
    ],
    (1, "TR"): [
        (
            "analyst-1",
            1,
            "The data-protection authority endorsed the minimum-safeguards list after a "
            "roundtable convened by the Anatolian Policy Lab and joined the working group.",
            [DEMO_LINK + "tr/dpa-statement-safeguards"],
        ),
        (
            "analyst-2",
            1,
            "Formal backing of the list by the authority, and a seat in the working group.",
            [DEMO_LINK + "tr/dpa-statement-safeguards", DEMO_LINK + "working-group/members"],
        ),
    ],
    (1, "PE"): [
        (
            "analyst-1",
            0,
            "The Andean Futures Institute published a draft comparison of Peru's safeguards "
            "with the list and held a public consultation: public work under way.",
            [DEMO_LINK + "pe/draft-safeguards-comparison"],
        ),
        (
            "analyst-2",
            -1,
            "No formal position of the government or of the data-protection authority.",
            [DEMO_LINK + "working-group/members"],
        ),
    ],
    (1, "AZ"): [
        (
            "analyst-1",
            -1,
            "No public step found since the strategy was adopted.",
            [DEMO_LINK + "working-group/members"],
        ),
        (
            "analyst-2",
            -1,
            "Neither a position on the list nor a seat in the working group.",
            [DEMO_LINK + "working-group/members"],
        ),
    ],
    (2, "KZ"): [
        (
            "analyst-1",
            1,
            "A national contact point is named and answered a test notification from the "
            "Turkish contact point within 72 hours in the September exercise.",
            [DEMO_LINK + "contact-points/exercise-report", "DOC"],
        ),
    ],
    (2, "TR"): [
        (
            "bob",
            0,
            "A contact point is named and listed with the network; no notification exchanged "
            "yet apart from the test it sent.",
            [DEMO_LINK + "contact-points/list"],
        ),
        (
            "analyst-1",
            0,
            "Contact point named; it sent the exercise's test notification but has not "
            "answered one yet.",
            [DEMO_LINK + "contact-points/exercise-report"],
        ),
    ],
    (2, "PE"): [
        (
            "bob",
            -1,
            "No contact point on the network's list; the endorsement's reservation says one "
            "will be named once the data-protection law is amended.",
            [DEMO_LINK + "contact-points/list"],
        ),
        (
            "analyst-1",
            -1,
            "No contact point named by the cut-off date.",
            [DEMO_LINK + "contact-points/list"],
        ),
    ],
    (2, "AZ"): [
        (
            "bob",
            0,
            "A contact point is named; it did not take part in the September exercise.",
            [DEMO_LINK + "contact-points/list"],
        ),
        (
            "analyst-1",
            0,
            "Named but untested: partial under the guideline.",
            [DEMO_LINK + "contact-points/exercise-report"],
        ),
    ],
    (3, "KZ"): [
        (
            "analyst-2",
            1,
            "KazISS published an early review of data-flow rules in Central Asia, ahead of the "
            "first annual review.",
            ["DOC"],
        ),
    ],
    (3, "TR"): [
        (
            "analyst-2",
            0,
            "Takes part in the drafting group of the 2027 review; nothing published yet.",
            [DEMO_LINK + "annual-review/drafting-group"],
        ),
    ],
    (3, "PE"): [
        (
            "analyst-2",
            0,
            "Has offered a chapter on the Andean region; nothing published yet.",
            [DEMO_LINK + "annual-review/drafting-group"],
        ),
    ],
    (3, "AZ"): [
        (
            "analyst-2",
            -1,
            "No contribution to the review so far.",
            [DEMO_LINK + "annual-review/drafting-group"],
        ),
    ],
    (3, "KR"): [
        (
            "analyst-2",
            0,
            "Has offered the Korean chapter of the 2027 review and joined the drafting group; "
            "the chapter is not published yet.",
            [DEMO_LINK + "annual-review/drafting-group"],
        ),
    ],
}

#: carol (a demo persona who can sign in) represents this institution; the secretariat binds
#: it to this recommendation, so one cell of the cycle awaits her reply
CAROL_BOUND_TO = 3

RECONCILE = (
    1,
    "PE",
    0,
    "Under the guideline public work under way counts as partial compliance: the draft "
    "comparison and the consultation are public, so 0. The second assessor had looked only "
    "for a formal government position.",
)
#: the member that accepts its score, and the one that replies with a counter-argument
ACCEPT = (1, "TR")
COUNTER = (
    2,
    "PE",
    "An interim contact point was designated by ministerial resolution in October, pending "
    "the amended data-protection law, and is on the network's list since November. Under the "
    "guideline an interim contact point counts as partial compliance (0), not -1.",
    [DEMO_LINK + "pe/ministerial-resolution-contact-point"],
)
SELF_REPORTS: tuple[tuple[int, str, str, str, list[Any]], ...] = (
    (1, "TR", TrafficLight.ON_TRACK, "The working group meets in January; we chair it.", []),
    (
        2,
        "PE",
        TrafficLight.SOME_DELAY,
        "The amended data-protection law is before parliament; the permanent contact point "
        "will be named once it passes (see our reservation on recommendation 2).",
        [DEMO_LINK + "pe/bill-status"],
    ),
    (
        3,
        "AZ",
        TrafficLight.OFF_TRACK,
        "No funding yet for a chapter of the 2027 review; we are looking for a partner.",
        [],
    ),
)


def _person(username: str, first: str, last: str, role: str, institution: Institution) -> User:
    user, created = User.objects.get_or_create(
        username=username,
        defaults={
            "first_name": first,
            "last_name": f"{last} (demo)",
            "email": f"{username}@demo.invalid",
            "email_verified": True,
            "role": role,
            "institution": institution,
        },
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def _representative(institution: Institution) -> User:
    """A representative of ``institution``: the strategies demo's ``rep-<slug>``, made if
    missing (a demo account that cannot sign in)."""
    existing = (
        User.objects.filter(role=Role.REPRESENTATIVE, institution=institution, is_active=True)
        .order_by("pk")
        .first()
    )
    if existing is not None:
        return existing
    name = institution.acronym or institution.name
    return _person(
        f"rep-{institution.slug}"[:150],
        "Representative",
        f"of {name}"[:140],
        Role.REPRESENTATIVE,
        institution,
    )


def _analysts(members: set[int]) -> dict[str, User]:
    out = {}
    for username, first, last, name in ANALYSTS:
        institution = Institution.objects.filter(name=name).first()
        if institution is None or institution.pk in members:
            continue  # an analyst never works for a member scored
        out[username] = _person(username, first, last, Role.EXPERT, institution)
    return out


def _describe(commitment: Commitment) -> None:
    """Indicators, guideline and SDG targets (no service edits them after creation)."""
    indicators, guideline, sdg, _status = DETAILS[commitment.recommendation_number or 0]
    commitment.indicators = check_length(indicators, GUIDE_MAX, field="indicators")
    commitment.guideline = check_length(guideline, GUIDE_MAX, field="guideline")
    commitment.sdg_targets = services._sdg_targets(sdg)
    commitment.save(update_fields=["indicators", "guideline", "sdg_targets"])


def _sources(items: list[Any], document_id: int | None) -> list[Any]:
    out = []
    for item in items:
        if item == "DOC":
            if document_id is not None:
                out.append(document_id)
        else:
            out.append(item)
    return out


def _country(member: CommitmentMember) -> str:
    if member.institution is not None:
        return member.institution.country_id
    return member.country_id or member.partner


def _document_id() -> int | None:
    from middleground.accounts.models import Visitor
    from middleground.library.permissions import visible_documents

    public = visible_documents(Visitor())
    document = public.filter(title__icontains="Digital Geopolitics").order_by("pk").first()
    return document.pk if document is not None else None


def _score_cycle(cycle: Cycle, people: dict[str, User]) -> None:
    document_id = _document_id()
    for commitment in cycle.strategy.commitments.order_by("position"):
        number = commitment.recommendation_number or 0
        for slot, username in enumerate(ASSESSORS.get(number, ("analyst-1",)), start=1):
            if username in people:
                services.assign(
                    actor=people["alice"],
                    cycle=cycle,
                    commitment=commitment,
                    assessor=people[username],
                    slot=slot,
                )
        assigned = [u for u in ASSESSORS.get(number, ("analyst-1",)) if u in people]
        for member in commitment.members.select_related("institution"):
            rows = SCORES.get((number, _country(member))) or [
                (
                    assigned[0],
                    0,
                    "Demo score: some public steps, no formal commitment yet.",
                    [],
                )
            ]
            for username, value, justification, sources in rows:
                assessor = people.get(username)
                if assessor is None or username not in assigned:
                    continue
                if member.institution_id and member.institution_id == assessor.institution_id:
                    continue  # nobody scores their own institution
                services.score(
                    actor=assessor,
                    cycle=cycle,
                    commitment=commitment,
                    member=member,
                    score=value,
                    justification=justification,
                    sources=_sources(sources, document_id),
                )


def _cell(cycle: Cycle, number: int, country: str) -> CellResult | None:
    for cell in cycle.cells.select_related("commitment", "member__institution"):
        if cell.commitment.recommendation_number == number and _country(cell.member) == country:
            return cell
    return None


def _member(strategy: Strategy, number: int, country: str) -> CommitmentMember | None:
    commitment = strategy.commitments.filter(recommendation_number=number).first()
    if commitment is None:
        return None
    for member in commitment.members.select_related("institution"):
        if _country(member) == country:
            return member
    return None


def _build(strategy: Strategy, people: dict[str, User]) -> None:
    alice = people["alice"]
    made = services.commitments_from_strategy(actor=alice, strategy=strategy)
    for commitment in made:
        _describe(commitment)
        status = DETAILS[commitment.recommendation_number or 0][3]
        if status != CommitmentStatus.NOT_STARTED:
            services.set_commitment_status(actor=alice, commitment=commitment, status=status)
    carol = User.objects.filter(username="carol").select_related("institution").first()
    bound = strategy.commitments.filter(recommendation_number=CAROL_BOUND_TO).first()
    if carol is not None and carol.institution is not None and bound is not None:
        services.add_members(actor=alice, commitment=bound, members=[carol.institution])
    members = set(
        CommitmentMember.objects.filter(commitment__strategy=strategy)
        .exclude(institution=None)
        .values_list("institution_id", flat=True)
    )
    people.update(_analysts(members))
    cycle = services.open_cycle(
        actor=alice, strategy=strategy, kind=CycleKind.INTERIM, simulated=True
    )
    _score_cycle(cycle, people)
    number, country, value, note = RECONCILE
    disputed = _cell(cycle, number, country)
    if disputed is not None and disputed.status == CellStatus.DISAGREEMENT:
        services.reconcile(actor=alice, cell=disputed, score=value, note=note)
    services.send_for_review(
        actor=alice, cycle=cycle, reply_deadline=timezone.now() + dt.timedelta(days=REPLY_DAYS)
    )
    accepted = _cell(cycle, *ACCEPT)
    if accepted is not None and accepted.member.institution is not None:
        services.reply(
            actor=_representative(accepted.member.institution), cell=accepted, accepts=True
        )
    number, country, text, evidence = COUNTER
    countered = _cell(cycle, number, country)
    if countered is not None and countered.member.institution is not None:
        services.reply(
            actor=_representative(countered.member.institution),
            cell=countered,
            accepts=False,
            text=text,
            evidence=evidence,
        )
    for number, country, light, text, evidence in SELF_REPORTS:
        member = _member(strategy, number, country)
        if member is None or member.institution is None:
            continue
        services.self_report(
            actor=_representative(member.institution),
            commitment=member.commitment,
            member=member,
            status=light,
            text=text,
            evidence=evidence,
        )


@transaction.atomic
def load_demo() -> dict[str, Any]:
    people = {u.username: u for u in User.objects.filter(username__in=["alice", "bob"])}
    strategy = Strategy.objects.filter(title=STRATEGY_TITLE).first()
    if len(people) < 2 or strategy is None:
        return {"accountability": "skipped: no demo strategy (run the strategies demo first)"}
    if not strategy.commitments.exists():
        _build(strategy, people)
    cycles = Cycle.objects.filter(strategy=strategy)
    return {
        "commitments": strategy.commitments.count(),
        "compliance_cycles": cycles.count(),
        "assessments": Assessment.objects.filter(cycle__in=cycles).count(),
        "scored_cells": CellResult.objects.filter(cycle__in=cycles)
        .exclude(draft_score=None)
        .count(),
        "replies": Reply.objects.filter(cell__cycle__in=cycles).count(),
        "self_reports": SelfReport.objects.filter(commitment__strategy=strategy).count(),
    }
