"""The expert picker (selectors.pick_experts) and bulk address lists (address_list).

Counts are checked by hand against the table in ``picker_world``.
"""

import pytest
from django.contrib.auth.models import AnonymousUser

from middleground.core.errors import ServiceError
from middleground.network import selectors
from middleground.network.address_list import lines_left, parse_lines, parse_text

from .picker_world import build


@pytest.fixture
def directory(world):
    return build(world)


def _counts(pick, facet):
    return {o.label: o.count for o in pick.facets[facet]}


def test_it_counts_each_filter_value_given_the_other_filters(world, directory):
    pick = selectors.pick_experts(world.users["alice"], focus_area="water-security")
    names = [e.name for e in pick.experts]
    assert names == [
        "Aigerim Abenova",
        "Bakhrom Boboev",
        "Bob Bekov",
        "Chen Cho",
        "Diego Duarte",
        "Hana Hidden",
    ]
    assert pick.total == 6
    # the focus-area counts ignore the focus-area filter itself: all seven experts
    assert _counts(pick, "focus_area") == {"Water security": 6, "Security": 1}
    assert _counts(pick, "regional_group") == {
        "Asia-Pacific Group": 5,
        "Latin American and Caribbean Group": 1,
    }
    assert {o.value: o.count for o in pick.facets["country"]} == {
        "KZ": 3,
        "UZ": 1,
        "KR": 1,
        "BR": 1,
    }
    assert "Kazakhstan" in _counts(pick, "country")
    assert _counts(pick, "institution") == {
        "Astana Institute (test)": 3,
        "Tashkent Water Lab (test)": 1,
        "Seoul Policy Centre (test)": 1,
        "Rio Basin Centre (test)": 1,
    }
    [water] = [o for o in pick.facets["focus_area"] if o.value == "water-security"]
    assert water.selected


def test_it_combines_filters_and_counts_for_the_public(world, directory):
    pick = selectors.pick_experts(
        AnonymousUser(), focus_area="water-security", regional_group="APG"
    )
    assert [e.name for e in pick.experts] == [
        "Aigerim Abenova",
        "Bakhrom Boboev",
        "Bob Bekov",
        "Chen Cho",
    ]
    # public profiles in the Asia-Pacific Group, whatever their focus area
    assert _counts(pick, "focus_area") == {"Water security": 4, "Security": 1}
    # public water-security profiles, whatever their regional group
    assert _counts(pick, "regional_group") == {
        "Asia-Pacific Group": 4,
        "Latin American and Caribbean Group": 1,
    }
    by_code = {o.value: o.count for o in pick.facets["country"]}
    assert by_code == {"KZ": 2, "UZ": 1, "KR": 1}
    by_institution = {o.value: o.count for o in pick.facets["institution"]}
    assert by_institution == {
        str(world.astana.pk): 2,
        str(directory.tashkent.pk): 1,
        str(world.seoul.pk): 1,
    }


def test_it_filters_by_country_institution_and_text(world, directory):
    alice = world.users["alice"]
    assert [e.name for e in selectors.pick_experts(alice, country="kz").experts] == [
        "Aigerim Abenova",
        "Bob Bekov",
        "Hana Hidden",
    ]
    by_institution = selectors.pick_experts(alice, institution=directory.tashkent.pk)
    assert [e.name for e in by_institution.experts] == ["Bakhrom Boboev"]
    assert [e.name for e in selectors.pick_experts(alice, q="rio basin").experts] == [
        "Diego Duarte"
    ]
    # a chosen value with nothing left to match stays in its list, with 0
    empty = selectors.pick_experts(alice, focus_area="security", country="BR")
    assert empty.experts == [] and {o.value: o.count for o in empty.facets["country"]} == {
        "KR": 1,
        "BR": 0,
    }


def test_bad_filter_values_are_ignored_not_a_500(world, directory):
    pick = selectors.pick_experts(
        world.users["alice"], regional_group="NOPE", institution="1 OR 1=1", country="Kazakh"
    )
    assert pick.filters.regional_group == "" and pick.filters.institution == ""
    assert pick.experts == []  # "KA" is no country


