"""Panel invitations bind to a person, or to an address that person has verified: an address
typed into a profile never seats anyone (issue 13, finding 1)."""

from middleground.accounts.models import User
from middleground.delphi import selectors, services
from middleground.delphi.models import PanelInvite, PanelSeat

from .factories import answers_for, make_panellist

INVITEE = "invitee@example.org"


def _claim_address(user: User, email: str) -> None:
    """What a profile edit leaves behind: a new address, not verified."""
    user.email, user.email_verified = email, False
    user.save(update_fields=["email", "email_verified"])


def _assert_kept_out(client, study, user):
    """Not seated, and neither the panel's pages nor its API let the user in."""
    assert not PanelSeat.objects.filter(study=study, user=user).exists()
    assert client.get("/delphi/").status_code == 200  # where address invites are claimed
    assert client.get(f"/delphi/{study.slug}/").status_code in (403, 404)
    assert not PanelSeat.objects.filter(study=study, user=user).exists()
    assert client.get(f"/delphi/{study.slug}/answer/").status_code in (403, 404)
    assert client.get(f"/delphi/{study.slug}/results/").status_code in (403, 404)
    assert client.get(f"/delphi/{study.slug}/answers.csv").status_code in (403, 404)
    round = study.open_round()
    response = client.post(
        f"/api/v1/delphi/rounds/{round.pk}/answers",
        {"answers": answers_for(study)},
        content_type="application/json",
    )
    assert response.status_code in (403, 404)
    assert not round.answers.exists()


def test_unverified_address_typed_before_the_invite_does_not_seat_its_holder(
    world, study, as_persona
):
    dave = world.users["dave"]
    _claim_address(dave, INVITEE)
    response = as_persona("alice").post(
        f"/api/v1/delphi/studies/{study.pk}/panel",
        {"emails": [INVITEE]},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert response.json() == {
        "added": [{"email": INVITEE, "accepted": False}],
        "already_invited": 0,
        "rejected": [],
    }
    invite = PanelInvite.objects.get(study=study, email=INVITEE)
    assert invite.user is None and invite.accepted_at is None
    # the address's real owner still gets a sign-up link: the squatter blocks nobody
    assert invite.invitation is not None and invite.invitation.email == INVITEE
    _assert_kept_out(as_persona("dave"), study, dave)


def test_unverified_address_typed_after_the_invite_does_not_claim_it(world, study, as_persona):
    services.invite_panel(
        actor=world.users["alice"],
        study=study,
        emails=[INVITEE],
        accept_url_base="http://testserver/accounts/invitations/accept",
    )
    dave = world.users["dave"]
    _claim_address(dave, INVITEE)
    _assert_kept_out(as_persona("dave"), study, dave)
    assert PanelInvite.objects.get(study=study, email=INVITEE).user is None


def test_account_that_verifies_an_invited_address_is_seated(world, study, as_persona):
    services.invite_panel(
        actor=world.users["alice"],
        study=study,
        emails=[INVITEE],
        accept_url_base="http://testserver/accounts/invitations/accept",
    )
    dave = world.users["dave"]
    _claim_address(dave, INVITEE)
    User.objects.filter(pk=dave.pk).update(email_verified=True)  # the address proved his
    client = as_persona("dave")
    assert client.get("/delphi/").status_code == 200
    assert PanelSeat.objects.filter(study=study, user=dave).exists()
    assert client.get(f"/delphi/{study.slug}/answer/").status_code == 200
    assert PanelInvite.objects.get(study=study, email=INVITEE).user == dave


def test_verified_holder_is_seated_at_once_and_unverified_one_waits(world, study):
    alice = world.users["alice"]
    verified = make_panellist("verified", world.astana)
    unverified = make_panellist("unverified", world.astana, verified=False)
    invites = services.invite_panel(
        actor=alice,
        study=study,
        emails=[verified.email, unverified.email],
        accept_url_base="http://testserver/accounts/invitations/accept",
    )
    assert {i.email: i.accepted_at is not None for i in invites} == {
        verified.email: True,
        unverified.email: False,
    }
    assert PanelSeat.objects.filter(study=study, user=verified).exists()
    assert not PanelSeat.objects.filter(study=study, user=unverified).exists()
    assert selectors.seat_of(unverified, study) is None
