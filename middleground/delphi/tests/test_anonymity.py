"""Anonymity is real: nobody can link an answer to a person through any page, export,
admin view or endpoint — not a panellist, the public, the secretariat or a superuser."""

import pytest
from django.contrib import admin
from django.test import Client

from middleground.accounts.models import User
from middleground.delphi import services
from middleground.delphi.models import Answer, PanelInvite, Panellist, PanelSeat

from .factories import answers_for


@pytest.fixture
def answered(world, panel, study):
    """Round 1 answered with a distinctive reason per person, closed, round 2 open, published."""
    alice = world.users["alice"]
    round = study.open_round()
    for i, user in enumerate(panel):
        answers = answers_for(study, likert=1 + i, text=f"open-answer-{user.username}")
        answers[0]["rationale"] = f"reason-of-{user.username}"
        services.submit_answers(actor=user, study=study, round=round, answers=answers)
    services.close_round(actor=alice, round=round)
    services.open_next_round(actor=alice, study=study)
    services.submit_answers(
        actor=panel[1],
        study=study,
        round=study.open_round(),
        answers=[
            a for a in answers_for(study, likert=3) if study.items.get(pk=a["item"]).asked_in(2)
        ],
    )
    services.publish_results(actor=alice, study=study)
    return study


def _identities(panel):
    """Strings that identify each person, and each person's pseudonym and own reason."""
    out = {}
    for user in panel:
        panellist = PanelSeat.objects.get(user=user).panellist
        out[user.username] = {
            "person": [x for x in (user.email, user.get_full_name().strip()) if x],
            "answer": [
                panellist.pseudonym,
                f"reason-of-{user.username}",
                f"open-answer-{user.username}",
            ],
        }
    return out


def _urls(study):
    r = study.rounds.order_by("number")
    s = study.slug
    pages = [
        "/delphi/",
        f"/delphi/{s}/",
        f"/delphi/{s}/results/",
        f"/delphi/{s}/report/",
        f"/delphi/{s}/report.pdf",
        f"/delphi/{s}/answers.csv",
        f"/delphi/{s}/answers.json",
        f"/delphi/{s}/panel/",
        f"/delphi/{s}/answer/",
        f"/delphi/{s}/items/new/",
        "/accounts/audit/",
    ]
    api = [
        "/api/v1/delphi/studies",
        f"/api/v1/delphi/studies/{study.pk}",
        f"/api/v1/delphi/studies/{study.pk}/results",
        f"/api/v1/delphi/studies/{study.pk}/answers",
        f"/api/v1/delphi/studies/{study.pk}/items",
        f"/api/v1/delphi/studies/{study.pk}/rounds",
        *[f"/api/v1/delphi/rounds/{x.pk}/answers/mine" for x in r],
    ]
    return pages + api


def _admin_urls(study, panel):
    urls = [
        "/admin/",
        "/admin/delphi/answer/",
        f"/admin/delphi/study/{study.pk}/change/",
        f"/admin/delphi/study/{study.pk}/delete/",
        "/admin/delphi/round/",
        "/admin/accounts/auditevent/",
    ]
    for user in panel:
        urls += [
            f"/admin/accounts/user/{user.pk}/change/",
            f"/admin/accounts/user/{user.pk}/delete/",
        ]
    return urls


def _assert_unlinkable(text: str, identities: dict, viewer: str, where: str):
    """No response may show a person together with that person's (or anyone's) answer."""
    people = [name for name, ids in identities.items() if name != viewer]
    shown_people = [n for n in people if any(p and p in text for p in identities[n]["person"])]
    shown_answers = [
        a for n in identities for a in identities[n]["answer"] if a in text and n != viewer
    ]
    assert not (shown_people and shown_answers), (
        f"{where} shows {shown_people} together with answer marks {shown_answers}"
    )


def test_pseudonym_table_is_not_in_the_admin():
    registered = set(admin.site._registry)
    assert PanelSeat not in registered
    assert PanelInvite not in registered
    assert Panellist not in registered


@pytest.mark.parametrize("persona", ["anonymous", "dave", "bob", "carol", "alice"])
def test_no_page_or_endpoint_links_an_answer_to_a_person(answered, panel, as_persona, persona):
    identities = _identities(panel)
    client = as_persona(persona)
    for url in _urls(answered):
        response = client.get(url)
        text = response.content.decode("utf-8", "replace")
        _assert_unlinkable(text, identities, persona, f"{persona} {url}")


