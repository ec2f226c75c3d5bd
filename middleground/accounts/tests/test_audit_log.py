"""The audit log (issue 19, item 7): only what changed, as sentences, filtered, exported."""

import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone

from middleground.accounts.models import AuditEvent
from middleground.consultations import services as consultation_services
from middleground.network.forms import InstitutionForm


@pytest.fixture
def make_consultation(world):
    def make(title="Security Council reform (test)"):
        return consultation_services.create_consultation(
            actor=world.users["alice"],
            data={
                "title": title,
                "question": "How should the Security Council be reformed?",
                "visibility": "public",
                "anonymity": "anonymous",
                "status": "open",
                "statements": ["The veto should be limited.", "Africa should have seats."],
            },
        )

    return make


def _edit_seoul_website(world, as_persona, website="https://seoul.example.org"):
    data = InstitutionForm.initial_from(world.seoul)
    data.update(website=website, focal_point="", deputy="")
    response = as_persona("carol").post(f"/network/institutions/{world.seoul.slug}/edit/", data)
    assert response.status_code == 302, response.content[:2000]


def test_an_edit_records_only_the_changed_field_with_before_and_after(world, as_persona):
    _edit_seoul_website(world, as_persona)
    event = AuditEvent.objects.get(action="institution.update")
    assert event.actor == world.users["carol"]
    # the form sent name, acronym, kind, country, description, focus areas too: unchanged
    assert event.details == {
        "changes": {"website": {"before": "", "after": "https://seoul.example.org"}}
    }


def test_a_focus_area_change_is_recorded_by_names(world, as_persona):
    data = InstitutionForm.initial_from(world.seoul)
    data.update(focus_areas=["water-security"], focal_point="", deputy="")
    as_persona("carol").post(f"/network/institutions/{world.seoul.slug}/edit/", data)
    event = AuditEvent.objects.get(action="institution.update")
    assert event.details["changes"] == {"focus_areas": {"before": [], "after": [str(world.water)]}}


def test_an_edit_that_changes_nothing_writes_no_line(world, as_persona):
    data = InstitutionForm.initial_from(world.seoul)
    data.update(focal_point="", deputy="")
    before = AuditEvent.objects.count()
    as_persona("carol").post(f"/network/institutions/{world.seoul.slug}/edit/", data)
    assert AuditEvent.objects.count() == before


def test_the_page_shows_sentences_with_links_and_the_changes(world, as_persona):
    _edit_seoul_website(world, as_persona)
    page = as_persona("alice").get("/accounts/audit/").content.decode()
    assert "carol changed the institution" in page
    assert f'<a href="{world.seoul.get_absolute_url()}">“Seoul Policy Centre (test)”</a>' in page
    assert "<del>—</del> → <ins>https://seoul.example.org</ins>" in page
    assert f"network.institution {world.seoul.pk}" not in page  # no developer codes
    assert "institution.update" not in page
    assert "{&#x27;" not in page and "{'" not in page  # no raw dumps


def test_a_status_change_reads_as_what_it_did(world, as_persona, make_consultation):
    alice = world.users["alice"]
    consultation = make_consultation()
    consultation_services.update_consultation(
        actor=alice, consultation=consultation, data={"status": "closed"}
    )
    event = AuditEvent.objects.filter(action="consultation.update").latest("pk")
    assert event.details["changes"] == {"status": {"before": "open", "after": "closed"}}
    page = as_persona("alice").get("/accounts/audit/").content.decode()
    assert (
        f'alice closed the consultation <a href="{consultation.get_absolute_url()}">'
        "“Security Council reform (test)”</a>" in page
    )
    assert "<del>Open</del> → <ins>Closed</ins>" in page  # choice labels, not codes


def test_a_deleted_object_is_named_without_a_link(world, as_persona):
    from middleground.network import services

    services.delete_task_force(actor=world.users["alice"], task_force=world.task_force)
    page = as_persona("alice").get("/accounts/audit/").content.decode()
    assert "alice deleted the task force “Water task force (test)”" in page
    assert 'href="/network/task-forces/water-tf/"' not in page


def _lines(page: str, *needles: str) -> dict[str, bool]:
    return {needle: needle in page for needle in needles}


