"""Delegations: quotas, institution members only, one delegation per person, swaps."""

import pytest

from middleground.accounts.models import User
from middleground.core.errors import ServiceError
from middleground.forum import registration
from middleground.forum.models import Registration, RegistrationType

from .factories import event


@pytest.fixture
def setup(world):
    forum = event(world)
    delegates = RegistrationType.objects.create(
        event=forum, name="Delegations", capacity=10, delegates_only=True, position=1
    )
    seoul = registration.set_delegation(
        actor=world.users["alice"],
        event=forum,
        institution=world.seoul,
        quota=1,
        substitutes_quota=1,
        head=world.users["carol"],
    )
    people = [User.objects.create_user(f"kr{i}", institution=world.seoul) for i in range(3)]
    return forum, delegates, seoul, people


def test_quota_is_never_exceeded_with_a_clear_error(world, setup):
    forum, delegates, seoul, people = setup
    carol = world.users["carol"]
    first = registration.name_delegate(actor=carol, delegation=seoul, user=people[0])
    assert first.type == delegates and first.status == "confirmed"
    with pytest.raises(ServiceError) as err:
        registration.name_delegate(actor=carol, delegation=seoul, user=people[1])
    assert err.value.field == "user" and "1 of 1 delegates" in err.value.message
    assert Registration.objects.filter(delegation=seoul).count() == 1


def test_only_people_of_the_institution_and_only_the_head(world, setup):
    forum, _, seoul, people = setup
    with pytest.raises(ServiceError) as err:
        registration.name_delegate(
            actor=world.users["carol"], delegation=seoul, user=world.users["bob"]
        )
    assert err.value.field == "user"
    with pytest.raises(ServiceError) as err:
        registration.name_delegate(actor=world.users["bob"], delegation=seoul, user=people[0])
    assert err.value.status == 403
    assert Registration.objects.count() == 0


def test_swap_keeps_the_quotas(world, setup):
    _, _, seoul, people = setup
    carol = world.users["carol"]
    dele = registration.name_delegate(actor=carol, delegation=seoul, user=people[0])
    sub = registration.name_delegate(actor=carol, delegation=seoul, user=people[1], substitute=True)
    registration.swap_substitute(actor=carol, delegation=seoul, substitute=sub, delegate=dele)
    dele.refresh_from_db()
    sub.refresh_from_db()
    assert (dele.is_substitute, sub.is_substitute) == (True, False)


def test_self_registered_person_moves_into_the_delegation(world, setup):
    forum, delegates, seoul, people = setup
    own = registration.register(
        actor=people[0], event=forum, registration_type=forum.registration_types.get(name="General")
    )
    moved = registration.name_delegate(actor=world.users["carol"], delegation=seoul, user=people[0])
    own.refresh_from_db()
    assert own.status == "cancelled" and moved.type == delegates


def test_delegation_page_names_and_refuses_beyond_quota(world, setup, as_persona):
    forum, _, seoul, people = setup
    carol = as_persona("carol")
    url = f"/forum/{forum.slug}/delegations/{seoul.pk}/"
    assert carol.post(url, {"action": "name", "user": people[0].pk}).status_code == 302
    again = carol.post(url, {"action": "name", "user": people[1].pk})
    assert b"1 of 1 delegates" in again.content
    assert Registration.objects.filter(delegation=seoul).count() == 1


def test_each_step_reaches_the_person_as_a_notification(world, setup):
    """Confirmation and changes go through notifications: the head is told they lead, each
    named person gets their code, a swap tells both, a cancellation by the head tells the
    person, and a self-registration is confirmed with its code."""
    from middleground.notifications.models import Notification

    forum, _, seoul, people = setup
    carol = world.users["carol"]

    def kinds(user):
        return list(
            Notification.objects.filter(recipient=user)
            .order_by("pk")
            .values_list("kind", flat=True)
        )

    assert kinds(carol) == ["forum.delegation_head"]
    dele = registration.name_delegate(actor=carol, delegation=seoul, user=people[0])
    sub = registration.name_delegate(actor=carol, delegation=seoul, user=people[1], substitute=True)
    first = Notification.objects.get(recipient=people[0])
    assert first.kind == "forum.delegate" and dele.code in str(first.title)
    registration.swap_substitute(actor=carol, delegation=seoul, substitute=sub, delegate=dele)
    assert kinds(people[0]) == ["forum.delegate", "forum.delegate"]
    assert kinds(people[1]) == ["forum.delegate", "forum.delegate"]
    registration.cancel(actor=carol, registration=Registration.objects.get(pk=dele.pk))
    assert kinds(people[0])[-1] == "forum.cancelled"
    own = registration.register(
        actor=people[2], event=forum, registration_type=forum.registration_types.get(name="General")
    )
    confirmed = Notification.objects.get(recipient=people[2])
    assert confirmed.kind == "forum.registered" and own.code in str(confirmed.title)
