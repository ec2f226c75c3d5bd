"""The middleground-analyze command: pinned JSON shape, golden GIC, input errors."""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys

import pytest

from middleground.analysis.analyze_cli import main
from middleground.analysis.tests._polis_fixtures import export_dir


def _copy_export(tmp_path, name, files=("comments.csv", "votes.csv")):
    target = tmp_path / name
    target.mkdir()
    for file in files:
        shutil.copy(os.path.join(export_dir(name), file), target / file)
        os.chmod(target / file, 0o644)
    return target


def test_json_has_the_pinned_shape(tmp_path):
    out = tmp_path / "out.json"
    assert main([export_dir("brexit-consensus"), "--json", str(out)]) == 0
    document = json.loads(out.read_text())
    assert {"participants", "groups", "statements", "consensus"} <= set(document)
    participant = document["participants"][0]
    assert set(participant) >= {"id", "group", "x", "y"}
    assert {"id", "size"} <= set(document["groups"][0])
    statement = document["statements"][0]
    for key in (
        "id",
        "agrees",
        "disagrees",
        "passes",
        "group_informed_consensus",
        "bridging_intercept",
        "bridging_intercept_se",
        "bridging_factor",
        "repness",
    ):
        assert key in statement
    group_id = str(document["groups"][0]["id"])
    assert set(statement["repness"][group_id]) >= {"side", "value", "test"}
    assert set(document["consensus"]) == {"agree", "disagree"}
    # ids are the export's own voter-id and comment-id
    with open(os.path.join(export_dir("brexit-consensus"), "votes.csv")) as handle:
        voters = {int(row["voter-id"]) for row in csv.DictReader(handle)}
    assert {p["id"] for p in document["participants"]} == voters
    outside = [p for p in document["participants"] if p["group"] is None]
    assert all(p["x"] is None for p in outside)


def test_group_informed_consensus_matches_polis_with_its_groups(tmp_path):
    folder = export_dir("bg2050-volunteers")
    out = tmp_path / "bg.json"
    status = main(
        [folder, "--json", str(out), "--groups", os.path.join(folder, "participants-votes.csv")]
    )
    assert status == 0
    document = json.loads(out.read_text())
    ours = {s["id"]: s["group_informed_consensus"] for s in document["statements"]}
    with open(os.path.join(folder, "comments.csv")) as handle:
        polis = {
            int(row["comment-id"]): float(row["group-informed-consensus"])
            for row in csv.DictReader(handle)
        }
    assert len(polis) == 371
    assert max(abs(ours[i] - value) for i, value in polis.items()) < 1e-9
    assert document["groups_source"] == "given"
    assert sorted(g["size"] for g in document["groups"]) == [8, 100]


def test_participants_votes_file_stands_in_for_votes_csv(tmp_path):
    full = tmp_path / "full.json"
    main([export_dir("london.youth.policing"), "--json", str(full)])
    folder = _copy_export(
        tmp_path, "london.youth.policing", ("comments.csv", "participants-votes.csv")
    )
    only = tmp_path / "only.json"
    assert main([str(folder), "--json", str(only)]) == 0
    counts = {
        s["id"]: (s["agrees"], s["disagrees"], s["passes"])
        for s in json.loads(only.read_text())["statements"]
    }
    reference = {
        s["id"]: (s["agrees"], s["disagrees"], s["passes"])
        for s in json.loads(full.read_text())["statements"]
    }
    assert counts == reference


def test_declared_groups_and_report(tmp_path):
    declared = tmp_path / "declared.csv"
    with open(os.path.join(export_dir("brexit-consensus"), "votes.csv")) as handle:
        voters = sorted({int(row["voter-id"]) for row in csv.DictReader(handle)})
    declared.write_text(
        "participant,group\n"
        + "".join(f"{v},{'North' if v % 2 else 'South'}\n" for v in voters[:-1])
        + f"{voters[-1]},Islands\n"
    )
    out, report = tmp_path / "out.json", tmp_path / "report.html"
    status = main(
        [
            export_dir("brexit-consensus"),
            "--json",
            str(out),
            "--declared",
            str(declared),
            "--report",
            str(report),
            "--seed",
            "3",
        ]
    )
    assert status == 0
    block = json.loads(out.read_text())["declared_groups"]
    # the lone Islands voter is not shown, and the smaller of North and South is suppressed
    # with it, so that total minus the groups shown is not one person's votes
    assert [g["label"] for g in block["groups"]] in (["North"], ["South"])
    assert block["unattributed_participants"] >= block["min_group_size"]
    assert "Islands" not in out.read_text()
    html = report.read_text()
    assert "Islands" not in html
    assert "<table>" in html and "<script" not in html


def _error_case(tmp_path, edit):
    folder = _copy_export(tmp_path, "london.youth.policing")
    path, argv = edit(folder)
    out = tmp_path / "out.json"
    result = subprocess.run(
        [sys.executable, "-m", "middleground.analysis.analyze_cli", str(folder), "--json", str(out)]
        + argv,
        capture_output=True,
        text=True,
        check=False,
    )
    return result, out, path


def _rewrite(path, line_number, new_line):
    lines = path.read_text().splitlines()
    lines[line_number - 1] = new_line
    path.write_text("\n".join(lines) + "\n")


@pytest.mark.parametrize(
    "case, row, fragment",
    [
        ("header", 1, "wrong header"),
        ("vote", 5, "vote must be -1, 0 or 1"),
        ("number", 7, "not an integer"),
        ("unknown", 4, "unknown comment-id"),
        ("declared", 3, "unknown participant"),
    ],
)
def test_bad_input_exits_with_file_and_row_and_writes_nothing(tmp_path, case, row, fragment):
    def edit(folder):
        votes = folder / "votes.csv"
        if case == "header":
            _rewrite(votes, 1, "timestamp,datetime,comment,voter-id,vote")
        elif case == "vote":
            _rewrite(votes, 5, "1658934589213,x,1,2,2")
        elif case == "number":
            _rewrite(votes, 7, "1658934589213,x,1,abc,1")
        elif case == "unknown":
            _rewrite(votes, 4, "1658934589213,x,9999,2,1")
        else:
            declared = folder / "declared.csv"
            declared.write_text("participant,group\n1,North\n424242,South\n")
            return declared, ["--declared", str(declared)]
        return votes, []

    result, out, path = _error_case(tmp_path, edit)
    assert result.returncode != 0
    first_line = result.stderr.strip().splitlines()[-1]
    assert first_line.startswith(f"{path}:{row}: "), first_line
    assert fragment in first_line
    assert not out.exists()
    assert not [p for p in os.listdir(tmp_path) if p.endswith(".part")]


def test_core_and_cli_import_without_django():
    code = (
        "import sys\n"
        "import middleground.analysis.opinion, middleground.analysis.bridging\n"
        "import middleground.analysis.declared, middleground.analysis.polis_io\n"
        "import middleground.analysis.analyze_cli\n"
        "assert 'django' not in sys.modules, sorted(m for m in sys.modules if 'django' in m)\n"
        "assert 'pandas' not in sys.modules and 'sklearn' not in sys.modules\n"
        "print('clean')\n"
    )
    environment = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=environment, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "clean"


def test_console_script_is_registered():
    script = shutil.which("middleground-analyze", path=os.path.dirname(sys.executable))
    assert script is not None
    result = subprocess.run([script, "--help"], capture_output=True, text=True, check=False)
    assert result.returncode == 0
    assert "--declared" in result.stdout
