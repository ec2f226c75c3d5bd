"""Import and export: one format (CSV = JSON), round trips, and a report for every bad row."""

import csv
import io
import json

import pytest

from middleground.accountability import interop, services
from middleground.accountability.jobs import COLUMNS
from middleground.accountability.models import (
    Assessment,
    CellResult,
    Commitment,
    CommitmentMember,
    Cycle,
    ImportJob,
    SelfReport,
)
from middleground.strategies.tests.factories import open_strategy

from .factories import final_cycle, member, score_all, strategy_with_commitments


def _full(world):
    """A strategy with a final interim cycle (4 scored cells, a reply), a self-report, and a
    draft final cycle with two scores."""
    strategy = strategy_with_commitments(world, title="Interop source")
    cycle = final_cycle(world, strategy=strategy)
    r1 = strategy.commitments.get(code="R1")
    services.self_report(
        actor=world.users["carol"],
        commitment=r1,
        member=member(r1, f"institution:{world.seoul.pk}"),
        status="some_delay",
        text="=SUM(A1) data late, sources: -see annex",
    )
    alice = world.users["alice"]
    final = services.open_cycle(actor=alice, strategy=strategy, kind="final")
    for c in strategy.commitments.all():
        services.assign(actor=alice, cycle=final, commitment=c, assessor=world.users["bob"])
    score_all(world, final, {("R1", "partner:UN-Water"): 0, ("R2", "partner:UN-Water"): 1})
    return strategy, cycle, final


def snapshot(strategy):
    """The data of a strategy by stable keys (no ids, no times of the import)."""
    rows = interop.export_rows(strategy)
    return sorted(json.dumps(dict(r.items()), sort_keys=True) for r in rows)


def test_csv_and_json_have_the_same_columns_and_values(world):
    strategy, _cycle, _final = _full(world)
    rows = list(csv.DictReader(io.StringIO(interop.export_csv(strategy))))
    doc = interop.export_json(strategy)
    assert list(rows[0]) == COLUMNS == doc["columns"]
    assert all(list(r) == COLUMNS for r in doc["rows"])
    assert interop.parse(interop.export_csv(strategy), fmt="csv") == interop.parse_json(doc)
    # the formula-like self-report text is quoted in the CSV and read back as written
    report = next(r for r in rows if r["record"] == "self_report")
    assert report["text"].startswith("'=SUM")
    parsed = next(
        r for r in interop.parse_csv(interop.export_csv(strategy)) if r["record"] == "self_report"
    )
    assert parsed["text"] == "=SUM(A1) data late, sources: -see annex"
    records = [r["record"] for r in rows]
    assert records.count("commitment") == 2 and records.count("member") == 6
    assert records.count("cycle") == 2 and records.count("cell") == 12
    assert records.count("assessment") == 6 and records.count("self_report") == 1


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_round_trip_into_an_empty_copy(world, fmt):
    strategy, _cycle, _final = _full(world)
    text = (
        interop.export_csv(strategy) if fmt == "csv" else json.dumps(interop.export_json(strategy))
    )
    copy = open_strategy(world, title="Interop copy")
    job = interop.start_import(
        actor=world.users["alice"], strategy=copy, rows=interop.parse(text, fmt=fmt)
    )
    assert job.status == "done", job.errors
    assert snapshot(copy) == snapshot(strategy)
    assert job.summary["cell"]["created"] == 12 and job.summary["assessment"]["created"] == 6
    frozen = Cycle.objects.get(strategy=copy, kind="interim")
    assert frozen.is_final and len(frozen.sha256) == 64
    # an unchanged export imported again changes nothing
    again = interop.start_import(
        actor=world.users["alice"], strategy=copy, rows=interop.parse(text, fmt=fmt)
    )
    assert again.status == "done"
    assert all(c["created"] == c["updated"] == 0 for c in again.summary.values()), again.summary
    assert snapshot(copy) == snapshot(strategy)


def _counts():
    return tuple(
        m.objects.count()
        for m in (Commitment, CommitmentMember, Cycle, CellResult, Assessment, SelfReport)
    )


def _edit(source, record, where, /, **changes):
    """The CSV ``source`` with the first ``record`` row matching ``where`` changed."""
    rows = list(csv.DictReader(io.StringIO(source)))
    row = next(
        r for r in rows if r["record"] == record and all(r[k] == v for k, v in where.items())
    )
    row.update(changes)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue(), rows.index(row) + 1


def test_editing_one_score_changes_only_that_score(world):
    strategy, _cycle, final = _full(world)
    before = snapshot(strategy)
    where = {"cycle_kind": "final", "commitment": "R1", "member": "partner:UN-Water"}
    text, _n = _edit(interop.export_csv(strategy), "assessment", where, score="-1")
    job = interop.start_import(
        actor=world.users["alice"], strategy=strategy, rows=interop.parse_csv(text)
    )
    assert job.status == "done", job.errors
    assert job.summary["assessment"] == {"created": 0, "updated": 1, "unchanged": 5}
    after = snapshot(strategy)
    changed = sorted(set(after) - set(before))
    assert len(changed) == 2  # the assessment, and the cell's draft score that follows it
    r1 = strategy.commitments.get(code="R1")
    un = member(r1, "partner:UN-Water")
    assert Assessment.objects.get(cycle=final, member=un).score == -1
    assert CellResult.objects.get(cycle=final, member=un).draft_score == -1
    assert len(set(before) - set(after)) == 2


