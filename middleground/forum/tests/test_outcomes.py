"""Minutes, attendance from the door, and links to outputs: services and pages."""

import pytest
from django.urls import reverse

from middleground.accounts.models import AuditEvent
from middleground.core.errors import ServiceError
from middleground.forum import outcomes
from middleground.forum.models import Minutes, SessionOutput
from middleground.library.models import Access
from middleground.strategies.tests.factories import drafting_strategy, open_strategy
from middleground.strategies.tests.test_evidence_helpers import voted_consultation

from .factories import event as make_event
from .outcome_helpers import checked_in, document

pytestmark = pytest.mark.django_db


def _panel(event):
    return event.sessions.get(title__startswith="Central Asia")


def test_host_writes_minutes_and_attendance_comes_from_check_ins(world):
    event = make_event(world)
    panel = _panel(event)
    # bob (astana) is checked in through his type (which includes the panel); carol (seoul) too
    checked_in(event, world.users["bob"])
    checked_in(event, world.users["carol"])
    minutes = outcomes.write_minutes(actor=world.users["bob"], session=panel, text=" Agreed. ")
    assert minutes.text == "Agreed."
    assert minutes.attendance == 2
    assert set(minutes.institutions.all()) == {world.astana, world.seoul}
    assert AuditEvent.objects.filter(
        action="forum.minutes.write", target_id=str(minutes.pk)
    ).exists()
    # given figures win over the door's
    again = outcomes.write_minutes(
        actor=world.users["alice"],
        session=panel,
        text="Agreed.",
        attendance="40",
        institutions=[world.seoul.pk],
    )
    assert again.pk == minutes.pk and again.attendance == 40
    assert list(again.institutions.all()) == [world.seoul]
    assert Minutes.objects.count() == 1


def test_check_in_counts_only_people_whose_agenda_or_type_includes_the_session(world):
    event = make_event(world)
    panel, opening = _panel(event), event.sessions.get(title="Opening plenary")
    other_type = event.registration_types.create(name="Opening only")
    other_type.sessions.set([opening])
    r = checked_in(event, world.users["carol"])
    r.type = other_type
    r.save(update_fields=["type"])
    assert outcomes.checked_in_attendance(panel) == (0, [])
    r.agenda.set([panel])  # she put the panel on her own agenda
    count, institutions = outcomes.checked_in_attendance(panel)
    assert (count, institutions) == (1, [world.seoul])


def test_minutes_refused_for_non_hosts_and_bad_attendance(world):
    event = make_event(world)
    panel = _panel(event)
    with pytest.raises(ServiceError) as exc:
        outcomes.write_minutes(actor=world.users["carol"], session=panel, text="x")
    assert exc.value.status == 403
    with pytest.raises(ServiceError) as exc:
        outcomes.write_minutes(actor=world.users["bob"], session=panel, text="x", attendance="-3")
    assert exc.value.field == "attendance"
    with pytest.raises(ServiceError) as exc:
        outcomes.write_minutes(actor=world.users["bob"], session=panel, text="x" * 50_001)
    assert exc.value.field == "text"
    with pytest.raises(ServiceError) as exc:
        outcomes.write_minutes(
            actor=world.users["bob"], session=panel, text="x", institutions=[999999]
        )
    assert exc.value.field == "institutions"
    assert Minutes.objects.count() == 0


def test_link_a_public_document_once(world):
    event = make_event(world)
    panel = _panel(event)
    doc = document(authors=["Bob Bekov"])
    out = outcomes.link_output(
        actor=world.users["bob"], session=panel, kind="document", target=doc.pk, note="Speech"
    )
    assert (out.kind, out.target, out.note) == ("document", str(doc.pk), "Speech")
    with pytest.raises(ServiceError) as exc:
        outcomes.link_output(
            actor=world.users["bob"], session=panel, kind="document", target=doc.pk, note=""
        )
    assert exc.value.field == "target"
    rows = outcomes.describe_outputs(world.users["dave"], panel)
    assert [(r["title"], r["credit"]) for r in rows] == [("Statement at the panel", "Bob Bekov")]
    assert SessionOutput.objects.count() == 1


def test_link_refuses_what_the_actor_cannot_see_or_bad_targets(world):
    event = make_event(world)
    panel = _panel(event)
    secret = document(title="Task-force note", access=Access.TASK_FORCE)
    bob = world.users["bob"]
    cases = [
        ("document", secret.pk, "target"),
        ("document", "abc", "target"),
        ("paragraph", "not-a-uuid", "target"),
        ("statement", 999999, "target"),
        ("speech", 1, "kind"),
    ]
    for kind, target, field in cases:
        with pytest.raises(ServiceError) as exc:
            outcomes.link_output(actor=bob, session=panel, kind=kind, target=target)
        assert exc.value.field == field, (kind, target)
    with pytest.raises(ServiceError) as exc:
        outcomes.link_output(
            actor=world.users["carol"], session=panel, kind="document", target=document().pk
        )
    assert exc.value.status == 403
    assert SessionOutput.objects.count() == 0


