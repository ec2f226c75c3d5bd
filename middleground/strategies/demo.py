"""Demo strategies, written through the services as the task forces would write them.

- *Trust in cross-border data* (digital trust task force, lead bob): a first draft, evidence
  cited from the demo consultation, the digital-trust Delphi panel's round-one consensus and a
  library document and frozen, two amendments (one
  accepted, one rejected with a reason), put to endorsement and adopted by
  demo institutions from four UN regional groups, one with a reservation.
- *Sharing water data in Central Asia* (water security task force, lead bob): citing the demo
  Delphi panel's consensus, open for endorsement; carol's institution has not answered.

The representatives who answer are demo accounts (``rep-<institution>``, no password: they
cannot sign in). Safe to run twice: an existing strategy is left as it is.
"""

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from middleground.accounts.models import Role, User
from middleground.network.models import Institution, TaskForce

from . import endorsements, evidence, services, versioning
from .models import EvidenceKind, Paragraph, ParagraphKind, Section, Strategy

R, N = ParagraphKind.RECOMMENDATION, ParagraphKind.NARRATIVE

DIGITAL_TRUST: dict[str, Any] = {
    "title": "Trust in cross-border data: a joint strategy of middle powers (demo)",
    "summary": "How the alliance's members can make data flows across blocs trustworthy: "
    "mutual recognition of safeguards, shared incident reporting and open standards.",
    "sections": [
        (
            "Why it matters",
            [
                (
                    N,
                    "Data now crosses borders faster than the rules that govern it. Middle "
                    "powers depend on those flows but write few of the rules.",
                    [],
                    "",
                ),
                (
                    N,
                    "Dialogue across blocs, not rival rulebooks, is how trust in data is "
                    "built; think tanks can prepare the ground that governments then adopt.",
                    [],
                    "",
                ),
            ],
        ),
        (
            "Recommendations",
            [
                (
                    R,
                    "Establish a mutual-recognition scheme for data-protection regimes among "
                    "willing members, starting with a shared list of minimum safeguards.",
                    ["member governments", "data-protection authorities"],
                    "scheme agreed by 2029",
                ),
                (
                    R,
                    "Set up a network of national contact points that report cross-border data "
                    "incidents to each other within 72 hours.",
                    ["national cyber-security agencies"],
                    "operational by 2028",
                ),
                (
                    R,
                    "Ask the alliance's think tanks to publish an annual review of data-flow "
                    "rules across blocs, negotiated across camps rather than imposed by one.",
                    ["member institutions", "the secretariat"],
                    "yearly, from 2027",
                ),
            ],
        ),
    ],
}

WATER: dict[str, Any] = {
    "title": "Sharing water data in Central Asia (demo)",
    "summary": "A basin-wide approach to water data, drawn from the alliance's Delphi panel.",
    "sections": [
        (
            "Context",
            [
                (
                    N,
                    "Water data in Central Asia are held by many agencies and rarely shared, "
                    "which turns every dry summer into a dispute.",
                    [],
                    "",
                ),
            ],
        ),
        (
            "Recommendations",
            [
                (
                    R,
                    "Agree a binding, basin-wide water-data sharing arrangement between the "
                    "riparian states of the Amu Darya and Syr Darya.",
                    ["riparian governments", "UN Regional Centre for the SDGs"],
                    "negotiated by 2028",
                ),
                (
                    R,
                    "Create a joint early-warning system for floods and mudflows that shares "
                    "gauge data between the basin states in real time.",
                    ["riparian governments", "national hydrometeorological services"],
                    "by 2030",
                ),
            ],
        ),
    ],
}