def test_filters_by_person_institution_kind_and_date(world, as_persona, make_consultation):
    _edit_seoul_website(world, as_persona)  # carol, an institution
    make_consultation()  # alice, a consultation
    old = AuditEvent.objects.create(
        actor=world.users["bob"],
        action="expert.update",
        target_type="network.expert",
        target_id=str(world.bob_profile.pk),
    )
    AuditEvent.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=40))
    alice = as_persona("alice")
    everything = alice.get("/accounts/audit/").content.decode()
    assert "carol changed" in everything and "alice created" in everything
    assert "bob changed" in everything

    by_carol = alice.get("/accounts/audit/", {"person": world.users["carol"].pk}).content.decode()
    assert _lines(by_carol, "carol changed", "alice created", "bob changed") == {
        "carol changed": True,
        "alice created": False,
        "bob changed": False,
    }
    by_astana = alice.get("/accounts/audit/", {"institution": world.astana.pk}).content.decode()
    assert _lines(by_astana, "carol changed", "alice created", "bob changed") == {
        "carol changed": False,
        "alice created": False,
        "bob changed": True,
    }
    by_seoul = alice.get("/accounts/audit/", {"institution": world.seoul.pk}).content.decode()
    assert "carol changed" in by_seoul and "bob changed" not in by_seoul
    kind = alice.get("/accounts/audit/", {"kind": "consultations.consultation"}).content.decode()
    assert _lines(kind, "carol changed", "alice created") == {
        "carol changed": False,
        "alice created": True,
    }
    since = (timezone.localdate() - timedelta(days=7)).isoformat()
    recent = alice.get("/accounts/audit/", {"since": since}).content.decode()
    assert "bob changed" not in recent and "carol changed" in recent
    until = (timezone.localdate() - timedelta(days=30)).isoformat()
    older = alice.get("/accounts/audit/", {"until": until}).content.decode()
    assert "bob changed" in older and "carol changed" not in older


def test_a_reversed_date_range_is_named_on_the_field(world, as_persona):
    page = (
        as_persona("alice")
        .get("/accounts/audit/", {"since": "2026-05-02", "until": "2026-05-01"})
        .content.decode()
    )
    assert "The end date must not be before the start date." in page


def test_the_csv_export_follows_the_filters(world, as_persona, make_consultation):
    _edit_seoul_website(world, as_persona)
    consultation = make_consultation(title="=HYPERLINK(1)")
    response = as_persona("alice").get("/accounts/audit/export.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="audit-log.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == [
        "time",
        "person",
        "institution",
        "action",
        "sentence",
        "object",
        "link",
        "changes",
    ]
    by_action = {row[3]: row for row in rows[1:]}
    edit = by_action["institution.update"]
    assert edit[1] == "carol" and edit[2] == "Seoul Policy Centre (test)"
    assert edit[4] == "carol changed the institution “Seoul Policy Centre (test)”"
    assert edit[6] == "http://testserver" + world.seoul.get_absolute_url()
    assert edit[7] == "Website: — → https://seoul.example.org"
    created = by_action["consultation.create"]
    assert created[6].endswith(consultation.get_absolute_url())
    assert created[4] == "alice created the consultation “=HYPERLINK(1)”"  # starts with "a"

    only_carol = as_persona("alice").get(
        "/accounts/audit/export.csv", {"person": world.users["carol"].pk}
    )
    actions = [row[3] for row in csv.reader(io.StringIO(only_carol.content.decode()))][1:]
    assert actions == ["institution.update"]


def test_only_the_secretariat_reads_or_exports_the_log(world, as_persona):
    for persona in ("bob", "carol", "dave"):
        assert as_persona(persona).get("/accounts/audit/").status_code == 403
        assert as_persona(persona).get("/accounts/audit/export.csv").status_code == 403


def test_an_expert_edit_records_only_what_changed(world, as_persona):
    from middleground.network import services

    services.update_expert(
        actor=world.users["alice"],
        expert=world.bob_profile,
        data={"name": "Bob Bekov", "languages": ["kk", "ru", "en"], "focus_areas": ["security"]},
    )
    event = AuditEvent.objects.get(action="expert.update")
    assert event.details == {
        "changes": {"focus_areas": {"before": [str(world.water)], "after": [str(world.security)]}}
    }


def test_every_action_the_code_records_reads_as_a_verb():
    """A new audit action without a verb would show as a raw code ("forum.minutes.write")."""
    import re
    from pathlib import Path

    from middleground.accounts.audit import VERBS

    root = Path(__file__).resolve().parents[2]
    codes = set()
    for path in root.rglob("*.py"):
        if "tests" not in path.parts:
            codes |= set(re.findall(r'action="([a-z_]+\.[a-z_.]+)"', path.read_text()))
    assert len(codes) > 50  # the scan finds the codes
    assert sorted(c for c in codes if c.rsplit(".", 1)[-1] not in VERBS) == []