def test_link_only_consensus_statements(world):
    event = make_event(world)
    panel = _panel(event)
    consultation = voted_consultation(world)
    assert 1 in outcomes.consensus_numbers(consultation)
    agreed = consultation.statements.get(number=1)
    split = consultation.statements.get(number=3)  # split by camp: no consensus
    assert 3 not in outcomes.consensus_numbers(consultation)
    with pytest.raises(ServiceError) as exc:
        outcomes.link_output(
            actor=world.users["bob"], session=panel, kind="statement", target=split.pk
        )
    assert "consensus" in exc.value.message
    out = outcomes.link_output(
        actor=world.users["bob"], session=panel, kind="statement", target=agreed.pk
    )
    row = outcomes.describe_outputs(world.users["dave"], panel)[0]
    assert row["text"] == "Flow data should be published monthly." and out.target == str(agreed.pk)


def test_link_only_paragraphs_of_public_strategies(world):
    event = make_event(world)
    panel = _panel(event)
    draft = drafting_strategy(world, title="Draft (outcomes)")
    hidden = draft.paragraphs.first()
    with pytest.raises(ServiceError) as exc:
        outcomes.link_output(
            actor=world.users["alice"], session=panel, kind="paragraph", target=str(hidden.key)
        )
    assert exc.value.field == "target"
    public = open_strategy(world, title="Open (outcomes)").paragraphs.first()
    out = outcomes.link_output(
        actor=world.users["alice"], session=panel, kind="paragraph", target=str(public.key)
    )
    assert out.target == str(public.key)
    outcomes.unlink_output(actor=world.users["bob"], output=out)
    assert SessionOutput.objects.count() == 0
    assert AuditEvent.objects.filter(action="forum.output.unlink").count() == 1


def test_minutes_page_reads_for_all_and_writes_for_hosts(world, as_persona):
    event = make_event(world)
    panel = _panel(event)
    url = reverse("forum:minutes", args=[event.slug, panel.pk])
    anonymous = as_persona("anonymous").get(url)
    assert anonymous.status_code == 200 and b"No minutes have been written" in anonymous.content
    assert b"Save the minutes" not in anonymous.content
    assert as_persona("anonymous").post(url, {"text": "x"}).status_code == 302
    assert as_persona("carol").post(url, {"text": "x"}).status_code == 403
    bob = as_persona("bob")
    assert b"Save the minutes" in bob.get(url).content
    bad = bob.post(url, {"text": "x", "attendance": "-1"})
    assert bad.status_code == 200 and Minutes.objects.count() == 0
    response = bob.post(
        url, {"text": "The panel agreed on <b>three</b> points.", "attendance": "25"}
    )
    assert response.status_code == 302
    page = as_persona("dave").get(url).content.decode()
    assert "three</b>" not in page and "&lt;b&gt;three&lt;/b&gt;" in page  # escaped
    assert "25" in page


def test_outputs_page_adds_and_removes(world, as_persona):
    event = make_event(world)
    panel = _panel(event)
    doc = document(title="Opening statement of the panel")
    url = reverse("forum:outputs", args=[event.slug, panel.pk])
    bob = as_persona("bob")
    bad = bob.post(url, {"action": "add", "kind": "document", "target": "0"})
    assert bad.status_code == 200 and "Give the id" in bad.content.decode()
    assert bob.post(url, {"action": "add", "kind": "document", "target": doc.pk}).status_code == 302
    assert "Opening statement of the panel" in as_persona("anonymous").get(url).content.decode()
    output = SessionOutput.objects.get()
    assert (
        as_persona("carol").post(url, {"action": "remove", "output": output.pk}).status_code == 403
    )
    assert bob.post(url, {"action": "remove", "output": output.pk}).status_code == 302
    assert SessionOutput.objects.count() == 0


def test_event_report_counts(world, as_persona):
    event = make_event(world, capacity=1)
    panel = _panel(event)
    bob_reg = checked_in(event, world.users["bob"])
    bob_reg.certificate_issued_at = bob_reg.checked_in_at
    bob_reg.save(update_fields=["certificate_issued_at"])
    waiting = checked_in(event, world.users["carol"])
    waiting.status, waiting.checked_in_at = "waiting", None
    waiting.save(update_fields=["status", "checked_in_at"])
    outcomes.write_minutes(actor=world.users["bob"], session=panel, text="Done.")
    outcomes.link_output(
        actor=world.users["bob"], session=panel, kind="document", target=document().pk
    )
    report = outcomes.event_report(world.users["dave"], event)
    assert (
        report["confirmed"],
        report["waiting"],
        report["checked_in"],
        report["certificates"],
    ) == (1, 1, 1, 1)
    panel_row = next(r for r in report["sessions"] if r["session"] == panel)
    assert panel_row["attendance"] == 1 and panel_row["institutions"] == [world.astana]
    assert report["institutions"] == [world.astana] and report["outputs_total"] == 1
    page = as_persona("anonymous").get(reverse("forum:event_report", args=[event.slug]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "certificates issued" in html and world.astana.name in html
