"""The accountability pages through HTTP: the matrix shows what the services stored, the
filters filter, the forms call the services (bad input: an error beside the field, nothing
stored), and each reader sees what the selectors allow."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from middleground.accountability import selectors, services
from middleground.accountability.models import (
    Assessment,
    CellResult,
    Cycle,
    CycleStatus,
    Reply,
    SelfReport,
)
from middleground.network.models import Bloc

from .factories import (
    draft_cycle,
    final_cycle,
    member,
    review_cycle,
    score_all,
    strategy_with_commitments,
)

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def _matrix(response) -> str:
    page = _text(response)
    start = page.find('class="data matrix"')
    if start < 0:
        return ""
    return page[start : page.find("</table>", start)]


def test_dashboard_shows_the_final_scores_and_averages(world, as_persona):
    cycle = final_cycle(world)
    page = _text(
        as_persona("anonymous").get(reverse("accountability:dashboard", args=[cycle.strategy.slug]))
    )
    # seoul: R1 +1, R2 0 -> average 0.50, 75%; UN-Water: -1, +1 -> 0.00, 50%
    assert "Seoul" in page or world.seoul.name in page
    assert "0.50 · 75%" in page
    assert "0.00 · 50%" in page
    assert "+1 Full" in page and "0 Partial" in page and "−1 None" in page
    # overall: 1 + 0 - 1 + 1 = 1 over 4 -> 0.25, 62.5% -> 62%/63%
    assert "0.25 · 6" in page
    assert f"/api/v1/compliance/cycles/{cycle.pk}/scores.csv" in page
    assert reverse("accountability:report", args=[cycle.pk]) in page
    assert "<caption>" in page and 'scope="row"' in page


def test_dashboard_hides_a_draft_from_the_public_and_says_so(world, as_persona):
    cycle = draft_cycle(world)
    score_all(world, cycle, {("R1", "partner:UN-Water"): 1})
    url = reverse("accountability:dashboard", args=[cycle.strategy.slug])
    page = _text(as_persona("anonymous").get(url))
    assert "No compliance report has been published yet" in page
    assert "+1 Full" not in page
    assert as_persona("anonymous").get(url + f"?cycle={cycle.pk}").status_code == 404
    # the assessor sees their own score in draft
    assert "+1 Full" in _text(as_persona("bob").get(url))


def test_filters_by_country_group_and_bloc(world, as_persona):
    cycle = final_cycle(world)
    url = reverse("accountability:dashboard", args=[cycle.strategy.slug])
    client = as_persona("anonymous")
    kr = _matrix(client.get(url + "?country=KR"))
    assert world.seoul.name in kr and "UN-Water" not in kr and world.astana.name not in kr
    kz = _matrix(client.get(url + "?country=KZ"))
    assert world.astana.name in kz and world.seoul.name not in kz
    group = world.seoul.country.regional_group
    assert "UN-Water" not in _matrix(client.get(url + f"?regional_group={group}"))
    bloc = Bloc.objects.create(code="TST", name="Test bloc")
    bloc.countries.add(world.seoul.country)
    in_bloc = _matrix(client.get(url + "?bloc=TST"))
    assert world.seoul.name in in_bloc and "UN-Water" not in in_bloc
    assert world.astana.name not in in_bloc
    other = Bloc.objects.create(code="NON", name="Empty bloc")
    assert other.pk
    empty = _text(client.get(url + "?bloc=NON"))
    assert "No member matches these filters" in empty
    area = _matrix(client.get(url + "?focus_area=security"))
    assert area == ""  # no commitment has that focus area
    in_group = _matrix(client.get(url + f"?regional_group={group}"))
    assert world.seoul.name in in_group
    # one commitment moved to another focus area: the filter keeps its column only
    cycle.strategy.commitments.filter(code="R2").update(focus_area=world.security)
    security = _matrix(client.get(url + "?focus_area=security"))
    assert ">R2<" in security.replace(" ", "") and ">R1<" not in security.replace(" ", "")
    assert world.seoul.name in security and "UN-Water" in security
    water = _matrix(client.get(url + f"?focus_area={world.water.slug}"))
    assert ">R1<" in water.replace(" ", "") and ">R2<" not in water.replace(" ", "")


def test_scoring_form_stores_the_score_and_refuses_bad_input(world, as_persona):
    cycle = draft_cycle(world)
    cell = CellResult.objects.get(cycle=cycle, commitment__code="R1", member__partner="UN-Water")
    bob = as_persona("bob")
    url = reverse("accountability:cell_score", args=[cell.pk])
    before = Assessment.objects.count()
    bad = bob.post(url, {"score": "1", "justification": "Seen.", "sources": "ftp://nope"})
    assert bad.status_code == 200 and "sources" in _text(bad).lower()
    assert Assessment.objects.count() == before
    missing = bob.post(url, {"score": "1", "justification": ""})
    assert missing.status_code == 200 and Assessment.objects.count() == before
    ok = bob.post(
        url, {"score": "0", "justification": "Half done.", "sources": "https://example.org/r"}
    )
    assert ok.status_code == 302
    a = Assessment.objects.get(cycle=cycle, member=cell.member, commitment=cell.commitment)
    assert (a.score, a.justification, a.sources) == (0, "Half done.", ["https://example.org/r"])
    # carol is no assessor: the draft cell is not hers to see
    assert as_persona("carol").post(url, {"score": "1", "justification": "x"}).status_code == 404


def test_assessor_does_not_see_the_other_assessment_or_the_draft_score(world, as_persona):
    from middleground.accounts.models import Role, User

    cycle = draft_cycle(world)
    r1 = cycle.strategy.commitments.get(code="R1")
    eve = User.objects.create_user("eve", "eve@example.org", "pw-eve-12345", role=Role.EXPERT)
    services.assign(actor=world.users["alice"], cycle=cycle, commitment=r1, assessor=eve, slot=2)
    score_all(world, cycle, {("R1", "partner:UN-Water"): 1})
    services.score(
        actor=eve,
        cycle=cycle,
        commitment=r1,
        member=member(r1, "partner:UN-Water"),
        score=-1,
        justification="Eve secret reasoning.",
    )
    cell = CellResult.objects.get(cycle=cycle, commitment=r1, member__partner="UN-Water")
    bob_page = _text(as_persona("bob").get(reverse("accountability:cell", args=[cell.pk])))
    assert "Eve secret reasoning" not in bob_page and "Draft score" not in bob_page
    alice_page = _text(as_persona("alice").get(reverse("accountability:cell", args=[cell.pk])))
    assert "Eve secret reasoning" in alice_page and "Reconcile the assessors" in alice_page
    # reconcile through the page, then the cycle page shows the agreement
    r = as_persona("alice").post(
        reverse("accountability:cell_reconcile", args=[cell.pk]), {"score": "0", "note": "Partly."}
    )
    assert r.status_code == 302
    cell.refresh_from_db()
    assert (cell.draft_score, cell.reconciliation_note) == (0, "Partly.")
    cycle_page = _text(as_persona("alice").get(reverse("accountability:cycle", args=[cycle.pk])))
    assert "1 cells scored by both assessors; 0% identical scores." in cycle_page
    assert "Cohen" in cycle_page


def test_reply_page_counter_argument_required_then_stored(world, as_persona):
    cycle = review_cycle(world)
    cell = CellResult.objects.get(
        cycle=cycle, commitment__code="R2", member__institution=world.seoul
    )
    carol = as_persona("carol")
    page = _text(carol.get(reverse("accountability:cell", args=[cell.pk])))
    assert "Your right of reply" in page
    url = reverse("accountability:cell_reply", args=[cell.pk])
    refused = carol.post(url, {"accepts": "no", "text": ""})
    assert refused.status_code == 200 and "counter-argument is required" in _text(refused)
    assert not Reply.objects.filter(cell=cell).exists()
    assert (
        carol.post(
            url,
            {
                "accepts": "no",
                "text": "We published in March.",
                "evidence": "https://example.org/m",
            },
        ).status_code
        == 302
    )
    reply = Reply.objects.get(cell=cell)
    assert (reply.accepts, reply.text, reply.evidence) == (
        False,
        "We published in March.",
        ["https://example.org/m"],
    )
    assert as_persona("bob").post(url, {"accepts": "yes"}).status_code == 403


def test_in_review_the_member_sees_the_reasons_it_replies_to_and_others_do_not(world, as_persona):
    cycle = review_cycle(world)
    seoul_cell = CellResult.objects.get(
        cycle=cycle, commitment__code="R2", member__institution=world.seoul
    )
    reason = f"Evidence for R2 institution:{world.seoul.pk}."
    assert reason in _text(
        as_persona("carol").get(reverse("accountability:cell", args=[seoul_cell.pk]))
    )
    other = CellResult.objects.get(cycle=cycle, commitment__code="R2", member__partner="UN-Water")
    assert (
        as_persona("carol").get(reverse("accountability:cell", args=[other.pk])).status_code == 404
    )
    assert reason not in _text(
        as_persona("dave").get(reverse("accountability:cell", args=[seoul_cell.pk]))
    )


def test_finalise_with_an_override_then_the_dashboard_shows_it(world, as_persona):
    cycle = review_cycle(world)
    cell = CellResult.objects.get(
        cycle=cycle, commitment__code="R2", member__institution=world.seoul
    )
    services.reply(actor=world.users["carol"], cell=cell, accepts=False, text="Done in March.")
    alice = as_persona("alice")
    url = reverse("accountability:cycle_finalise", args=[cycle.pk])
    bad = alice.post(url, {f"score_{cell.pk}": "1", f"note_{cell.pk}": ""})
    assert bad.status_code == 200 and Cycle.objects.get(pk=cycle.pk).status == CycleStatus.REVIEW
    assert (
        alice.post(
            url, {f"score_{cell.pk}": "1", f"note_{cell.pk}": "Evidence accepted."}
        ).status_code
        == 302
    )
    cell.refresh_from_db()
    assert (cell.final_score, cell.final_note) == (1, "Evidence accepted.")
    page = _text(
        as_persona("anonymous").get(reverse("accountability:dashboard", args=[cycle.strategy.slug]))
    )
    assert "1.00 · 100%" in page  # seoul now +1, +1


def test_secretariat_creates_commitments_opens_assigns_and_sends(world, as_persona):
    from middleground.strategies.tests.factories import open_strategy

    strategy = open_strategy(world, title="Pages flow")
    alice = as_persona("alice")
    assert (
        alice.post(
            reverse("accountability:commitments_from_strategy", args=[strategy.slug])
        ).status_code
        == 302
    )
    assert strategy.commitments.count() == 2
    bad = alice.post(
        reverse("accountability:cycle_open", args=[strategy.slug]),
        {"kind": "final", "roll_up": "mean"},
    )
    assert bad.status_code == 200 and "after a finalised interim" in _text(bad)
    assert not Cycle.objects.filter(strategy=strategy).exists()
    r = alice.post(
        reverse("accountability:cycle_open", args=[strategy.slug]),
        {"kind": "interim", "roll_up": "mean", "simulated": "on"},
    )
    cycle = Cycle.objects.get(strategy=strategy)
    assert r.status_code == 302 and cycle.simulated
    r1 = strategy.commitments.get(code="R1")
    r = alice.post(
        reverse("accountability:cycle_assign", args=[cycle.pk]),
        {"commitment": r1.pk, "assessor": world.users["bob"].pk, "slot": "1"},
    )
    assert r.status_code == 302 and cycle.assignments.get().assessor == world.users["bob"]
    # nothing scored: sending is refused with the reason
    deadline = (timezone.now() + dt.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    refused = alice.post(
        reverse("accountability:cycle_review", args=[cycle.pk]), {"reply_deadline": deadline}
    )
    assert refused.status_code == 200 and "No cell of this cycle has been scored yet" in _text(
        refused
    )
    m = member(r1, f"institution:{world.seoul.pk}")
    services.score(
        actor=world.users["bob"], cycle=cycle, commitment=r1, member=m, score=1, justification="ok"
    )
    assert (
        alice.post(
            reverse("accountability:cycle_review", args=[cycle.pk]), {"reply_deadline": deadline}
        ).status_code
        == 302
    )
    assert Cycle.objects.get(pk=cycle.pk).status == CycleStatus.REVIEW
    # a cycle in progress: the page says so instead of offering a form that would fail
    listing = _text(alice.get(reverse("accountability:commitments", args=[strategy.slug])))
    assert "A cycle is in progress" in listing and "Open the cycle" not in listing
    export = f"/api/v1/compliance/strategies/{strategy.pk}/export.csv"
    assert f'href="{export}"' in listing
    assert alice.get(export)["Content-Type"].startswith("text/csv")
    assert "Simulated cycle" in _text(
        as_persona("alice").get(reverse("accountability:dashboard", args=[strategy.slug]))
    )


def test_correction_makes_a_revision(world, as_persona):
    cycle = final_cycle(world)
    cell = CellResult.objects.get(cycle=cycle, commitment__code="R1", member__partner="UN-Water")
    r = as_persona("alice").post(
        reverse("accountability:cycle_correct", args=[cycle.pk]),
        {"cell": cell.pk, "score": "0", "cell_note": "Misread.", "note": "Erratum"},
    )
    assert r.status_code == 302
    revision = Cycle.objects.get(revision_of=cycle)
    assert revision.cells.get(commitment__code="R1", member__partner="UN-Water").final_score == 0
    assert "Corrected by revision 1" in _text(
        as_persona("anonymous").get(reverse("accountability:cycle", args=[cycle.pk]))
    )


def test_member_page_shows_scores_beside_self_reports_and_silence(world, as_persona):
    cycle = final_cycle(world)
    r1 = cycle.strategy.commitments.get(code="R1")
    seoul = member(r1, f"institution:{world.seoul.pk}")
    carol = as_persona("carol")
    url = reverse("accountability:self_report", args=[r1.pk, seoul.pk])
    refused = carol.post(url, {"status": "off_track", "text": ""})
    assert refused.status_code == 200 and "Say what is delayed and why" in _text(refused)
    assert SelfReport.objects.count() == 0
    assert carol.post(url, {"status": "some_delay", "text": "Data law pending."}).status_code == 302
    page = _text(
        as_persona("anonymous").get(
            reverse("accountability:member", args=["institution", world.seoul.pk])
        )
    )
    assert "Some delay" in page and "Data law pending." in page
    assert "+1 Full" in page  # the analysts' score stays beside the self-report
    services.mark_silent_members(cycle=cycle)
    astana = _text(
        as_persona("anonymous").get(
            reverse("accountability:member", args=["institution", world.astana.pk])
        )
    )
    assert "Silent this cycle" in astana
    assert as_persona("bob").get(url).status_code == 403


def test_rolled_up_parent_average(world):
    strategy = strategy_with_commitments(world)
    alice = world.users["alice"]
    r1, r2 = strategy.commitments.get(code="R1"), strategy.commitments.get(code="R2")
    parent = services.create_commitment(
        actor=alice,
        strategy=strategy,
        text="Parent",
        code="P",
        members=[{"kind": "partner", "name": "UN-Water"}],
    )
    r1.parent = parent
    r2.parent = parent
    r1.weight = 3.0
    r1.save(update_fields=["parent", "weight"])
    r2.save(update_fields=["parent"])
    cycle = review_cycle(world, strategy=strategy)
    # R1: seoul +1, UN-Water -1 -> 0; R2: seoul 0, UN-Water +1 -> 0.5; mean 0.25
    [row] = selectors.rolled_up(cycle)
    assert (row["code"], row["children"], row["average"]) == ("P", ["R1", "R2"], 0.25)
    assert row["percent"] == 62.5
    cycle.roll_up = "weighted"
    assert selectors.rolled_up(cycle)[0]["average"] == pytest.approx((0 * 3 + 0.5 * 1) / 4)


def test_assessor_agreement_counts_pairs(world):
    from middleground.accounts.models import Role, User

    cycle = draft_cycle(world)
    r1 = cycle.strategy.commitments.get(code="R1")
    eve = User.objects.create_user("eve2", "eve2@example.org", "pw-eve-12345", role=Role.EXPERT)
    services.assign(actor=world.users["alice"], cycle=cycle, commitment=r1, assessor=eve, slot=2)
    seoul = f"institution:{world.seoul.pk}"
    score_all(world, cycle, {("R1", seoul): 1, ("R1", "partner:UN-Water"): 0, ("R2", seoul): 1})
    for key, value in ((seoul, 1), ("partner:UN-Water", -1)):
        services.score(
            actor=eve,
            cycle=cycle,
            commitment=r1,
            member=member(r1, key),
            score=value,
            justification="x",
        )
    result = selectors.assessor_agreement(cycle)
    assert result.n == 2  # R2 has one assessor: not a pair
    assert result.percent_agreement == 50.0