def _representative(institution: Institution) -> User:
    """A demo representative who answers for ``institution`` (cannot sign in)."""
    user, created = User.objects.get_or_create(
        username=f"rep-{institution.slug}"[:150],
        defaults={
            "first_name": "Representative",
            "last_name": f"of {institution.acronym or institution.name}"[:150],
            "email": f"rep-{institution.pk}@demo.invalid",
            "email_verified": True,
            "role": Role.REPRESENTATIVE,
            "institution": institution,
        },
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def _write_first_draft(strategy: Strategy, spec: dict[str, Any], lead: User) -> None:
    """The lead's first draft, entered at once: the sections and paragraphs become version
    1's text (a draft pasted in, not built paragraph by paragraph)."""
    for s_pos, (title, paragraphs) in enumerate(spec["sections"], start=1):
        section = Section.objects.create(strategy=strategy, position=s_pos, title=title)
        for p_pos, (kind, text, actors, timeline) in enumerate(paragraphs, start=1):
            Paragraph.objects.create(
                strategy=strategy,
                section=section,
                position=p_pos,
                kind=kind,
                text=text,
                actors=actors,
                timeline=timeline,
            )
    first = strategy.versions.get(number=1)
    first.content = versioning.snapshot(strategy)
    first.note = "First draft"
    first.save(update_fields=["content", "note"])


def _recommendations(strategy: Strategy) -> list[Paragraph]:
    return list(
        strategy.paragraphs.filter(kind=R, deleted=False).order_by("section__position", "position")
    )


def _cite_statements(
    strategy: Strategy, bob: User, paragraph: Paragraph, numbers: list[int]
) -> int:
    from middleground.consultations.models import Consultation

    consultation = Consultation.objects.filter(is_demo=True, slug="unsc-reform-demo").first()
    if consultation is None:
        return 0
    cited = 0
    for statement in consultation.statements.filter(number__in=numbers):
        evidence.cite(
            actor=bob,
            strategy=strategy,
            paragraph=paragraph,
            kind=EvidenceKind.STATEMENT,
            source_id=statement.pk,
            note="Consultation finding across regional groups",
        )
        cited += 1
    return cited


def _cite_document(strategy: Strategy, bob: User, paragraph: Paragraph) -> int:
    from middleground.accounts.models import Visitor
    from middleground.library.permissions import visible_documents

    public = visible_documents(Visitor()).order_by("pk")
    document = public.filter(title__icontains="alliance").first() or public.first()
    if document is None:
        return 0
    evidence.cite(
        actor=bob,
        strategy=strategy,
        paragraph=paragraph,
        kind=EvidenceKind.DOCUMENT,
        source_id=document.pk,
        note="The proposal for an expert alliance",
    )
    return 1


def _cite_delphi(
    strategy: Strategy, bob: User, study_title: str, cited_items: dict[Paragraph, str]
) -> int:
    """Cite, on each paragraph, the item of the demo Delphi study whose text starts so."""
    from middleground.delphi.models import Study

    study = Study.objects.filter(title__startswith=study_title).first()
    if study is None:
        return 0
    cited = 0
    for paragraph, prefix in cited_items.items():
        item = study.items.filter(text__startswith=prefix).first()
        if item is None:
            continue
        evidence.cite(
            actor=bob,
            strategy=strategy,
            paragraph=paragraph,
            kind=EvidenceKind.DELPHI_ITEM,
            source_id=item.pk,
            note="Delphi panel consensus",
        )
        cited += 1
    return cited


def _digital_trust(alice: User, bob: User) -> Strategy | None:
    task_force = TaskForce.objects.filter(focus_area__slug="digital-trust").first()
    if task_force is None:
        return None
    strategy = services.create_strategy(
        actor=alice,
        task_force=task_force,
        title=DIGITAL_TRUST["title"],
        focus_area=task_force.focus_area,
        lead=bob,
        summary=DIGITAL_TRUST["summary"],
        breadth_min_per_group=1,
        breadth_min_groups=3,
    )
    strategy.is_demo = True
    strategy.save(update_fields=["is_demo"])
    _write_first_draft(strategy, DIGITAL_TRUST, bob)
    recognition, incidents, review = _recommendations(strategy)
    _cite_statements(strategy, bob, review, [20, 25])
    _cite_document(strategy, bob, review)
    _cite_delphi(
        strategy,
        bob,
        "Trusted cross-border data flows",
        {recognition: "Any recognition scheme should start from a shared list"},
    )

    members = {i.country_id: i for i in task_force.members.all()}
    turkey, peru = _representative(members["TR"]), _representative(members["PE"])
    accepted = services.propose_amendment(
        actor=turkey,
        strategy=strategy,
        paragraph=incidents,
        kind="replace",
        text="Set up a network of national contact points that notify each other of "
        "cross-border data incidents within 72 hours and meet once a year to compare lessons.",
        explanation="Notification alone builds little trust; a yearly meeting does.",
    )
    services.accept_amendment(actor=bob, amendment=accepted, reason="Adds a light follow-up.")
    rejected = services.propose_amendment(
        actor=peru,
        strategy=strategy,
        paragraph=recognition,
        kind="replace",
        text="Adopt a single data-protection regime binding on all members.",
        explanation="One regime is simpler than mutual recognition.",
    )
    services.reject_amendment(
        actor=bob,
        amendment=rejected,
        reason="A single binding regime would split the alliance along bloc lines; mutual "
        "recognition lets each member keep its own law.",
    )
    call = endorsements.open_call(
        actor=bob, strategy=strategy, deadline=timezone.now() + dt.timedelta(days=21)
    )
    answers = [
        ("KZ", "endorse", ""),
        ("TR", "endorse", ""),
        (
            "PE",
            "endorse_with_reservation",
            "We can name a contact point only once our data-"
            "protection law is amended (recommendation 2).",
        ),
        ("AZ", "endorse", ""),
        ("MX", "take_note", ""),
    ]
    for country, position, reservation in answers:
        if country not in members:
            continue
        endorsements.endorse(
            actor=_representative(members[country]),
            strategy=strategy,
            position=position,
            reservation=reservation,
            reservation_paragraphs=[4] if reservation else [],
        )
    endorsements.close_call(actor=alice, call=call)
    return strategy


def _water(bob: User) -> Strategy | None:
    task_force = TaskForce.objects.filter(focus_area__slug="water-security").first()
    if task_force is None:
        return None
    strategy = services.create_strategy(
        actor=User.objects.get(username="alice"),
        task_force=task_force,
        title=WATER["title"],
        focus_area=task_force.focus_area,
        lead=bob,
        summary=WATER["summary"],
        breadth_min_per_group=2,
        breadth_min_groups=2,
    )
    strategy.is_demo = True
    strategy.save(update_fields=["is_demo"])
    _write_first_draft(strategy, WATER, bob)
    basin, warning = _recommendations(strategy)
    _cite_delphi(
        strategy,
        bob,
        "Water security in Central Asia",
        {
            basin: "A binding basin-wide",
            warning: "Central Asian states should create a joint early",
        },
    )
    endorsements.open_call(
        actor=bob, strategy=strategy, deadline=timezone.now() + dt.timedelta(days=10)
    )
    for institution in task_force.members.filter(country_id__in=["NG", "ID"]):
        endorsements.endorse(
            actor=_representative(institution), strategy=strategy, position="endorse"
        )
    return strategy


@transaction.atomic
def load_demo() -> dict[str, Any]:
    people = {u.username: u for u in User.objects.filter(username__in=["alice", "bob"])}
    if len(people) < 2:
        return {"strategies": "skipped: no demo personas (run the network demo first)"}
    alice, bob = people["alice"], people["bob"]
    if not Strategy.objects.filter(title=DIGITAL_TRUST["title"]).exists():
        _digital_trust(alice, bob)
    if not Strategy.objects.filter(title=WATER["title"]).exists():
        _water(bob)
    return {
        "strategies": Strategy.objects.filter(is_demo=True).count(),
        "strategy_versions": versioning.Version.objects.filter(strategy__is_demo=True).count(),
    }
