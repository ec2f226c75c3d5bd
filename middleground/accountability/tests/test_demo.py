"""The accountability demo on top of the demo network, consultations, Delphi, library and
strategies: a simulated interim cycle in review, scored for every member x commitment, one
reconciled cell, one counter-argument and one acceptance, self-reports; safe to run twice."""

import datetime as dt
import importlib

import pytest
from django.utils import timezone

from middleground.accountability import selectors
from middleground.accountability.demo import STRATEGY_TITLE
from middleground.accountability.demo import load_demo as load_accountability
from middleground.accountability.models import (
    Assessment,
    Assignment,
    CellResult,
    CellStatus,
    Commitment,
    CommitmentMember,
    Cycle,
    CycleKind,
    CycleStatus,
    Reply,
    ReplyStatus,
    SelfReport,
)
from middleground.accounts.models import AuditEvent, User
from middleground.strategies.models import Strategy

pytestmark = pytest.mark.django_db

BEFORE = ("network", "consultations", "delphi", "library", "strategies")


@pytest.fixture
def demo():
    for app in BEFORE:
        importlib.import_module(f"middleground.{app}.demo").load_demo()
    return load_accountability()


def _by_country(cycle):
    """{(commitment code, member country): cell}."""
    cells = cycle.cells.select_related("commitment", "member__institution")
    return {(c.commitment.code, c.member.institution.country_id): c for c in cells}


def test_demo_cycle_in_review_with_reconciliation_reply_and_self_reports(demo):
    strategy = Strategy.objects.get(title=STRATEGY_TITLE)
    commitments = list(strategy.commitments.order_by("position"))
    assert [c.code for c in commitments] == ["R1", "R2", "R3"]
    assert commitments[0].sdg_targets == ["16.10", "17.6"]
    assert all(c.indicators and c.guideline and c.sdg_targets for c in commitments)
    assert commitments[1].deadline == dt.date(2028, 12, 31)  # "operational by 2028"
    # the endorsing institutions are bound (Mexico only took note)
    countries = {m.institution.country_id for m in commitments[0].members.all()}
    assert countries == {"KZ", "TR", "PE", "AZ"}

    cycle = Cycle.objects.get(strategy=strategy)
    assert cycle.kind == CycleKind.INTERIM and cycle.simulated is True
    assert cycle.status == CycleStatus.REVIEW and cycle.reply_deadline > timezone.now()

    # every member x commitment is scored, each assessment justified with sources
    cells = _by_country(cycle)
    assert len(cells) == 13 and all(c.draft_score is not None for c in cells.values())
    assessments = list(Assessment.objects.filter(cycle=cycle).select_related("assessor"))
    assert len(assessments) == 20
    assert all(a.justification and a.sources for a in assessments)
    members = {m.pk: m for m in CommitmentMember.objects.filter(commitment__strategy=strategy)}
    for a in assessments:  # nobody scored their own institution
        assert a.assessor.institution_id != members[a.member_id].institution_id
    assert any(isinstance(s, int) for a in assessments for s in a.sources)  # a library document

    # bob assesses R2 (every member but his own institution) and sees the cycle's cells
    bob = User.objects.get(username="bob")
    assert list(
        Assignment.objects.filter(cycle=cycle, assessor=bob).values_list(
            "commitment__code", flat=True
        )
    ) == ["R2"]
    assert Assessment.objects.filter(cycle=cycle, assessor=bob).count() == 3
    assert len(selectors.visible_cells(bob, cycle)) == 13
    # the analysts work for institutions that are not bound by the commitments
    analysts = User.objects.filter(username__in=["analyst-1", "analyst-2"])
    assert analysts.count() == 2
    bound = {m.institution_id for m in members.values()}
    assert all(a.institution_id not in bound and not a.has_usable_password() for a in analysts)
    # carol's institution is bound by R3 only: she sees the cycle in review, her one cell
    carol = User.objects.get(username="carol")
    assert selectors.cycles(carol).filter(pk=cycle.pk).exists()
    carol_cell = cells[("R3", "KR")]
    assert carol.represents(carol_cell.member.institution_id)
    assert [v.cell.pk for v in selectors.visible_cells(carol, cycle)] == [carol_cell.pk]
    assert carol_cell.reply_status == ReplyStatus.PENDING

    # one cell: the two analysts differed, the secretariat reconciled it with a note
    reconciled = [c for c in cells.values() if c.status == CellStatus.RECONCILED]
    assert [(c.commitment.code, c.member.institution.country_id) for c in reconciled] == [
        ("R1", "PE")
    ]
    cell = reconciled[0]
    pair = sorted(
        Assessment.objects.filter(
            cycle=cycle, commitment=cell.commitment, member=cell.member
        ).values_list("score", flat=True)
    )
    assert pair == [-1, 0] and cell.draft_score == 0
    assert cell.reconciliation_note and cell.reconciled_by.username == "alice"
    assert not CellResult.objects.filter(cycle=cycle, status=CellStatus.DISAGREEMENT).exists()

    # the right of reply: one acceptance, one counter-argument with evidence, the rest pending
    statuses = {k: c.reply_status for k, c in cells.items()}
    assert statuses.pop(("R1", "TR")) == ReplyStatus.ACCEPTED
    assert statuses.pop(("R2", "PE")) == ReplyStatus.REPLIED
    assert set(statuses.values()) == {ReplyStatus.PENDING}
    counter = Reply.objects.get(cell=cells[("R2", "PE")])
    assert counter.accepts is False and counter.text and counter.evidence
    assert counter.by.represents(cells[("R2", "PE")].member.institution_id)
    assert Reply.objects.get(cell=cells[("R1", "TR")]).accepts is True

    reports = SelfReport.objects.filter(commitment__strategy=strategy).select_related("member")
    assert sorted(
        (r.commitment.code, r.member.institution.country_id, r.status) for r in reports
    ) == [("R1", "TR", "on_track"), ("R2", "PE", "some_delay"), ("R3", "AZ", "off_track")]
    assert all(r.after_cycle_id == cycle.pk for r in reports)