def test_the_counts_take_a_bounded_number_of_queries(
    world, directory, django_assert_max_num_queries
):
    with django_assert_max_num_queries(8):
        selectors.pick_experts(world.users["alice"], focus_area="water-security", country="KZ")


def test_network_only_profiles_are_neither_offered_nor_counted_outside_the_network(
    world, directory
):
    for outsider in (AnonymousUser(), world.users["dave"]):
        pick = selectors.pick_experts(outsider)
        names = {e.name for e in pick.experts}
        assert "Hana Hidden" not in names and "Nari Network-Only" not in names
        assert pick.total == 5
        assert {o.value: o.count for o in pick.facets["country"]}["KZ"] == 2
    member = selectors.pick_experts(world.users["bob"])
    assert {"Hana Hidden", "Nari Network-Only"} <= {e.name for e in member.experts}


def test_a_hidden_profile_is_refused_by_id_like_one_that_does_not_exist(world, directory):
    dave = world.users["dave"]
    with pytest.raises(ServiceError) as hidden:
        selectors.visible_experts_by_id(dave, [directory.aigerim.pk, directory.hana.pk])
    with pytest.raises(ServiceError) as missing:
        selectors.visible_experts_by_id(dave, [directory.aigerim.pk, 987654])
    assert hidden.value.message == f"No expert {directory.hana.pk} in the directory."
    assert missing.value.message == "No expert 987654 in the directory."
    assert hidden.value.field == missing.value.field == "experts"
    found = selectors.visible_experts_by_id(
        world.users["alice"], [directory.hana.pk, directory.aigerim.pk, directory.hana.pk]
    )
    assert found == [directory.hana, directory.aigerim]
    with pytest.raises(ServiceError):
        selectors.visible_experts_by_id(dave, ["abc"])


def test_a_bulk_list_keeps_the_good_addresses_and_names_each_bad_line():
    parsed = parse_text(
        "ann@example.org\nbob@\n\nANN@EXAMPLE.ORG, cy@Example.ORG; not an address\n"
        "dee@example.org eve@example.org"
    )
    assert parsed.addresses == [
        "ann@example.org",
        "cy@example.org",
        "dee@example.org",
        "eve@example.org",
    ]
    assert parsed.duplicates == 1
    assert [(r.line, r.value) for r in parsed.rejected] == [(2, "bob@"), (4, "not an address")]
    assert parsed.rejected[0].message == "line 2: 'bob@' is not an e-mail address."
    assert parsed.lines["dee@example.org"] == 5
    assert lines_left(parsed.rejected[:1]) == "bob@"


def test_an_overlong_address_is_rejected_with_its_line():
    parsed = parse_lines(["ok@example.org", "a" * 250 + "@example.org"])
    assert parsed.addresses == ["ok@example.org"]
    [rejected] = parsed.rejected
    assert rejected.line == 2 and "longer than an e-mail address can be" in rejected.reason


def test_the_secretariat_adds_picked_experts_to_a_task_force(world, directory, as_persona):
    alice = as_persona("alice")
    url = f"/network/task-forces/{world.task_force.slug}/members/"
    page = alice.get(url + "?focus_area=water-security&regional_group=APG").content.decode()
    assert "Kazakhstan (3)" in page and "Uzbekistan (1)" in page
    response = alice.post(
        url + "?focus_area=water-security",
        {"add": "experts", "experts": [directory.aigerim.pk, directory.chen.pk]},
        follow=True,
    )
    assert "2 experts added." in response.content.decode()
    assert set(world.task_force.experts.values_list("name", flat=True)) == {
        "Aigerim Abenova",
        "Chen Cho",
    }
    detail = as_persona("anonymous").get(world.task_force.get_absolute_url()).content.decode()
    assert "Aigerim Abenova" in detail and "Chen Cho" in detail
    alice.post(url, {"remove": directory.chen.pk})
    assert list(world.task_force.experts.values_list("name", flat=True)) == ["Aigerim Abenova"]


