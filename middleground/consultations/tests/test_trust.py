"""Trust (issue 13): invitations by verified address, anonymity only stronger, what exports
publish (accepted statements, no author joined to votes, no formula cells), small groups."""

import csv
import io
import json
import zipfile

import pytest
from django.core.cache import cache

from middleground.accounts.models import Invitation
from middleground.consultations import services
from middleground.consultations.models import (
    Invitee,
    Participant,
    Statement,
    StatementStatus,
    Vote,
)
from middleground.testing import api_post


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


def api_patch(client, path, data):
    return client.patch(path, json.dumps(data), content_type="application/json")


def polis_csv(client, consultation, name):
    response = client.get(f"/consultations/{consultation.slug}/export/polis.zip")
    assert response.status_code == 200
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        text = archive.read(f"{consultation.slug}/{name}").decode()
    return list(csv.DictReader(io.StringIO(text)))


def vote(client, consultation, statement, value):
    return api_post(
        client,
        f"/api/v1/consultations/{consultation.pk}/votes",
        {"statement": statement.pk, "vote": value},
    )


# --- finding 1: invitations by e-mail match only a verified address ----------------------


def _invited_consultation(alice, make_consultation):
    """An invited consultation, and an invitation to an address nobody has verified."""
    invited = make_consultation(visibility="invited", anonymity="named")
    response = api_post(
        alice, f"/api/v1/consultations/{invited.pk}/invitations", {"emails": ["eve@example.org"]}
    )
    assert response.status_code == 201
    return invited


def _dave_claims(world, email, *, verified):
    dave = world.users["dave"]
    dave.email, dave.email_verified = email, verified
    dave.save(update_fields=["email", "email_verified"])


def _dave_reaches(client, consultation):
    statement = consultation.statements.order_by("number").first()
    base = f"/consultations/{consultation.slug}"
    return {
        "page": client.get(f"{base}/").status_code,
        "json": client.get(f"{base}/export.json").status_code,
        "polis": client.get(f"{base}/export/polis.zip").status_code,
        "report": client.get(f"{base}/report.pdf").status_code,
        "participate": client.get(f"{base}/participate/").status_code,
        "api": client.get(f"/api/v1/consultations/{consultation.pk}").status_code,
        "vote": vote(client, consultation, statement, 1).status_code,
        "listed": consultation.pk
        in [c["id"] for c in client.get("/api/v1/consultations").json()["items"]],
    }


def test_an_unverified_address_never_opens_an_invited_consultation(
    world, as_persona, make_consultation
):
    invited = _invited_consultation(as_persona("alice"), make_consultation)
    # dave types the invitee's address into his profile, as the profile form would let him
    _dave_claims(world, "eve@example.org", verified=False)
    reached = _dave_reaches(as_persona("dave"), invited)
    assert reached == {
        "page": 404,
        "json": 404,
        "polis": 404,
        "report": 404,
        "participate": 404,
        "api": 404,
        "vote": 404,
        "listed": False,
    }
    assert not Participant.objects.filter(consultation=invited).exists()


def test_a_verified_address_opens_the_invited_consultation(world, as_persona, make_consultation):
    invited = _invited_consultation(as_persona("alice"), make_consultation)
    _dave_claims(world, "Eve@Example.org", verified=True)
    reached = _dave_reaches(as_persona("dave"), invited)
    assert set(reached.values()) == {200, True}


def test_an_invitation_binds_only_an_account_whose_address_is_verified(
    world, as_persona, make_consultation
):
    invited = make_consultation(visibility="invited")
    _dave_claims(world, "eve@example.org", verified=False)
    response = api_post(
        as_persona("alice"),
        f"/api/v1/consultations/{invited.pk}/invitations",
        {"emails": ["eve@example.org", "bob@example.org"]},
    )
    assert response.status_code == 201
    bound = dict(Invitee.objects.filter(consultation=invited).values_list("email", "user"))
    assert bound == {"eve@example.org": None, "bob@example.org": world.users["bob"].pk}
    assert as_persona("dave").get(f"/consultations/{invited.slug}/").status_code == 404
    # the address's real owner still gets a sign-up link: the squatter blocks nobody
    assert Invitation.objects.filter(email="eve@example.org", used_at=None).exists()


# --- finding 2: anonymity only stronger; named exports join no name to votes -------------


