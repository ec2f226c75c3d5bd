"""Pages: scenarios, comparison, builder (with and without htmx), exports."""

import json

import pytest

from middleground.reformlab.models import Scenario

pytestmark = pytest.mark.django_db

TODAY = "/reformlab/scenarios/unsc-today/"


def _builder_data(**overrides):
    data = {
        "name": "My council",
        "description": "",
        "visibility": "private",
        "threshold": 9,
        "AFRICAN_elected": 3,
        "APG_elected": 2,
        "EEG_elected": 1,
        "GRULAC_elected": 2,
        "WEOG_elected": 2,
        **{f"veto_{p}": "on" for p in ("CHN", "FRA", "RUS", "GBR", "USA")},
        "action": "preview",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_index_lists_bodies_scenarios_and_the_data_source(as_persona, lab):
    html = as_persona("anonymous").get("/reformlab/").content.decode()
    for text in ("UN Security Council", "G4 model", "Uniting for Consensus", "Ezulwini"):
        assert text in html
    assert "Council of the European Union" in html
    assert "PDDL 1.0" in html


def test_security_council_today_page_shows_421_of_2145_for_a_permanent_member(as_persona, lab):
    html = as_persona("anonymous").get(TODAY).content.decode()
    assert "421/2145" in html
    assert "4/2145" in html
    assert "Gini of voting power per citizen" in html
    assert "Penrose" in html
    assert 'data-chart="members-chart"' in html and 'id="members-chart"' in html
    assert "Per UN regional group" in html and "Per bloc" in html


def test_reported_threshold_carries_a_visible_note(as_persona, lab):
    html = as_persona("anonymous").get("/reformlab/scenarios/unsc-g4/").content.decode()
    assert "Threshold reported, not confirmed" in html
    assert "A/59/L.64" in html
    html = as_persona("anonymous").get(TODAY).content.decode()
    assert "Threshold reported, not confirmed" not in html


def test_representation_can_use_the_banzhaf_index(as_persona, lab):
    response = as_persona("anonymous").get(TODAY + "?index=banzhaf")
    assert response.status_code == 200
    assert response.context["report"].share_index == "banzhaf"


def test_comparison_shows_the_four_security_council_models(as_persona, lab):
    response = as_persona("anonymous").get("/reformlab/compare/")
    html = response.content.decode()
    comparison = response.context["comparison"]
    assert [s.slug for s in comparison.scenarios] == [
        "unsc-today",
        "unsc-g4",
        "unsc-ufc",
        "unsc-ezulwini",
    ]
    african = next(g for g in comparison.groups if g["code"] == "AFRICAN")
    assert african["power"][3] > african["power"][0]  # Ezulwini gives Africa vetoes
    assert 'id="compare-chart"' in html and "gap" in html


def test_exports_answer_csv_json_and_pdf(as_persona, lab):
    client = as_persona("anonymous")
    csv_text = client.get(TODAY + "export.csv").content.decode()
    assert csv_text.splitlines()[0].startswith("table,id,name,category,group,veto,shapley_shubik")
    data = json.loads(client.get(TODAY + "export.json").content)
    assert data["result"]["exact"]["shapley_shubik"]["CHN"] == "421/2145"
    assert data["representation"]["regional_groups"]
    pdf = client.get(TODAY + "export.pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


def test_builder_recomputes_as_a_fragment_under_htmx(as_persona, lab):
    client = as_persona("anonymous")
    response = client.post(
        "/reformlab/builder/?base=unsc-today",
        _builder_data(AFRICAN_permanent_veto=2, threshold=10),
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html and 'id="builder-results"' in html
    assert "AF-P1" in html and "17 seats" in html
    assert "421/2145" not in html
    assert not Scenario.objects.filter(builtin=False).exists()


def test_builder_works_without_javascript_and_saves(as_persona, lab):
    client = as_persona("bob")
    page = client.post(
        "/reformlab/builder/?base=unsc-today", _builder_data(AFRICAN_permanent_veto=2)
    )
    assert "<html" in page.content.decode() and "AF-P2" in page.content.decode()
    response = client.post(
        "/reformlab/builder/?base=unsc-today",
        _builder_data(AFRICAN_permanent_veto=2, threshold=10, action="save"),
    )
    scenario = Scenario.objects.get(builtin=False)
    assert response.status_code == 302 and response["Location"] == scenario.get_absolute_url()
    assert scenario.owner == lab.users["bob"] and scenario.seats.count() == 17
    assert as_persona("bob").get(scenario.get_absolute_url()).status_code == 200
    assert as_persona("dave").get(scenario.get_absolute_url()).status_code == 404


def test_builder_shows_the_error_beside_the_threshold_and_saves_nothing(as_persona, lab):
    response = as_persona("bob").post(
        "/reformlab/builder/?base=unsc-today", _builder_data(threshold=40, action="save")
    )
    assert response.status_code == 200
    assert "above the 15 seats" in response.content.decode()
    assert not Scenario.objects.filter(builtin=False).exists()


def test_anonymous_builder_save_asks_to_sign_in(as_persona, lab):
    response = as_persona("anonymous").post(
        "/reformlab/builder/?base=unsc-today", _builder_data(action="save")
    )
    assert response.status_code == 302 and "login" in response["Location"]
    assert not Scenario.objects.filter(builtin=False).exists()


def test_owner_edits_and_deletes_a_custom_scenario(as_persona, lab):
    client = as_persona("bob")
    client.post("/reformlab/builder/?base=unsc-today", _builder_data(action="save"))
    scenario = Scenario.objects.get(builtin=False)
    edit = f"/reformlab/scenarios/{scenario.slug}/edit/"
    assert as_persona("carol").get(edit).status_code == 404  # private: not even seen
    response = client.post(edit, _builder_data(name="Renamed", APG_elected=3, action="save"))
    assert response.status_code == 302
    scenario.refresh_from_db()
    assert scenario.name == "Renamed" and scenario.seats.count() == 16
    delete = f"/reformlab/scenarios/{scenario.slug}/delete/"
    assert as_persona("carol").post(delete).status_code == 404
    assert client.post(delete).status_code == 302
    assert not Scenario.objects.filter(pk=scenario.pk).exists()


def test_secretariat_publishes_a_shared_scenario(as_persona, lab):
    as_persona("bob").post(
        "/reformlab/builder/?base=unsc-today", _builder_data(visibility="link", action="save")
    )
    scenario = Scenario.objects.get(builtin=False)
    assert scenario.name not in as_persona("dave").get("/reformlab/").content.decode()
    assert as_persona("dave").get(scenario.get_absolute_url()).status_code == 200  # by link
    assert (
        as_persona("bob").post(f"/reformlab/scenarios/{scenario.slug}/publish/").status_code == 403
    )
    assert (
        as_persona("alice").post(f"/reformlab/scenarios/{scenario.slug}/publish/").status_code
        == 302
    )
    assert scenario.name in as_persona("dave").get("/reformlab/").content.decode()


def test_a_slow_scenario_shows_a_computing_state_that_refreshes_itself(
    as_persona, lab, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        html = as_persona("anonymous").get("/reformlab/scenarios/eu-council-nice/").content
    html = html.decode()
    assert "Computing" in html and 'hx-trigger="every 2s"' in html
    export = as_persona("anonymous").get("/reformlab/scenarios/eu-council-nice/export.csv")
    assert export.status_code == 409


def test_comparison_exports_gaps_as_csv(as_persona, lab):
    text = (
        as_persona("anonymous")
        .get("/reformlab/compare/export.csv?s=unsc-today&s=unsc-ezulwini")
        .content.decode()
    )
    header = text.splitlines()[0]
    assert "unsc-today:gap" in header and "unsc-ezulwini:power_share" in header
    assert "regional_group,AFRICAN" in text and "summary,unsc-today,15,5" in text
