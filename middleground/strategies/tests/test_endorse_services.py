"""Endorsement services: opening a call, answering for one's own institution, closing."""

import datetime as dt

import pytest
from django.utils import timezone

from middleground.accounts.models import AuditEvent, Role, User
from middleground.core.errors import ServiceError
from middleground.network.models import Institution
from middleground.notifications.models import Notification
from middleground.strategies import endorsements, periodic, publication
from middleground.strategies.models import (
    Endorsement,
    EndorsementCall,
    Position,
    StrategyStatus,
)
from middleground.strategies.tests.factories import drafting_strategy, open_strategy


def member(name: str, country: str):
    """A member institution in ``country`` and its representative."""
    slug = name.lower().replace(" ", "-")
    institution = Institution.objects.create(
        name=name, slug=slug, kind="think_tank", country_id=country, is_member=True
    )
    person = User.objects.create_user(
        f"rep-{slug}",
        f"rep-{slug}@example.org",
        "pw-for-tests-only",
        role=Role.REPRESENTATIVE,
        institution=institution,
    )
    return institution, person


def later(days=7):
    return timezone.now() + dt.timedelta(days=days)


# -- opening ---------------------------------------------------------------------------


def test_the_lead_opens_a_call_which_publishes_and_notifies_focal_point_and_deputy(world):
    bob, carol = world.users["bob"], world.users["carol"]
    deputy = User.objects.create_user(
        "deputy", "deputy@example.org", "x", role=Role.REPRESENTATIVE, institution=world.seoul
    )
    world.seoul.focal_point, world.seoul.deputy = carol, deputy
    world.seoul.save(update_fields=["focal_point", "deputy"])
    strategy = drafting_strategy(world)
    deadline = later(10)
    call = endorsements.open_call(actor=bob, strategy=strategy, deadline=deadline)
    strategy.refresh_from_db()
    assert strategy.status == StrategyStatus.ENDORSEMENT
    assert call.version.number == 1 and call.version.is_published and call.version.sha256
    asked = Notification.objects.filter(kind="strategies.endorse", target_id=str(call.pk))
    assert {n.recipient.username for n in asked} == {"carol", "deputy"}
    assert all(n.action_required and n.due_at == deadline for n in asked)
    assert asked.get(recipient=carol).institution == world.seoul
    assert "Seoul Policy Centre" in asked.get(recipient=carol).title
    assert AuditEvent.objects.filter(action="strategies.endorsement.open").count() == 1


def test_a_reminder_goes_before_the_deadline_only_to_institutions_that_have_not_answered(world):
    """The request reaches the institution through the notifications app, which reminds of it
    before its deadline: the institution that answered is not reminded."""
    from middleground.notifications.models import OutgoingMail
    from middleground.notifications.periodic import remind_and_escalate, reminder_before

    bob, carol = world.users["bob"], world.users["carol"]
    world.seoul.focal_point = carol
    world.seoul.save(update_fields=["focal_point"])
    lagos, lagos_rep = member("Lagos Forum", "NG")
    lagos.focal_point = lagos_rep
    lagos.save(update_fields=["focal_point"])
    strategy = drafting_strategy(world)
    deadline = later(10)
    call = endorsements.open_call(actor=bob, strategy=strategy, deadline=deadline)
    endorsements.endorse(actor=lagos_rep, strategy=strategy, position="endorse")
    asked = Notification.objects.filter(kind="strategies.endorse", target_id=str(call.pk))

    # ten days before the deadline: too early for a reminder
    assert remind_and_escalate(now=timezone.now())[0] == 0
    # just inside the reminder window: carol (not answered) is reminded, Lagos (answered) not
    almost = deadline - reminder_before() + dt.timedelta(minutes=5)
    reminded, _ = remind_and_escalate(now=almost)
    assert reminded == 1
    assert asked.get(recipient=carol).reminded_at == almost
    assert asked.get(recipient=lagos_rep).reminded_at is None
    mail = OutgoingMail.objects.get(subject__startswith="Reminder:")
    assert mail.to == carol.email and "Seoul Policy Centre" in mail.subject
    # once only
    assert remind_and_escalate(now=almost + dt.timedelta(minutes=1))[0] == 0


def test_only_the_lead_or_the_secretariat_opens_a_call(world):
    strategy = drafting_strategy(world)
    for persona in ("carol", "dave"):
        with pytest.raises(ServiceError) as err:
            endorsements.open_call(actor=world.users[persona], strategy=strategy, deadline=later())
        assert err.value.status == 403
    assert not EndorsementCall.objects.exists()
    endorsements.open_call(actor=world.users["alice"], strategy=strategy, deadline=later())
    assert EndorsementCall.objects.count() == 1


