"""Locked rules and versions; panel invitations; expertise; reminders; each item type."""

import pytest
from django.core import mail

from middleground.accounts.models import Invitation, Role, User
from middleground.accounts.services import accept_invitation
from middleground.core.errors import ServiceError
from middleground.delphi import services, stats
from middleground.delphi.models import (
    ItemKind,
    PanelInvite,
    PanelSeat,
    Reminder,
    Study,
    StudyStatus,
)

from .factories import RULES, answers_for, make_panellist


def test_rules_cannot_be_edited_after_launch(world, study, as_persona):
    alice = world.users["alice"]
    with pytest.raises(ServiceError) as exc:
        services.update_study(
            actor=alice, study=study, data={"rules": {"min_answers": 1, "max_iqr": 3}}
        )
    assert exc.value.status == 409
    response = as_persona("alice").patch(
        f"/api/v1/delphi/studies/{study.pk}",
        {"rules": {"max_iqr": 3}},
        content_type="application/json",
    )
    assert response.status_code == 409
    study.refresh_from_db()
    assert study.rules == services.parse_rules(RULES)
    # the edit page of a launched study sends the secretariat to the new-version form
    assert as_persona("alice").get(f"/delphi/{study.slug}/edit/")["Location"].endswith("/version/")


def test_changing_rules_makes_a_new_version_with_a_visible_note(world, panel, study, as_persona):
    alice = world.users["alice"]
    new = services.new_version(
        actor=alice,
        study=study,
        rules={"min_answers": 3, "max_iqr": 2},
        note="IQR 1 was too strict.",
    )
    study.refresh_from_db()
    assert study.status == StudyStatus.SUPERSEDED and study.open_round() is None
    assert new.version == 2 and new.previous_version == study and new.is_draft
    assert new.items.count() == study.items.count()
    assert PanelSeat.objects.filter(study=new).count() == len(panel)
    old_pseudonyms = set(study.panellists.values_list("pseudonym", flat=True))
    assert not old_pseudonyms & set(new.panellists.values_list("pseudonym", flat=True))
    page = as_persona("bob").get(f"/delphi/{study.slug}/").content.decode()
    assert "This version was replaced" in page
    services.launch_study(actor=alice, study=new)
    page = as_persona("bob").get(f"/delphi/{new.slug}/").content.decode()
    assert "IQR 1 was too strict." in page and "Version 2" in page
    with pytest.raises(ServiceError):
        services.new_version(actor=alice, study=study, rules=RULES, note="again")
    with pytest.raises(ServiceError):
        services.new_version(actor=alice, study=new, rules=RULES, note="")


def test_invitation_link_seats_the_new_account_on_first_visit(
    world, study, django_capture_on_commit_callbacks
):
    alice = world.users["alice"]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.invite_panel(
            actor=alice,
            study=study,
            emails=["newcomer@example.org"],
            accept_url_base="http://testserver/accounts/invitations/accept",
            institution=world.astana,
        )
    assert len(mail.outbox) == 1
    link = mail.outbox[0].body.split("http://testserver")[1].split()[0]
    token = link.rstrip("/").rsplit("/", 1)[-1]
    user = accept_invitation(token=token, username="newcomer", password="A-long-passphrase-42")
    assert not PanelSeat.objects.filter(study=study, user=user).exists()
    from django.test import Client

    client = Client()
    client.force_login(user)
    assert client.get("/delphi/").status_code == 200
    assert PanelSeat.objects.filter(study=study, user=user).exists()
    assert client.get(f"/delphi/{study.slug}/answer/").status_code == 200
    assert PanelInvite.objects.get(email="newcomer@example.org").accepted_at is not None


def test_task_force_chair_representative_can_invite_members_with_accounts(world, study):
    alice = world.users["alice"]
    study.task_force = world.task_force  # chaired by the Astana institute
    study.save()
    chair_rep = User.objects.create_user(
        "chairrep", "chair@example.org", "pw", role=Role.REPRESENTATIVE, institution=world.astana
    )
    member = make_panellist("member9", world.astana)
    services.invite_panel(actor=chair_rep, study=study, emails=[member.email], accept_url_base="x")
    assert PanelSeat.objects.filter(study=study, user=member).exists()
    with pytest.raises(ServiceError) as exc:
        services.invite_panel(
            actor=chair_rep, study=study, emails=["nobody@example.org"], accept_url_base="x"
        )
    assert "Only the secretariat can send sign-up links" in exc.value.message
    with pytest.raises(ServiceError):
        services.invite_panel(
            actor=world.users["carol"], study=study, emails=[member.email], accept_url_base="x"
        )
    assert not Invitation.objects.filter(email="nobody@example.org").exists()
    assert alice.is_secretariat