def test_demo_summary_matches_the_stored_scores(demo):
    cycle = Cycle.objects.get(strategy__title=STRATEGY_TITLE)
    cells = _by_country(cycle)
    # by hand: R1 KZ 0 TR +1 PE 0 (reconciled) AZ -1; R2 KZ +1 TR 0 PE -1 AZ 0;
    # R3 KZ +1 TR 0 PE 0 AZ -1 KR (carol's institution) 0
    expected = {
        "R1": {"KZ": 0, "TR": 1, "PE": 0, "AZ": -1},
        "R2": {"KZ": 1, "TR": 0, "PE": -1, "AZ": 0},
        "R3": {"KZ": 1, "TR": 0, "PE": 0, "AZ": -1, "KR": 0},
    }
    assert {
        code: {country: cells[(code, country)].draft_score for country in row}
        for code, row in expected.items()
    } == expected
    summary = selectors.cycle_summary(cycle)
    assert summary.overall.n == 13
    assert summary.overall.average == pytest.approx(0.0)
    assert summary.overall.percent == pytest.approx(50.0)
    assert summary.by_commitment["R1"].average == pytest.approx(0.0)
    assert summary.by_commitment["R2"].average == pytest.approx(0.0)
    assert summary.by_commitment["R3"].average == pytest.approx(0.0)
    key = {country: cells[("R1", country)].member.member_key() for country in expected["R1"]}
    assert summary.by_member[key["KZ"]].average == pytest.approx(2 / 3)
    assert summary.by_member[key["TR"]].average == pytest.approx(1 / 3)
    assert summary.by_member[key["PE"]].average == pytest.approx(-1 / 3)
    assert summary.by_member[key["AZ"]].average == pytest.approx(-2 / 3)
    kr = cells[("R3", "KR")].member.member_key()
    assert (summary.by_member[kr].average, summary.by_member[kr].n) == (0, 1)
    # and the same from the stored rows, whatever they are
    stored = list(CellResult.objects.filter(cycle=cycle).values_list("draft_score", flat=True))
    assert summary.overall.average == pytest.approx(sum(stored) / len(stored))


def test_demo_returns_counts_and_runs_twice(demo):
    assert demo == {
        "commitments": 3,
        "compliance_cycles": 1,
        "assessments": 20,
        "scored_cells": 13,
        "replies": 2,
        "self_reports": 3,
    }
    tables = (Commitment, Cycle, Assignment, Assessment, CellResult, Reply, SelfReport, User)
    before = {m.__name__: m.objects.count() for m in tables}
    audit = AuditEvent.objects.count()
    assert load_accountability() == demo
    assert {m.__name__: m.objects.count() for m in tables} == before
    assert AuditEvent.objects.count() == audit


def test_demo_skips_without_the_demo_strategy(db):
    assert "skipped" in load_accountability()["accountability"]
    assert not Commitment.objects.exists() and not Cycle.objects.exists()


def test_carol_is_told_and_answers_her_institutions_draft_score_as_a_persona(demo, client):
    from django.urls import reverse

    from middleground.notifications.models import Notification

    cycle = Cycle.objects.get(strategy__title=STRATEGY_TITLE)
    cell = _by_country(cycle)[("R3", "KR")]
    carol = User.objects.get(username="carol")
    assert carol.has_usable_password()  # a persona who signs in, unlike the rep-* accounts
    assert Notification.objects.filter(recipient=carol, kind="accountability.review").exists()
    client.force_login(carol)
    url = reverse("accountability:cell", args=[cell.pk])
    page = client.get(url).content.decode()
    assert "Your right of reply" in page
    assert reverse("accountability:cell_reply", args=[cell.pk]) in page
    # the other institutions' cells stay hidden from her
    other = _by_country(cycle)[("R3", "TR")]
    assert client.get(reverse("accountability:cell", args=[other.pk])).status_code == 404
    response = client.post(
        reverse("accountability:cell_reply", args=[cell.pk]),
        {"accepts": "no", "text": "The chapter draft is with the editors.", "evidence": ""},
    )
    assert response.status_code == 302
    cell.refresh_from_db()
    assert cell.reply_status == ReplyStatus.REPLIED
    assert Reply.objects.get(cell=cell).by == carol