def test_a_deadline_in_the_past_is_refused_and_nothing_changes(world):
    strategy = drafting_strategy(world)
    with pytest.raises(ServiceError) as err:
        endorsements.open_call(actor=world.users["bob"], strategy=strategy, deadline=later(-1))
    assert err.value.field == "deadline" and "future" in err.value.message
    strategy.refresh_from_db()
    assert strategy.is_drafting and not EndorsementCall.objects.exists()
    assert not strategy.latest_version().is_published


def test_open_amendments_must_be_decided_before_the_text_goes_to_endorsement(world):
    from middleground.strategies import services

    strategy = drafting_strategy(world)
    paragraph = strategy.paragraphs.first()
    amendment = services.propose_amendment(
        actor=world.users["carol"], strategy=strategy, paragraph=paragraph, kind="delete"
    )
    with pytest.raises(ServiceError) as err:
        endorsements.open_call(actor=world.users["bob"], strategy=strategy, deadline=later())
    assert err.value.field == "amendments" and "1 open amendment" in err.value.message
    assert not EndorsementCall.objects.exists()
    assert not strategy.latest_version().is_published
    services.reject_amendment(actor=world.users["bob"], amendment=amendment, reason="Keep it.")
    endorsements.open_call(actor=world.users["bob"], strategy=strategy, deadline=later())
    assert EndorsementCall.objects.count() == 1


def test_a_strategy_already_open_cannot_be_opened_again(world):
    strategy = open_strategy(world)
    with pytest.raises(ServiceError) as err:
        endorsements.open_call(actor=world.users["bob"], strategy=strategy, deadline=later())
    assert err.value.field == "status"
    assert EndorsementCall.objects.count() == 1


# -- answering -------------------------------------------------------------------------


def test_a_representative_answers_for_her_own_institution_only(world):
    strategy = open_strategy(world)
    row = endorsements.endorse(actor=world.users["carol"], strategy=strategy, position="endorse")
    assert row.institution == world.seoul and row.by == world.users["carol"] and row.current
    for persona in ("bob", "dave", "alice"):
        with pytest.raises(ServiceError) as err:
            endorsements.endorse(actor=world.users[persona], strategy=strategy, position="endorse")
        assert err.value.status == 403
    assert Endorsement.objects.count() == 1


def test_a_representative_of_a_non_member_institution_is_refused(world):
    world.seoul.is_member = False
    world.seoul.save(update_fields=["is_member"])
    strategy = open_strategy(world)
    with pytest.raises(ServiceError):
        endorsements.endorse(actor=world.users["carol"], strategy=strategy, position="endorse")
    assert not Endorsement.objects.exists()


def test_a_change_of_position_keeps_the_history(world):
    strategy = open_strategy(world)
    carol = world.users["carol"]
    endorsements.endorse(actor=carol, strategy=strategy, position="take_note")
    endorsements.endorse(
        actor=carol,
        strategy=strategy,
        position="endorse_with_reservation",
        reservation="Monthly is too often for us.",
        reservation_paragraphs=["3"],
    )
    # the same answer again adds nothing
    endorsements.endorse(
        actor=carol,
        strategy=strategy,
        position="endorse_with_reservation",
        reservation="Monthly is too often for us.",
        reservation_paragraphs=[3],
    )
    call = endorsements.current_call(strategy)
    rows = list(endorsements.history(call, world.seoul))
    assert [(r.position, r.current) for r in rows] == [
        ("take_note", False),
        ("endorse_with_reservation", True),
    ]
    assert rows[1].reservation_paragraphs == [3]
    assert [r.position for r in endorsements.current_positions(call)] == [
        "endorse_with_reservation"
    ]


@pytest.mark.parametrize(
    ("kwargs", "field", "words"),
    [
        ({"position": "endorse_with_reservation"}, "reservation", "Write the reservation"),
        ({"position": "endorse_with_reservation", "reservation": "   "}, "reservation", "Write"),
        ({"position": "veto"}, "position", "Choose one of the positions"),
        (
            {
                "position": "endorse_with_reservation",
                "reservation": "No.",
                "reservation_paragraphs": [99],
            },
            "reservation_paragraphs",
            "no paragraph 99",
        ),
        (
            {
                "position": "endorse_with_reservation",
                "reservation": "No.",
                "reservation_paragraphs": ["x"],
            },
            "reservation_paragraphs",
            "not a paragraph number",
        ),
        ({"position": "endorse", "reservation": "But…"}, "reservation", "goes with"),
        ({"position": "dissociate", "reservation_paragraphs": [1]}, "reservation", "goes with"),
    ],
)
def test_bad_answers_are_refused_with_the_field_and_nothing_is_stored(world, kwargs, field, words):
    strategy = open_strategy(world)
    with pytest.raises(ServiceError) as err:
        endorsements.endorse(actor=world.users["carol"], strategy=strategy, **kwargs)
    assert err.value.field == field
    assert words in err.value.message
    assert not Endorsement.objects.exists()


