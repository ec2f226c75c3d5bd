"""Edits save only the fields they change: a concurrent change of another field survives,
and the application limits are read from settings at each call."""

import pytest

from middleground.accounts.models import User
from middleground.core.errors import ServiceError
from middleground.network import services
from middleground.network.models import (
    ApplicationStatus,
    Expert,
    FocusArea,
    Institution,
    MembershipApplication,
    TaskForce,
    Visibility,
)


def _person(username: str) -> User:
    return User.objects.get(username=username)


@pytest.fixture
def alice(world):
    return _person("alice")


def test_an_institution_edit_keeps_a_concurrent_membership_decision(alice):
    stale = Institution.objects.get(slug="seoul-policy-centre")
    Institution.objects.filter(pk=stale.pk).update(verified=True, is_member=False)
    services.update_institution(actor=alice, institution=stale, data={"acronym": "SPC"})
    row = Institution.objects.get(pk=stale.pk)
    assert row.acronym == "SPC"
    assert row.verified and not row.is_member


def test_an_application_decision_keeps_a_concurrent_change_of_its_motivation(alice):
    stale = MembershipApplication.objects.get(institution__slug="applicant-institute")
    MembershipApplication.objects.filter(pk=stale.pk).update(motivation="We study rivers.")
    services.decide_application(actor=alice, application=stale, approve=False, note="Not yet.")
    row = MembershipApplication.objects.get(pk=stale.pk)
    assert row.status == ApplicationStatus.REJECTED
    assert row.motivation == "We study rivers."


def test_an_expert_edit_keeps_a_concurrent_change_of_visibility(alice):
    stale = Expert.objects.get(slug="bob-bekov")
    Expert.objects.filter(pk=stale.pk).update(visibility=Visibility.NETWORK)
    services.update_expert(actor=alice, expert=stale, data={"title": "Senior fellow"})
    row = Expert.objects.get(pk=stale.pk)
    assert row.title == "Senior fellow"
    assert row.visibility == Visibility.NETWORK


def test_a_focus_area_edit_keeps_a_concurrent_change_of_its_slug(alice):
    stale = FocusArea.objects.get(slug="water-security")
    FocusArea.objects.filter(pk=stale.pk).update(slug="water")
    services.save_focus_area(actor=alice, focus_area=stale, data={"name": "Water"})
    row = FocusArea.objects.get(pk=stale.pk)
    assert row.name == "Water"
    assert row.slug == "water"


def test_a_task_force_edit_keeps_a_concurrent_change_of_its_mandate(alice):
    stale = TaskForce.objects.get(slug="water-tf")
    TaskForce.objects.filter(pk=stale.pk).update(mandate="Share river data.")
    services.save_task_force(actor=alice, task_force=stale, data={"name": "Water (renamed)"})
    row = TaskForce.objects.get(pk=stale.pk)
    assert row.name == "Water (renamed)"
    assert row.mandate == "Share river data."


def test_the_application_limits_come_from_settings_at_each_call(world, settings):
    settings.NETWORK_MAX_PENDING_APPLICATIONS = 1  # dave's application in the world waits
    data = {"name": "Institute 1", "kind": "ngo", "country": "BR"}
    with pytest.raises(ServiceError) as refused:
        services.apply_for_membership(actor=_person("dave"), data=data, motivation="Why.")
    assert refused.value.status == 429
    settings.NETWORK_MAX_PENDING_APPLICATIONS = 2
    services.apply_for_membership(actor=_person("dave"), data=data, motivation="Why.")
    assert Institution.objects.filter(name="Institute 1").exists()