def test_every_kind_of_bad_row_is_reported_and_nothing_stored(world):
    strategy, _cycle, _final = _full(world)
    text = interop.export_csv(strategy)
    seoul = f"institution:{world.seoul.pk}"
    cases = [
        (
            "assessment",
            {"cycle_kind": "final"},
            {"commitment": "R9"},
            "commitment",
            "Unknown commitment",
        ),
        ("assessment", {"cycle_kind": "final"}, {"score": "2"}, "score", "-1"),
        ("assessment", {"cycle_kind": "final"}, {"score": "0.5"}, "score", "-1"),
        (
            "assessment",
            {"cycle_kind": "final"},
            {"justification": ""},
            "justification",
            "justification",
        ),
        (
            "assessment",
            {"cycle_kind": "final"},
            {"assessor": "nobody"},
            "assessor",
            "Unknown assessor",
        ),
        (
            "cell",
            {"cycle_kind": "interim", "member": seoul, "commitment": "R1"},
            {"final_score": "-1"},
            "final_score",
            "final",
        ),
        ("cycle", {"cycle_kind": "interim"}, {"note": "rewritten"}, "note", "final"),
        ("commitment", {"commitment": "R2"}, {"deadline": "2028-13-01"}, "deadline", "date"),
        (
            "member",
            {"commitment": "R2"},
            {"member": "institution:999999"},
            "member",
            "Unknown member",
        ),
        ("self_report", {}, {"text": "changed"}, "text", "own record"),
        ("self_report", {}, {"at": "yesterday"}, "at", "date"),
    ]
    before = _counts()
    for record, where, changes, field, words in cases:
        edited, n = _edit(text, record, where, **changes)
        job = interop.start_import(
            actor=world.users["alice"], strategy=strategy, rows=interop.parse_csv(edited)
        )
        assert job.status == "rejected", (record, changes)
        assert [(e["row"], e["field"]) for e in job.errors] == [(n, field)], (changes, job.errors)
        assert words in job.errors[0]["message"], job.errors
        assert _counts() == before


def test_a_correction_is_imported_as_a_revision(world):
    strategy, cycle, _final = _full(world)
    # a revision of the final interim cycle: copy its cycle and cell rows as revision 1
    rows = interop.parse_csv(interop.export_csv(strategy))
    extra = []
    for r in rows:
        if r["record"] in ("cycle", "cell") and r["cycle_kind"] == "interim":
            extra.append({**r, "cycle_revision": "1"})
    fix = next(
        r
        for r in extra
        if r["record"] == "cell" and r["member"] == "partner:UN-Water" and r["commitment"] == "R1"
    )
    fix["final_score"] = "0"
    # the draft final cycle is in progress: finalise the order by dropping it first
    rows = [r for r in rows if r["cycle_kind"] != "final"]
    copy = open_strategy(world, title="Revision copy")
    job = interop.start_import(actor=world.users["alice"], strategy=copy, rows=rows + extra)
    assert job.errors[0]["field"] == "final_note" and job.status == "rejected"
    fix["final_note"] = "Data published in time, seen late."
    job = interop.start_import(actor=world.users["alice"], strategy=copy, rows=rows + extra)
    assert job.status == "done", job.errors
    revision = Cycle.objects.get(strategy=copy, revision=1)
    assert revision.is_final and revision.revision_of.revision == 0
    un = CellResult.objects.get(cycle=revision, commitment__code="R1", member__partner="UN-Water")
    assert un.final_score == 0
    original = CellResult.objects.get(
        cycle=revision.revision_of, commitment__code="R1", member__partner="UN-Water"
    )
    assert original.final_score == -1


def test_one_bad_row_in_a_thousand(world):
    strategy = open_strategy(world, title="Thousand rows")
    blank = dict.fromkeys(COLUMNS, "")
    rows = [
        {**blank, "record": "commitment", "commitment": "C1", "text": "Publish the data."},
        {
            **blank,
            "record": "cycle",
            "cycle_kind": "interim",
            "cycle_number": "1",
            "cycle_revision": "0",
            "status": "draft",
        },
    ]
    cycle = {"cycle_kind": "interim", "cycle_number": "1", "cycle_revision": "0"}
    rows += [
        {**blank, "record": "member", "commitment": "C1", "member": f"partner:P{i}"}
        for i in range(499)
    ]
    rows += [
        {
            **blank,
            "record": "assessment",
            **cycle,
            "commitment": "C1",
            "member": f"partner:P{i}",
            "assessor": "bob",
            "score": "1",
            "justification": "Seen.",
        }
        for i in range(499)
    ]
    assert len(rows) == 1000
    rows[699]["score"] = "2"
    before = _counts()
    job = interop.start_import(actor=world.users["alice"], strategy=strategy, rows=rows)
    assert job.status == "rejected"
    assert [(e["row"], e["field"]) for e in job.errors] == [(700, "score")]
    assert _counts() == before
    rows[699]["score"] = "0"
    job = interop.start_import(actor=world.users["alice"], strategy=strategy, rows=rows)
    assert job.status == "done" and job.summary["assessment"]["created"] == 499
    assert Assessment.objects.filter(cycle__strategy=strategy, score=0).count() == 1
    assert CellResult.objects.filter(cycle__strategy=strategy, draft_score=1).count() == 498


def test_only_the_secretariat_imports(world):
    strategy, _c, _f = _full(world)
    rows = interop.parse_csv(interop.export_csv(strategy))
    with pytest.raises(services.ServiceError) as caught:
        interop.start_import(actor=world.users["carol"], strategy=strategy, rows=rows)
    assert caught.value.status == 403
    assert ImportJob.objects.count() == 0


def test_bad_files_name_the_columns():
    with pytest.raises(services.ServiceError) as caught:
        interop.parse_csv("record,commitment\ncommitment,R1\n")
    assert caught.value.field == "columns" and "The file lacks the columns" in caught.value.message
    with pytest.raises(services.ServiceError) as caught:
        interop.parse_json({"rows": [{"record": "x"}]})
    assert "Row 1" in caught.value.message
