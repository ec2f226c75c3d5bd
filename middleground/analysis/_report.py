"""A self-contained, script-free HTML report of an analysis (tables, no CDN, no JS)."""

from __future__ import annotations

from html import escape
from typing import Any


def _number(value: Any, digits: int = 3) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def render_report(document: dict[str, Any], texts: dict[int, str], *, title: str) -> str:
    """Render the JSON document of ``ConversationAnalysis.to_dict`` as an HTML page."""
    statements = {s["id"]: s for s in document["statements"]}

    def text_of(statement_id: Any) -> str:
        return escape(texts.get(statement_id, "")[:300])

    def statement_rows(ids: list[Any]) -> str:
        return "".join(
            f"<tr><th scope='row'>{escape(str(i))}</th><td>{text_of(i)}</td>"
            f"<td>{statements[i]['agrees']}</td><td>{statements[i]['disagrees']}</td>"
            f"<td>{statements[i]['passes']}</td></tr>"
            for i in ids
        )

    header = "<tr><th scope='col'>id</th><th scope='col'>statement</th><th scope='col'>agree</th>"
    header += "<th scope='col'>disagree</th><th scope='col'>pass</th></tr>"
    ranked = sorted(
        (s for s in document["statements"] if s["group_informed_consensus"] is not None),
        key=lambda s: -s["group_informed_consensus"],
    )[:15]
    bridging = sorted(
        (s for s in document["statements"] if s["bridging_intercept"] is not None),
        key=lambda s: -s["bridging_intercept"],
    )[:15]
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>Consensus report: {escape(title)}</title>",
        "<style>body{font-family:sans-serif;max-width:70em;margin:auto;padding:1em}"
        "table{border-collapse:collapse;margin-bottom:2em}td,th{border:1px solid #999;"
        "padding:.3em;text-align:left;vertical-align:top}</style></head><body>",
        f"<h1>Consensus report: {escape(title)}</h1>",
        f"<p>{len(document['participants'])} participants, "
        f"{len(document['statements'])} statements, {len(document['groups'])} opinion groups "
        f"({escape(document['groups_source'])}).</p>",
        "<h2>Opinion groups</h2><table><caption>Groups and their representative statements"
        "</caption><tr><th scope='col'>group</th><th scope='col'>size</th>"
        "<th scope='col'>representative statements</th></tr>",
    ]
    for group in document["groups"]:
        reps = "<br>".join(
            f"{escape(str(i))}: {text_of(i)}" for i in group.get("representative", [])
        )
        parts.append(f"<tr><th scope='row'>{group['id']}</th><td>{group['size']}</td>")
        parts.append(f"<td>{reps}</td></tr>")
    parts.append("</table>")
    parts.append("<h2>Consensus (everyone)</h2><table><caption>Agreed</caption>" + header)
    parts.append(statement_rows(document["consensus"]["agree"]) + "</table>")
    parts.append("<table><caption>Disagreed</caption>" + header)
    parts.append(statement_rows(document["consensus"]["disagree"]) + "</table>")
    parts.append(
        "<h2>Across the groups</h2><table><caption>Top group-informed consensus</caption>"
        "<tr><th scope='col'>id</th><th scope='col'>statement</th>"
        "<th scope='col'>group-informed consensus</th></tr>"
    )
    for s in ranked:
        parts.append(
            f"<tr><th scope='row'>{escape(str(s['id']))}</th><td>{text_of(s['id'])}</td>"
            f"<td>{_number(s['group_informed_consensus'], 4)}</td></tr>"
        )
    parts.append("</table>")
    parts.append(
        "<table><caption>Top bridging intercepts (support across the main divide)</caption>"
        "<tr><th scope='col'>id</th><th scope='col'>statement</th><th scope='col'>intercept"
        "</th><th scope='col'>standard error</th><th scope='col'>factor</th>"
        "<th scope='col'>status</th></tr>"
    )
    for s in bridging:
        parts.append(
            f"<tr><th scope='row'>{escape(str(s['id']))}</th><td>{text_of(s['id'])}</td>"
            f"<td>{_number(s['bridging_intercept'])}</td>"
            f"<td>{_number(s['bridging_intercept_se'])}</td>"
            f"<td>{_number(s['bridging_factor'])}</td>"
            f"<td>{escape(str(s['bridging_status']))}</td></tr>"
        )
    parts.append("</table>")
    declared = document.get("declared_groups")
    if declared:
        parts.append("<h2>Declared groups</h2><table><caption>Groups counted</caption>")
        parts.append("<tr><th scope='col'>group</th><th scope='col'>size</th></tr>")
        for group in declared["groups"]:
            parts.append(
                f"<tr><th scope='row'>{escape(group['label'])}</th><td>{group['size']}</td></tr>"
            )
        parts.append("</table>")
        if declared.get("unattributed_participants"):
            parts.append(
                f"<p>{declared['unattributed_participants']} participants are in no group shown"
                " (no declared group, or one too small to show): the totals include them.</p>"
            )
        parts.append("<table><caption>Consensus across every declared group</caption>" + header)
        parts.append(statement_rows(declared["consensus"]["agree"]) + "</table>")
    parts.append(
        "<p>Data gathered with Polis (compdemocracy.org/polis) where the input is a Polis "
        "export, CC BY 4.0, The Computational Democracy Project.</p></body></html>"
    )
    return "".join(parts)