def test_anonymity_cannot_be_weakened_once_someone_has_taken_part(
    world, as_persona, make_consultation
):
    consultation = make_consultation(anonymity="pseudonymous")
    alice = as_persona("alice")
    url = f"/api/v1/consultations/{consultation.pk}"
    # nobody has joined yet: any change is fine
    assert api_patch(alice, url, {"anonymity": "named"}).status_code == 200
    assert api_patch(alice, url, {"anonymity": "pseudonymous"}).status_code == 200
    assert (
        vote(as_persona("bob"), consultation, consultation.statements.first(), 1).status_code == 200
    )

    refused = api_patch(alice, url, {"anonymity": "named"})
    assert refused.status_code == 400 and refused.json()["field"] == "anonymity"
    page = f"/consultations/{consultation.slug}/edit/"
    form = alice.get(page).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None and k != "focus_areas"}
    response = alice.post(page, {**data, "anonymity": "named"})
    assert response.status_code == 200
    assert response.context["form"].errors["anonymity"] == [
        "People have already taken part under this anonymity: it can be made stronger, "
        "never weaker."
    ]
    consultation.refresh_from_db()
    assert consultation.anonymity == "pseudonymous"
    # stronger is allowed, and then there is no way back
    assert api_patch(alice, url, {"anonymity": "anonymous"}).json()["anonymity"] == "anonymous"
    assert api_patch(alice, url, {"anonymity": "pseudonymous"}).status_code == 400


def test_a_named_consultations_exports_join_no_author_to_their_votes(
    world, as_persona, make_consultation
):
    consultation = make_consultation(anonymity="named")
    bob, carol = as_persona("bob"), as_persona("carol")
    written = api_post(
        bob, f"/api/v1/consultations/{consultation.pk}/statements", {"text": "Bob wrote this."}
    )
    assert written.status_code == 201
    statements = list(consultation.statements.order_by("number"))
    for statement in statements:
        assert vote(bob, consultation, statement, 1).status_code == 200
        assert vote(carol, consultation, statement, -1).status_code == 200
    vote(bob, consultation, statements[0], 0)  # a changed vote: history would show it
    # the page names the author, as a named consultation does
    ours = Statement.objects.get(text="Bob wrote this.")
    participant = Participant.objects.get(consultation=consultation, user=world.users["bob"])
    assert ours.author == participant
    services.run_analysis(consultation_id=consultation.pk)

    for client in (as_persona("anonymous"), as_persona("alice")):
        comments = polis_csv(client, consultation, "comments.csv")
        assert {row["author-id"] for row in comments} == {""}
        assert all(int(row["timestamp"]) % 86_400_000 == 0 for row in comments)  # to the day
        people = polis_csv(client, consultation, "participants-votes.csv")
        assert {row["n-comments"] for row in people} == {"0"}
        votes = polis_csv(client, consultation, "votes.csv")
        assert len(votes) == Vote.objects.filter(consultation=consultation).count()  # no history
        assert sorted({int(row["voter-id"]) for row in votes}) == [1, 2]
        assert all(int(row["timestamp"]) % 86_400_000 == 0 for row in votes)
        exported = client.get(f"/consultations/{consultation.slug}/export.json").json()
        assert {s["author"] for s in exported["statements"]} == {None}
        assert all(s["created_at"].endswith("T00:00:00+00:00") for s in exported["statements"])


def test_a_pseudonymous_consultations_export_keeps_authors_and_history(
    world, as_persona, make_consultation
):
    consultation = make_consultation(anonymity="pseudonymous")
    bob = as_persona("bob")
    api_post(bob, f"/api/v1/consultations/{consultation.pk}/statements", {"text": "By number."})
    first = consultation.statements.order_by("number").first()
    vote(bob, consultation, first, 1)
    vote(bob, consultation, first, -1)
    number = str(Participant.objects.get(consultation=consultation).number)
    comments = polis_csv(bob, consultation, "comments.csv")
    assert [row["author-id"] for row in comments if row["comment-body"] == "By number."] == [number]
    assert [row["vote"] for row in polis_csv(bob, consultation, "votes.csv")] == ["1", "-1"]


# --- finding 4: exports show non-managers accepted statements only ------------------------


