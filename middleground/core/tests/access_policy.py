"""The access policy as a document: ``docs/access-policy.md`` is written from the rows of the
authorisation matrix, so the policy people read is the one the suite checks.

    .venv/bin/python scripts/access_policy.py   # rewrite the document after changing rows
"""

from middleground.core.tests.authz import PERSONAS, Row

DOCUMENT = "docs/access-policy.md"

HEADER = """# Access policy

Written by `scripts/access_policy.py` from the authorisation matrix (each app's
`tests/authz.py`); `core/tests/test_access_policy.py` fails when this file is out of date, and
`core/tests/test_authorization_matrix.py` checks every cell against the running platform.

The personas: **alice** (secretariat), **bob** (expert of a member institution), **carol**
(representative of another member institution), **dave** (signed-in outsider), **anonymous**.
A placeholder in a path names the object the row is tried on (for example
`{drafting_pub_slug}` is a published strategy, `{freg_delegation_id}` a delegation of another
institution); each app's `tests/authz.py` says how it is built.

What a status means: 200/201/204 allowed; 302 on a page: sent to sign in (anonymous), or
done and redirected (a form); 400/409/422: allowed to ask, the input refused; 401: sign in or
send a token; 403: signed in but not allowed; 404: the object is hidden from this person;
405: not a method this address takes.
"""


def app_of(row: Row) -> str:
    if row.name and ":" in row.name:
        return row.name.split(":", 1)[0]
    parts = row.path.strip("/").split("/")
    return parts[2] if parts[:2] == ["api", "v1"] and len(parts) > 2 else "core"


def shown_path(row: Row) -> str:
    path = row.path
    for placeholder, key in row.params.items():
        path = path.replace("{" + placeholder + "}", "{" + key + "}")
    return path + ("?" + row.query if row.query else "")


def render(rows: list[Row]) -> str:
    lines = [HEADER]
    groups: dict[str, list[Row]] = {}
    for row in rows:
        groups.setdefault(app_of(row), []).append(row)
    for app in sorted(groups):
        lines += [f"\n## {app}\n", "| | address | " + " | ".join(PERSONAS) + " |"]
        lines.append("| --- | --- |" + " ---: |" * len(PERSONAS))
        for row in groups[app]:
            kind = "page" if row.name else "API"
            cells = " | ".join(str(row.expect[p]) for p in PERSONAS)
            lines.append(f"| {kind} | `{row.method} {shown_path(row)}` | {cells} |")
    return "\n".join(lines) + "\n"
