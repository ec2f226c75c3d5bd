"""Write a schemathesis.toml that feeds the fuzzer the ids of objects that exist (read through
the API with the secretariat's token), so that most cases reach the endpoints' logic instead of
a 404; the rest keep random ids.   usage: api_fuzz_config.py BASE_URL TOKEN > schemathesis.toml
"""

import json
import sys
import urllib.request

BASE, TOKEN = sys.argv[1], sys.argv[2]
HEADERS = {"Authorization": f"Bearer {TOKEN}", "X-Forwarded-Proto": "https"}


def items(path: str) -> list[dict]:
    url = f"{BASE}/api/v1{path}?limit=20"  # BASE is our own server, given on the command line
    request = urllib.request.Request(url, headers=HEADERS)  # noqa: S310
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        data = json.load(response)
    return data["items"] if isinstance(data, dict) else data


def field(rows: list[dict], name: str) -> list:
    return [row[name] for row in rows if row.get(name) is not None]


consultations = field(items("/consultations"), "id")
studies = field(items("/delphi/studies"), "id")
statements = [field(items(f"/consultations/{c}/statements"), "id") for c in consultations]
rounds = [field(items(f"/delphi/studies/{s}/rounds"), "id") for s in studies]
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
