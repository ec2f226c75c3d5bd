"""Write a schemathesis.toml that feeds the fuzzer the ids of objects that exist (read through
the API with the secretariat's token), so that most cases reach the endpoints' logic instead of
a 404; the rest keep random ids.   usage: api_fuzz_config.py BASE_URL TOKEN > schemathesis.toml
"""

import json
import sys
import urllib.error
import urllib.request

BASE, TOKEN = sys.argv[1], sys.argv[2]
HEADERS = {"Authorization": f"Bearer {TOKEN}", "X-Forwarded-Proto": "https"}


def get_json(path: str):
    # BASE is our own server, given on the command line
    request = urllib.request.Request(f"{BASE}/api/v1{path}", headers=HEADERS)  # noqa: S310
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        return json.load(response)


def items(path: str) -> list[dict]:
    data = get_json(f"{path}?limit=20")
    return data["items"] if isinstance(data, dict) else data


def field(rows: list[dict], name: str) -> list:
    return [row[name] for row in rows if row.get(name) is not None]


def detail(path: str) -> dict:
    """One object read through the API; {} when this token may not read it."""
    try:
        return get_json(path)
    except urllib.error.HTTPError:
        return {}


consultations = field(items("/consultations"), "id")
studies = field(items("/delphi/studies"), "id")
statements = [field(items(f"/consultations/{c}/statements"), "id") for c in consultations]
rounds = [field(items(f"/delphi/studies/{s}/rounds"), "id") for s in studies]
strategies = field(items("/strategies"), "id")
strategy_details = [detail(f"/strategies/{s}") for s in strategies]
events = field(items("/events"), "id")
sessions = sum((field(items(f"/events/{e}/sessions"), "id") for e in events), [])
cycles = field(items("/compliance/cycles"), "id")
cycle_details = [detail(f"/compliance/cycles/{c}") for c in cycles]
ids = {
    "consultation_id": consultations,
    "statement_id": sum(statements, []),
    "study_id": studies,
    "round_id": sum(rounds, []),
    "institution_id": field(items("/network/institutions"), "id"),
    "expert_id": field(items("/network/experts"), "id"),
    "task_force_id": field(items("/network/task-forces"), "id"),
    "application_id": field(items("/network/applications"), "id"),
    "document_id": field(items("/library/documents"), "id"),
    "saved_id": field(items("/library/saved-searches"), "id"),
    "strategy_id": strategies,
    "key": sum((field(d.get("paragraphs", []), "key") for d in strategy_details), []),
    "number": sorted(
        set(sum((field(d.get("versions", []), "number") for d in strategy_details), []))
    ),
    "event_id": events,
    "session_id": sessions,
    "cycle_id": cycles,
    "cell_id": sum((field(d.get("scores", []), "cell") for d in cycle_details), []),
    "commitment_id": field(items("/commitments"), "id"),
    "notification_id": field(items("/notifications"), "id"),
    "code": field(items("/network/countries"), "code")[:20],
    "slug": field(items("/network/focus-areas"), "slug")
    + field(items("/reformlab/scenarios"), "slug")
    + field(items("/library/lexicon"), "slug"),
}
for name, values in ids.items():
    if values:
        print(f"[dictionaries.{name}]\nvalues = {json.dumps(values[:50])}\n")
print("[parameters]")
for name, values in ids.items():
    if values:
        print(f'"path.{name}" = {{ dictionary = "{name}", probability = 0.8 }}')