def test_an_answer_after_the_deadline_is_refused(world):
    strategy = open_strategy(world)
    carol = world.users["carol"]
    endorsements.endorse(actor=carol, strategy=strategy, position="endorse")
    EndorsementCall.objects.update(deadline=timezone.now() - dt.timedelta(minutes=1))
    with pytest.raises(ServiceError) as err:
        endorsements.endorse(actor=carol, strategy=strategy, position="dissociate")
    assert err.value.message.startswith("The deadline for endorsement passed on")
    assert Endorsement.objects.count() == 1
    assert Endorsement.objects.get().position == "endorse"


def test_an_answer_marks_the_institution_request_done(world):
    carol = world.users["carol"]
    world.seoul.focal_point = carol
    world.seoul.save(update_fields=["focal_point"])
    strategy = drafting_strategy(world)
    call = endorsements.open_call(actor=world.users["bob"], strategy=strategy, deadline=later())
    request = Notification.objects.get(recipient=carol, kind="strategies.endorse")
    assert request.done_at is None
    endorsements.endorse(actor=carol, strategy=strategy, position="take_note")
    request.refresh_from_db()
    assert request.done_at is not None
    assert call.pk == endorsements.current_call(strategy).pk


# -- breadth ---------------------------------------------------------------------------


def test_breadth_with_real_countries_by_regional_group(world):
    # KR is in the Asia-Pacific Group, BR in GRULAC, DE in WEOG, NG in the African Group
    strategy = open_strategy(world)
    strategy.breadth_min_per_group, strategy.breadth_min_groups = 1, 3
    strategy.save(update_fields=["breadth_min_per_group", "breadth_min_groups"])
    endorsements.endorse(actor=world.users["carol"], strategy=strategy, position="endorse")
    _, br = member("Rio Institute", "BR")
    _, ng = member("Lagos Forum", "NG")
    _, de = member("Berlin Centre", "DE")
    endorsements.endorse(actor=br, strategy=strategy, position="endorse")
    endorsements.endorse(actor=ng, strategy=strategy, position="take_note")
    result = endorsements.breadth_for(strategy)
    assert result.counts == {"AFRICAN": 0, "APG": 1, "EEG": 0, "GRULAC": 1, "WEOG": 0}
    assert not result.met and result.missing == 1
    endorsements.endorse(
        actor=de,
        strategy=strategy,
        position="endorse_with_reservation",
        reservation="Not paragraph 4.",
        reservation_paragraphs=[4],
    )
    result = endorsements.breadth_for(strategy)
    assert result.groups_meeting == ["APG", "GRULAC", "WEOG"] and result.met


def test_breadth_by_bloc_counts_an_institution_in_each_of_its_blocs(world):
    # KR: G20, MIKTA, CICA; BR: BRICS, G20
    strategy = open_strategy(world)
    strategy.breadth_kind = "blocs"
    strategy.breadth_min_per_group, strategy.breadth_min_groups = 2, 1
    strategy.save(update_fields=["breadth_kind", "breadth_min_per_group", "breadth_min_groups"])
    endorsements.endorse(actor=world.users["carol"], strategy=strategy, position="endorse")
    _, br = member("Rio Institute", "BR")
    endorsements.endorse(actor=br, strategy=strategy, position="endorse")
    result = endorsements.breadth_for(strategy)
    assert result.counts["G20"] == 2 and result.counts["BRICS"] == 1 and result.counts["MIKTA"] == 1
    assert result.groups_meeting == ["G20"] and result.met


# -- closing ---------------------------------------------------------------------------


def test_silence_procedure_adopts_without_a_dissociation(
    world, django_capture_on_commit_callbacks, monkeypatch
):
    adopted = []
    monkeypatch.setattr(publication, "on_adopted", lambda s: adopted.append(s.pk))
    strategy = open_strategy(world, silence=True)
    endorsements.endorse(actor=world.users["carol"], strategy=strategy, position="take_note")
    call = endorsements.current_call(strategy)
    with django_capture_on_commit_callbacks(execute=True):
        endorsements.close_call(actor=world.users["alice"], call=call)
    call.refresh_from_db()
    strategy.refresh_from_db()
    assert call.adopted is True and call.closed_at is not None
    assert strategy.status == StrategyStatus.ADOPTED
    assert adopted == [strategy.pk]