def test_exports_and_api_contain_pseudonyms_only(answered, panel, as_persona):
    client = as_persona("alice")
    csv_text = client.get(f"/delphi/{answered.slug}/answers.csv").content.decode()
    json_text = client.get(f"/delphi/{answered.slug}/answers.json").content.decode()
    api_text = client.get(f"/api/v1/delphi/studies/{answered.pk}/answers").content.decode()
    for user in panel:
        for text in (csv_text, json_text, api_text):
            assert user.email not in text and user.username not in text.replace(
                f"reason-of-{user.username}", ""
            ).replace(f"open-answer-{user.username}", "")
    pseudonyms = set(Panellist.objects.filter(study=answered).values_list("pseudonym", flat=True))
    assert any(p in csv_text for p in pseudonyms)


def test_superuser_in_the_admin_cannot_link_answers_to_people(answered, panel):
    identities = _identities(panel)
    root = User.objects.create_superuser("root", "root@example.org", "pw-root-12345")
    client = Client()
    client.force_login(root)
    for url in _admin_urls(answered, panel):
        response = client.get(url)
        assert response.status_code == 200, url
        _assert_unlinkable(response.content.decode(), identities, "root", f"admin {url}")


def test_secretariat_sees_who_answered_not_what(answered, panel, as_persona):
    round = answered.open_round()
    for user in panel[2:]:  # with panel[1], a batch of three answers of round 2
        answers = [
            a
            for a in answers_for(answered, likert=3)
            if answered.items.get(pk=a["item"]).asked_in(2)
        ]
        services.submit_answers(actor=user, study=answered, round=round, answers=answers)
    page = as_persona("alice").get(f"/delphi/{answered.slug}/").content.decode()
    assert "Who has answered" in page
    assert panel[1].email in page and panel[0].email in page
    for user in panel:
        assert f"reason-of-{user.username}" not in page
        assert PanelSeat.objects.get(user=user).panellist.pseudonym not in page
    status = {row["email"]: row["done"] for row in services_panel_status(answered)}
    assert status[panel[1].email] is True and status[panel[0].email] is False


def services_panel_status(study):
    from middleground.delphi.selectors import panel_status

    return panel_status(User.objects.get(username="alice"), study)


def test_named_study_shows_answers_by_person_to_the_secretariat_only(world, panel, as_persona):
    from .factories import running_study

    alice = world.users["alice"]
    study = running_study(alice, panel, title="Named", anonymity="named")
    round = study.open_round()
    services.submit_answers(actor=panel[0], study=study, round=round, answers=answers_for(study))
    services.close_round(actor=alice, round=round)
    page = as_persona("alice").get(f"/delphi/{study.slug}/results/").content.decode()
    assert "Answers by person" in page and panel[0].get_full_name() in page
    bob_page = as_persona("bob").get(f"/delphi/{study.slug}/results/").content.decode()
    assert "Answers by person" not in bob_page


@pytest.fixture
def root_client(db):
    root = User.objects.create_superuser("root", "root@example.org", "pw-root-12345")
    client = Client()
    client.force_login(root)
    return client


def test_admin_lists_answers_of_closed_rounds_only(answered, root_client):
    response = root_client.get("/admin/delphi/answer/")
    assert response.status_code == 200
    listed = list(response.context["cl"].result_list)
    closed = Answer.objects.filter(round__study=answered, round__closed_at__isnull=False)
    assert len(listed) == closed.count() > 0
    assert all(a.round.closed_at is not None for a in listed)
    open_round = answered.open_round()
    assert open_round.answers.exists()
    response = root_client.get(f"/admin/delphi/answer/?round__id__exact={open_round.pk}")
    assert list(response.context["cl"].result_list) == []


@pytest.mark.parametrize(
    "query", ["panellist__id__exact={p}", "panellist={p}", "panellist__pseudonym__gt=", "id__gt=0"]
)
def test_admin_refuses_to_filter_answers_by_panellist_or_id(answered, root_client, query):
    panellist = Panellist.objects.filter(study=answered).first()
    response = root_client.get("/admin/delphi/answer/?" + query.format(p=panellist.pk))
    assert response.status_code == 400


def test_admin_answers_open_no_page_and_sort_by_pseudonym_only(answered, root_client):
    answer = Answer.objects.filter(round__closed_at__isnull=False).first()
    assert root_client.get(f"/admin/delphi/answer/{answer.pk}/change/").status_code == 403
    default = root_client.get("/admin/delphi/answer/").context["cl"].result_list
    for column in (1, 2, 3):  # item, round, value: ties would fall back to answer ids
        sorted_by = root_client.get(f"/admin/delphi/answer/?o={column}").context["cl"]
        assert list(sorted_by.result_list) == list(default)