def test_expertise_self_rating_per_topic(world, panel):
    from .factories import running_study

    study = running_study(world.users["alice"], panel, title="Topics", topics=["Hydrology", "Law"])
    panellist = services.set_expertise(
        actor=panel[0], study=study, ratings={"Hydrology": 4, "Law": ""}
    )
    assert panellist.expertise == {"Hydrology": 4}
    with pytest.raises(ServiceError):
        services.set_expertise(actor=panel[0], study=study, ratings={"Hydrology": 7})
    with pytest.raises(ServiceError):
        services.set_expertise(actor=panel[0], study=study, ratings={"Astrology": 3})


def test_reminders_go_once_per_person_round_and_day_to_those_who_have_not_answered(
    world, panel, study
):
    from middleground.delphi import periodic

    services.submit_answers(
        actor=panel[0], study=study, round=study.open_round(), answers=answers_for(study)
    )
    from middleground.notifications.models import Notification, OutgoingMail

    assert periodic.run() == "3 reminder(s) sent"
    reminders = Notification.objects.filter(kind="delphi.reminder")
    assert sorted(n.recipient.email for n in reminders) == sorted(u.email for u in panel[1:])
    assert all(n.action_required and n.due_at == study.open_round().closes_at for n in reminders)
    # one message per person, not per item, mailed at once (action required)
    mails = OutgoingMail.objects.filter(subject__startswith="Reminder")
    assert sorted(m.to for m in mails) == sorted(u.email for u in panel[1:])
    assert periodic.run() == "0 reminder(s) sent"  # never twice the same day
    assert Reminder.objects.count() == 3


def test_each_item_type_is_summarised(world, panel, study):
    round = study.open_round()
    for i, user in enumerate(panel):
        ranking = ["o1", "o2", "o3"] if i % 2 == 0 else ["o2", "o1", "o3"]
        services.submit_answers(
            actor=user,
            study=study,
            round=round,
            answers=answers_for(
                study, likert=4 + (i % 2), year=2040 + i, ranking=ranking, pair=(5, 1 + i)
            ),
        )
    services.close_round(actor=world.users["alice"], round=round)
    by_kind = {i.kind: stats.item_round(i, round, groups=True) for i in study.items.all()}
    likert = by_kind[ItemKind.LIKERT]
    assert likert["summary"]["median"] == 4.5 and likert["summary"]["percent_in_band"] == 100.0
    assert likert["consensus"]["reached"] is True
    assert [d["count"] for d in likert["distribution"]] == [0, 0, 0, 2, 2]
    assert likert["groups"][0]["group"] == "APG" and likert["groups"][0]["n"] == 4
    numeric = by_kind[ItemKind.NUMERIC]
    assert numeric["summary"]["median"] == 2041.5 and numeric["consensus"]["reached"] is True
    ranking = by_kind[ItemKind.RANKING]
    assert ranking["kendall"]["w"] == pytest.approx(0.75, abs=1e-3)  # rank sums 6, 6, 12
    assert ranking["distribution"][0]["mean_rank"] == 1.5
    assert ranking["groups"][0]["kendall_w"] == pytest.approx(0.75, abs=1e-3)
    pair = by_kind[ItemKind.PAIR]
    assert pair["desirability"]["median"] == 5.0 and pair["quadrant"] == "desirable_unfeasible"
    assert sorted(by_kind[ItemKind.TEXT]["texts"]) == ["More data"] * 4


def test_study_pages_render_for_the_secretariat(world, as_persona):
    client = as_persona("alice")
    response = client.post(
        "/delphi/new/",
        {
            "title": "Page study",
            "question": "Q?",
            "mode": "rounds",
            "anonymity": "anonymous",
            "max_rounds": 3,
            "round_days": 7,
            "max_cv_change": 0.1,
            "min_answers": 3,
            "max_iqr": 1,
            "combine": "all",
        },
    )
    assert response.status_code == 302
    study = Study.objects.get(title="Page study")
    assert study.rules["max_iqr"] == 1.0
    client.post(
        f"/delphi/{study.slug}/items/new/", {"kind": "ranking", "text": "R", "options": "A\nB"}
    )
    assert client.post(f"/delphi/{study.slug}/launch/").status_code == 302
    study.refresh_from_db()
    assert study.status == StudyStatus.RUNNING
    for url in ("", "panel/", "version/", "results/", "report/"):
        assert client.get(f"/delphi/{study.slug}/{url}").status_code == 200, url
