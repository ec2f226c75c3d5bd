"""Everyday use of the back office (issue 19, items 10 and 12): a "saved" confirmation after
each edit, the profile linked to its institution, "Add an expert" from the institution's
page, and a "See all" link when the home page shows only some task forces."""

from middleground.network.models import TaskForce


def _institution_data(institution, **changes):
    data = {
        "name": institution.name,
        "acronym": institution.acronym,
        "kind": institution.kind,
        "country": institution.country_id,
        "website": "",
        "description": "A policy centre.",
        "language": "en",
    }
    data.update(changes)
    return data


def test_carol_is_told_her_institution_is_saved(world, as_persona):
    response = as_persona("carol").post(
        f"/network/institutions/{world.seoul.slug}/edit/",
        _institution_data(world.seoul, acronym="SPC"),
        follow=True,
    )
    html = response.content.decode()
    assert (
        response.redirect_chain and "Your changes to Seoul Policy Centre (test) are saved." in html
    )
    world.seoul.refresh_from_db()
    assert world.seoul.acronym == "SPC"


def test_carol_is_told_an_expert_profile_is_saved(world, as_persona):
    expert = world.hidden_expert  # of carol's institution
    response = as_persona("carol").post(
        f"/network/experts/{expert.slug}/edit/",
        {
            "name": expert.name,
            "title": "Senior fellow",
            "country": expert.country_id,
            "languages": "ko, en",
            "bio": "",
            "visibility": expert.visibility,
        },
        follow=True,
    )
    assert f"Your changes to {expert.name} are saved." in response.content.decode()


def test_the_profile_links_to_the_persons_institution(world, as_persona):
    html = as_persona("carol").get("/accounts/profile/").content.decode()
    assert (
        f'<a href="/network/institutions/{world.seoul.slug}/">Seoul Policy Centre (test)</a>'
        in html
    )
    bob = as_persona("bob").get("/accounts/profile/").content.decode()
    assert f'href="/network/experts/{world.bob_profile.slug}/">Your expert profile</a>' in bob


def test_add_an_expert_is_linked_from_the_institution_page_for_those_allowed(world, as_persona):
    url = f"/network/institutions/{world.seoul.slug}/"
    link = f'href="/network/experts/new/?institution={world.seoul.pk}"'
    assert link in as_persona("carol").get(url).content.decode()
    assert link in as_persona("alice").get(url).content.decode()
    assert link not in as_persona("bob").get(url).content.decode()  # another institution's
    assert link not in as_persona("anonymous").get(url).content.decode()
    # the form then has the institution chosen
    form = as_persona("alice").get(f"/network/experts/new/?institution={world.seoul.pk}")
    assert f'<option value="{world.seoul.pk}" selected>' in form.content.decode()


def test_a_new_expert_is_confirmed(world, as_persona):
    response = as_persona("carol").post(
        "/network/experts/new/",
        {
            "name": "Min-ji Park",
            "institution": world.seoul.pk,
            "country": "KR",
            "languages": "ko",
            "visibility": "public",
        },
        follow=True,
    )
    assert "The expert profile of Min-ji Park is saved." in response.content.decode()


def test_the_home_page_links_to_all_task_forces_when_it_shows_only_some(world, client):
    assert "See all" not in client.get("/").content.decode()  # one task force: all shown
    for i in range(6):
        TaskForce.objects.create(
            name=f"Task force {i}", slug=f"tf-{i}", focus_area=world.water, chair=world.astana
        )
    html = client.get("/").content.decode()
    assert '<a href="/network/task-forces/">See all 7 task forces</a>' in html