def test_silence_procedure_fails_when_an_institution_breaks_silence(world, monkeypatch):
    adopted = []
    monkeypatch.setattr(publication, "on_adopted", lambda s: adopted.append(s.pk))
    strategy = open_strategy(world, silence=True)
    endorsements.endorse(actor=world.users["carol"], strategy=strategy, position="dissociate")
    call = endorsements.close_call(
        actor=world.users["alice"], call=endorsements.current_call(strategy)
    )
    strategy.refresh_from_db()
    assert call.adopted is False and strategy.status == StrategyStatus.NOT_ADOPTED
    assert adopted == []


def test_without_silence_the_breadth_rule_decides(world):
    strategy = open_strategy(world)
    strategy.breadth_min_per_group, strategy.breadth_min_groups = 1, 2
    strategy.save(update_fields=["breadth_min_per_group", "breadth_min_groups"])
    endorsements.endorse(actor=world.users["carol"], strategy=strategy, position="endorse")  # APG
    call = endorsements.close_call(
        actor=world.users["alice"], call=endorsements.current_call(strategy)
    )
    assert call.adopted is False  # one group only

    other = open_strategy(world, title="Second strategy")
    other.breadth_min_per_group, other.breadth_min_groups = 1, 2
    other.save(update_fields=["breadth_min_per_group", "breadth_min_groups"])
    _, pl = member("Warsaw Institute", "PL")  # EEG
    endorsements.endorse(actor=world.users["carol"], strategy=other, position="endorse")
    endorsements.endorse(actor=pl, strategy=other, position="endorse")
    call = endorsements.close_call(
        actor=world.users["alice"], call=endorsements.current_call(other)
    )
    assert call.adopted is True


def test_only_the_secretariat_closes_early_and_a_closed_call_stays_closed(world):
    strategy = open_strategy(world)
    call = endorsements.current_call(strategy)
    for persona in ("bob", "carol", "dave"):
        with pytest.raises(ServiceError) as err:
            endorsements.close_call(actor=world.users[persona], call=call)
        assert err.value.status == 403
    with pytest.raises(ServiceError):
        endorsements.close_call(actor=None, call=call)  # the deadline has not passed
    call.refresh_from_db()
    assert call.is_open
    endorsements.close_call(actor=world.users["alice"], call=call)
    with pytest.raises(ServiceError):
        endorsements.close_call(actor=world.users["alice"], call=call)
    with pytest.raises(ServiceError) as err:
        endorsements.endorse(actor=world.users["carol"], strategy=strategy, position="endorse")
    assert "not open" in err.value.message


def test_closing_informs_the_task_force_and_the_institutions_that_answered(world):
    carol = world.users["carol"]
    world.seoul.focal_point = carol
    world.seoul.save(update_fields=["focal_point"])
    strategy = open_strategy(world)
    rio, br = member("Rio Institute", "BR")
    endorsements.endorse(actor=br, strategy=strategy, position="endorse")
    endorsements.close_call(actor=world.users["alice"], call=endorsements.current_call(strategy))
    told = Notification.objects.filter(kind="strategies.endorsement_closed")
    # the lead (bob), seoul's focal point (task force), rio's representative (answered)
    assert {n.recipient.username for n in told} == {"bob", "carol", br.username}
    assert not any(n.action_required for n in told)


def test_periodic_closes_an_expired_call_only(world):
    expired = open_strategy(world, days=1, title="Expired strategy")
    running = open_strategy(world, days=5, title="Running strategy")
    EndorsementCall.objects.filter(strategy=expired).update(
        deadline=timezone.now() - dt.timedelta(hours=1)
    )
    assert periodic.run() == "1 endorsement calls closed"
    expired.refresh_from_db()
    running.refresh_from_db()
    assert expired.status == StrategyStatus.NOT_ADOPTED  # nobody endorsed
    assert running.status == StrategyStatus.ENDORSEMENT
    assert periodic.run() == "0 endorsement calls closed"
    audit = AuditEvent.objects.get(action="strategies.endorsement.close")
    assert audit.actor is None


def test_box_says_what_the_strategy_page_shows(world):
    strategy = drafting_strategy(world)
    assert endorsements.box(strategy, world.users["carol"]) is None
    strategy = open_strategy(world, title="Open one")
    endorsements.endorse(actor=world.users["carol"], strategy=strategy, position=Position.ENDORSE)
    box = endorsements.box(strategy, world.users["carol"])
    assert box["can_endorse"] and box["my_position"].position == "endorse"
    assert {c["position"]: c["n"] for c in box["counts"]}["endorse"] == 1
    assert box["met"] is False  # 3 groups needed by default
    assert endorsements.box(strategy, world.users["bob"])["can_endorse"] is False
    assert [i.name for i in endorsements.not_answered(box["call"])] == [world.astana.name]