def test_a_hidden_member_is_not_shown_to_the_public_on_the_task_force_page(
    world, directory, as_persona
):
    world.task_force.experts.add(directory.hana)
    assert (
        "Hana Hidden"
        not in as_persona("anonymous").get(world.task_force.get_absolute_url()).content.decode()
    )
    assert (
        "Hana Hidden" in as_persona("bob").get(world.task_force.get_absolute_url()).content.decode()
    )


def test_task_force_experts_through_the_api(world, directory, as_persona):
    url = f"/api/v1/network/task-forces/{world.task_force.pk}/experts"
    alice = as_persona("alice")
    response = alice.post(
        url,
        {"experts": [directory.bakhrom.pk, directory.bakhrom.pk]},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert [e["name"] for e in response.json()] == ["Bakhrom Boboev"]
    again = alice.post(url, {"experts": [directory.bakhrom.pk]}, content_type="application/json")
    assert again.status_code == 201 and again.json() == []
    refused = alice.post(url, {"experts": [2_000_000]}, content_type="application/json")
    assert refused.status_code == 400 and refused.json()["field"] == "experts"
    for persona in ("bob", "carol", "dave"):
        denied = as_persona(persona).post(
            url, {"experts": [directory.aigerim.pk]}, content_type="application/json"
        )
        assert denied.status_code == 403
    assert list(world.task_force.experts.values_list("name", flat=True)) == ["Bakhrom Boboev"]


def test_the_api_gives_the_same_counts_as_the_page(world, directory, as_persona):
    body = (
        as_persona("anonymous")
        .get("/api/v1/network/experts/picker?focus_area=water-security&regional_group=APG")
        .json()
    )
    assert body["total"] == 4
    assert [e["name"] for e in body["experts"]] == [
        "Aigerim Abenova",
        "Bakhrom Boboev",
        "Bob Bekov",
        "Chen Cho",
    ]
    assert {o["value"]: o["count"] for o in body["facets"]["country"]} == {
        "KZ": 2,
        "UZ": 1,
        "KR": 1,
    }
    assert {o["value"]: o["count"] for o in body["facets"]["focus_area"]} == {
        "water-security": 4,
        "security": 1,
    }
    member = as_persona("bob").get("/api/v1/network/experts/picker?country=KZ").json()
    assert member["total"] == 3  # Hana's network-only profile counts for a member


def test_ticked_experts_stay_ticked_when_the_filters_hide_them(world, directory):
    dave = world.users["dave"]
    picked = [directory.aigerim.pk, directory.bakhrom.pk, directory.hana.pk, 987654]
    pick = selectors.pick_experts(dave, country="UZ", picked=picked)
    assert [e.name for e in pick.experts] == ["Bakhrom Boboev"]
    # Aigerim is hidden by the filter, not forgotten; a hidden profile and a bad id are dropped
    assert [e.name for e in pick.picked_elsewhere] == ["Aigerim Abenova"]
    assert pick.picked == {directory.aigerim.pk, directory.bakhrom.pk}


def test_the_picker_page_keeps_ticks_out_of_the_form_it_posts_to(world, directory, as_persona):
    tf = world.task_force
    url = f"/network/task-forces/{tf.slug}/members/?country=UZ&experts={directory.aigerim.pk}"
    html = as_persona("alice").get(url).content.decode()
    assert "1 more selected, not shown under these filters" in html
    assert f'value="{directory.aigerim.pk}" checked' in html
    assert f'action="/network/task-forces/{tf.slug}/members/?country=UZ"' in html


@pytest.mark.parametrize("q", ["rio basin", "Tashkent", "aigerim", "nothing like this"])
def test_the_picker_and_the_directory_search_the_same_words(world, directory, q):
    alice = world.users["alice"]
    in_picker = {e.pk for e in selectors.pick_experts(alice, q=q).experts}
    in_directory = set(
        selectors.experts(alice, selectors.RegistryFilters(q=q)).values_list("pk", flat=True)
    )
    assert in_picker == in_directory
    assert bool(in_picker) == (q != "nothing like this")
