"""The ``middleground-power`` command: JSON in, JSON out, clear errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from middleground.analysis.power_cli import main

DATA = Path(__file__).resolve().parents[2] / "reformlab" / "data"


def write(tmp_path: Path, game: dict) -> str:
    path = tmp_path / "game.json"
    path.write_text(json.dumps(game))
    return str(path)


def security_council() -> dict:
    permanent = ["CHN", "FRA", "RUS", "GBR", "USA"]
    elected = [f"E{i}" for i in range(10)]
    return {
        "players": [{"id": p, "weights": [1]} for p in permanent + elected],
        "quotas": [9],
        "vetoes": permanent,
    }


def test_it_prints_exact_indices_as_json(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    assert main([write(tmp_path, security_council())]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["method"] == "exact"
    assert set(out["indices"]) == {"shapley_shubik", "banzhaf", "banzhaf_absolute"}
    assert out["exact"]["shapley_shubik"]["USA"] == "421/2145"
    assert out["indices"]["shapley_shubik"]["E0"] == pytest.approx(4 / 2145)
    assert out["exact"]["banzhaf_absolute"]["CHN"] == "53/1024"


def test_it_reads_decimal_weights_exactly(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    game = {
        "players": [
            {"id": "A", "weights": [1, 0.1]},
            {"id": "B", "weights": [1, 0.2]},
            {"id": "C", "weights": [1, 0.3]},
        ],
        "quotas": [2, 0.3],
        "alternatives": [[3, 0]],
    }
    assert main([write(tmp_path, game), "--index", "banzhaf"]) == 0
    out = json.loads(capsys.readouterr().out)
    # every pair wins (A + B weighs exactly 0.3), so all three are symmetric
    assert out["exact"]["banzhaf"] == {"A": "1/3", "B": "1/3", "C": "1/3"}


def test_it_runs_monte_carlo_with_intervals(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    args = [
        write(tmp_path, security_council()),
        "--method",
        "monte-carlo",
        "--samples",
        "3000",
        "--seed",
        "1",
        "--index",
        "shapley_shubik",
    ]
    assert main(args) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["method"] == "monte-carlo"
    low, high = out["confidence_intervals"]["shapley_shubik"]["USA"]
    assert low <= out["indices"]["shapley_shubik"]["USA"] <= high
    assert out["samples"] == 3000


@pytest.mark.parametrize(
    ("game", "message"),
    [
        ({"players": [{"id": "A", "weights": [1]}], "quotas": [5]}, "above the total weight"),
        (
            {"players": [{"id": "A", "weights": [-2]}, {"id": "B", "weights": [4]}], "quotas": [1]},
            "negative weight",
        ),
        (
            {"players": [{"id": "A", "weights": [1]}], "quotas": [1], "vetoes": ["US"]},
            "unknown veto ids: US",
        ),
    ],
)
def test_it_rejects_impossible_games(
    tmp_path: Path, capsys: pytest.CaptureFixture, game: dict, message: str
) -> None:
    assert main([write(tmp_path, game)]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert message in captured.err


def test_it_refuses_a_game_too_large_for_exact_methods_without_the_option(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    game = {
        "players": [{"id": str(i), "weights": [1000 + i % 3, 1000 + 7 * i]} for i in range(40)],
        "quotas": [30_000, 30_000],
    }
    path = write(tmp_path, game)
    assert main([path]) == 1
    assert "too large for exact methods" in capsys.readouterr().err
    assert main([path, "--method", "auto", "--samples", "500", "--seed", "2"]) == 0
    assert json.loads(capsys.readouterr().out)["method"] == "monte-carlo"


def test_it_reports_unreadable_files(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    assert main([str(tmp_path / "missing.json")]) == 1
    assert "cannot read" in capsys.readouterr().err
    bad = tmp_path / "bad.json"
    bad.write_text("{")
    assert main([str(bad)]) == 1
    assert "not JSON" in capsys.readouterr().err


def test_the_installed_command_runs_the_eu_council_scenario() -> None:
    scenarios = json.loads((DATA / "scenarios.json").read_text())["scenarios"]
    lisbon = next(s for s in scenarios if s["id"] == "eu-council-lisbon")
    done = subprocess.run(
        [sys.executable, "-m", "middleground.analysis.power_cli", "-", "--index", "banzhaf"],
        input=json.dumps(lisbon["game"]),
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert len(out["indices"]["banzhaf"]) == 27
    assert abs(sum(out["indices"]["banzhaf"].values()) - 1) < 1e-12