def test_exports_show_non_managers_only_accepted_statements(world, as_persona, make_consultation):
    consultation = make_consultation(moderation="before")
    bob, alice = as_persona("bob"), as_persona("alice")
    api_post(bob, f"/api/v1/consultations/{consultation.pk}/statements", {"text": "Pending text."})
    api_post(bob, f"/api/v1/consultations/{consultation.pk}/statements", {"text": "Rejected text."})
    rejected = Statement.objects.get(text="Rejected text.")
    services.moderate_statement(actor=world.users["alice"], statement=rejected, accept=True)
    assert vote(bob, consultation, rejected, 1).status_code == 200
    services.moderate_statement(actor=world.users["alice"], statement=rejected, accept=False)
    assert vote(bob, consultation, consultation.statements.first(), 1).status_code == 200
    services.run_analysis(consultation_id=consultation.pk)
    hidden = set(
        consultation.statements.exclude(status=StatementStatus.ACCEPTED).values_list(
            "number", flat=True
        )
    )
    assert len(hidden) == 2

    def exported(client):
        data = client.get(f"/consultations/{consultation.slug}/export.json").json()
        api = client.get(f"/api/v1/consultations/{consultation.pk}/results").json()
        return {
            "texts": {s["text"] for s in data["statements"]}
            | {row["comment-body"] for row in polis_csv(client, consultation, "comments.csv")},
            "ids": {s["id"] for s in data["statements"]}
            | {s["statement"] for s in data["votes"]}
            | {s["id"] for s in data["results"]["statements"]}
            | {s["id"] for s in api["statements"]}
            | {int(r["comment-id"]) for r in polis_csv(client, consultation, "votes.csv")}
            | {
                int(k)
                for k in polis_csv(client, consultation, "participants-votes.csv")[0]
                if k.isdigit()
            },
        }

    for persona in ("anonymous", "dave", "bob"):
        seen = exported(as_persona(persona))
        assert not seen["texts"] & {"Pending text.", "Rejected text."}, persona
        assert not seen["ids"] & hidden, persona
        report = as_persona(persona).get(f"/consultations/{consultation.slug}/report/")
        assert "Rejected text." not in report.content.decode()
    managed = exported(alice)
    assert {"Pending text.", "Rejected text."} <= managed["texts"]
    assert hidden <= managed["ids"]


# --- finding 7: small declared groups ----------------------------------------------------


def test_a_lone_declared_group_is_never_shown_nor_recoverable(world, as_persona, make_consultation):
    consultation = make_consultation(
        anonymity="pseudonymous", statements=[f"Statement {i}." for i in range(1, 5)]
    )
    statements = list(consultation.statements.order_by("number"))
    regions = ["APG"] * 6 + ["WEOG"] * 6 + ["EEG"]  # one person from Eastern Europe
    for n, region in enumerate(regions):
        participant = Participant.objects.create(
            consultation=consultation, number=100 + n, regional_group=region, simulated=True
        )
        for statement in statements:
            value = -1 if region == "EEG" else (1 if n % 3 else 0)
            Vote.objects.create(
                consultation=consultation,
                participant=participant,
                statement=statement,
                value=value,
                created_at=statement.created_at,
                updated_at=statement.created_at,
            )
    services.run_analysis(consultation_id=consultation.pk)
    client = as_persona("dave")
    api = client.get(f"/api/v1/consultations/{consultation.pk}/results").json()
    page = client.get(f"/consultations/{consultation.slug}/results/").content.decode()
    report = client.get(f"/consultations/{consultation.slug}/report/").content.decode()
    data = client.get(f"/consultations/{consultation.slug}/export.json").content.decode()
    for published in (json.dumps(api), page, report, data):
        assert "EEG" not in published and "small_groups" not in published

    declared = api["declared_groups"]
    minimum = declared["min_group_size"]
    shown = {g["label"] for g in declared["groups"]}
    assert shown and all(g["size"] >= minimum for g in declared["groups"])
    # total minus the groups shown is the votes of the unattributed: never fewer than minimum
    unattributed = [r for r in regions if r not in shown]
    assert declared["unattributed_participants"] == len(unattributed) >= minimum
    totals = {s["id"]: s["agrees"] + s["disagrees"] + s["passes"] for s in api["statements"]}
    for row in declared["statements"]:
        in_groups = sum(g["votes"] for g in row["per_group"].values())
        assert totals[row["id"]] - in_groups == len(unattributed)
    assert f"{len(unattributed)} participants are in no group shown" in page


# --- finding 8: no formula cells in the CSV exports ---------------------------------------


def test_a_formula_statement_is_exported_as_text(world, as_persona, make_consultation):
    formula = '=HYPERLINK("http://evil.example/","click")'
    consultation = make_consultation(statements=[formula, "-1 is a plain statement too."])
    bodies = [
        r["comment-body"] for r in polis_csv(as_persona("dave"), consultation, "comments.csv")
    ]
    assert bodies == ["'" + formula, "'-1 is a plain statement too."]
