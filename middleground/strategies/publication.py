"""The published text of a strategy as PDF, DOCX, Markdown, JSON and CSV, and its place in
the library once adopted.

:func:`gather` picks the version a reader gets (``?version=N``; else the adopted one; else
the latest published; else, for drafters, the latest draft) with the current positions of
its endorsement call. The builders (:func:`pdf_bytes`, :func:`docx_bytes`,
:func:`markdown_text`, :func:`data`, :func:`csv_text`) are pure: they read the frozen
``Version.content`` and the endorsement rows handed to them, and the database no further.
All five go through :func:`outline`, so every format says the same thing: a title page
(status, fingerprint and how to verify it), the endorsers by UN regional group, the
numbered paragraphs and recommendations, the evidence notes and the credits.
"""

from __future__ import annotations

import dataclasses
import io
import json
import logging
import re
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.http import Http404
from django.utils.translation import get_language_info, ngettext
from django.utils.translation import gettext as _

from middleground.analysis.breadth import BreadthRule, Endorser, evaluate
from middleground.core import csv_export
from middleground.core.pdf import Document as PdfDocument
from middleground.core.pdf import readable_datetime
from middleground.network.models import RegionalGroup

from . import permissions, selectors, versioning
from .models import (
    ENDORSING,
    Endorsement,
    EndorsementCall,
    ParagraphKind,
    Position,
    Strategy,
    StrategyKind,
    Version,
)

logger = logging.getLogger(__name__)

GROUP_ORDER = [code for code, _label in RegionalGroup.choices]
CSV_FIELDS = [
    "number",
    "section",
    "kind",
    "recommendation",
    "text",
    "actors",
    "timeline",
    "evidence_count",
    "evidence_sha256",
]


# --- what a reader gets -------------------------------------------------------------------


@dataclass
class Publication:
    """The inputs of every builder: a strategy, one of its versions, the call that version
    was put to (if any) and the call's current positions."""

    strategy: Strategy
    version: Version
    endorsements: list[Endorsement] = field(default_factory=list)
    call: EndorsementCall | None = None


def _call_of(version: Version) -> EndorsementCall | None:
    """The call a version was put to: the one that adopted it, else the latest."""
    calls = list(version.calls.order_by("-opened_at", "-pk"))
    return next((c for c in calls if c.adopted), calls[0] if calls else None)


def gather(user: Any, slug: str, version: str | int | None = None) -> Publication:
    """The version ``user`` asked for (or gets by default) with its endorsements; 404 for a
    strategy or version they may not see, or a ``version`` that is not a number."""
    strategy = selectors.get_strategy(user, slug=slug)
    chosen: Version | None
    if version not in (None, ""):
        try:
            number = int(str(version))
        except ValueError as exc:
            raise Http404 from exc
        chosen = selectors.version(strategy, number, user)
    else:
        adopted = (
            strategy.endorsement_calls.filter(adopted=True)
            .select_related("version")
            .order_by("-closed_at", "-opened_at")
            .first()
        )
        chosen = adopted.version if adopted else strategy.latest_published()
        if chosen is None and permissions.can_view_drafts(user, strategy):
            chosen = strategy.latest_version()
    if chosen is None:
        raise Http404
    call = _call_of(chosen) if chosen.is_published else None
    endorsements: list[Endorsement] = []
    if call is not None:
        endorsements = list(
            Endorsement.objects.filter(call=call, current=True)
            .select_related("institution", "institution__country")
            .prefetch_related("institution__country__blocs")
            .order_by("institution__name")
        )
    return Publication(strategy, chosen, endorsements, call)


def status_of(version: Version, call: EndorsementCall | None) -> tuple[str, str]:
    """``(code, label)``: draft, open, adopted, not_adopted or published (no call)."""
    if not version.is_published:
        return "draft", _("DRAFT — not published, not final")
    if call is not None and call.version_id == version.pk:
        if call.adopted:
            when = call.closed_at or call.deadline
            return "adopted", _("Adopted on %(date)s") % {"date": readable_datetime(when.date())}
        if call.is_open:
            return "open", _("Open for endorsement — not final (deadline %(date)s)") % {
                "date": readable_datetime(call.deadline)
            }
        return "not_adopted", _("Not adopted (endorsement closed on %(date)s)") % {
            "date": readable_datetime(call.closed_at.date() if call.closed_at else None)
        }
    return "published", _("Published — not adopted")


def absolute(path: str) -> str:
    return getattr(settings, "SITE_URL", "").rstrip("/") + path


def canonical_url(strategy: Strategy, version: Version) -> str:
    return absolute(f"/api/v1/strategies/{strategy.pk}/versions/{version.number}/canonical")


def filename(strategy: Strategy, version: Version, extension: str) -> str:
    return f"{strategy.slug}-v{version.number}.{extension}"


def language_name(code: str) -> str:
    try:
        info = get_language_info(code)
    except KeyError:
        return code
    return f"{info['name']} ({code})"


# --- the outline every format prints --------------------------------------------------------


def group_label(code: str) -> str:
    return str(RegionalGroup(code).label) if code in GROUP_ORDER else _("No UN regional group")


def by_regional_group(endorsements: list[Endorsement]) -> list[tuple[str, list[Endorsement]]]:
    """Endorsements grouped by their institution's UN regional group, in the UN's order."""
    groups: dict[str, list[Endorsement]] = {}
    for e in endorsements:
        country = e.institution.country
        groups.setdefault(country.regional_group if country else "", []).append(e)
    order = GROUP_ORDER + [""]
    return [
        (group_label(code), sorted(groups[code], key=lambda e: e.institution.name))
        for code in sorted(groups, key=lambda c: order.index(c) if c in order else len(order))
    ]


def breadth(strategy: Strategy, endorsements: list[Endorsement]) -> dict[str, Any]:
    """The strategy's breadth rule applied to these positions (``analysis.breadth``): the
    endorsing institutions per regional group (or bloc) and whether the rule is met."""
    endorsers = []
    for e in endorsements:
        country = e.institution.country
        endorsers.append(
            Endorser(
                institution=e.institution.name,
                country=country.code if country else "",
                regional_group=(country.regional_group if country else "") or "",
                blocs=tuple(b.code for b in country.blocs.all()) if country else (),
                position=e.position,
            )
        )
    rule = BreadthRule(
        kind=strategy.breadth_kind,  # type: ignore[arg-type]
        min_per_group=strategy.breadth_min_per_group,
        min_groups=strategy.breadth_min_groups,
    )
    return dataclasses.asdict(evaluate(endorsers, rule))


def _scalar(value: Any) -> str:
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


EVIDENCE_KINDS = ("statement", "delphi_item", "document")


def _readable_figures(snap: dict[str, Any]) -> list[tuple[str, str]]:
    """A real snapshot's lines: the cited words, the frozen figures in words, the rule a
    Delphi item met, and when and from which analysis they were frozen."""
    from . import evidence

    lines: list[tuple[str, str]] = []
    quoted = snap.get("text") if snap.get("title") else ""
    if quoted:
        words = str(quoted)
        lines.append((_("Cited text"), f"“{words[:400]}{'…' if len(words) > 400 else ''}”"))
    figures = evidence.describe(snap)
    if figures:
        lines.append((_("Frozen figures"), figures))
    if snap.get("kind") == "delphi_item" and snap.get("rule"):
        lines.append((_("Consensus rule"), str(snap["rule"])))
    frozen = evidence.frozen_at(snap)
    taken = snap.get("taken_at")
    if taken:
        frozen = f"{frozen}, {readable_datetime(taken)}" if frozen else readable_datetime(taken)
    if frozen:
        lines.append((_("Snapshot"), frozen))
    return lines


def evidence_note(item: dict[str, Any]) -> dict[str, Any]:
    """One citation as printed: what it is, the frozen figures, its link and fingerprint."""
    snap = item.get("snapshot") or {}
    if not isinstance(snap, dict):
        snap = {"value": snap}
    title = snap.get("title") or snap.get("text") or snap.get("name") or ""
    link = snap.get("url") or snap.get("link") or ""
    if snap.get("kind") in EVIDENCE_KINDS and isinstance(snap.get("figures"), dict):
        # a snapshot made by ``evidence.cite``: its figures in words, as the page shows them
        pairs = _readable_figures(snap)
    else:
        skip = {"title", "text", "name", "url", "link"}
        figures = snap.get("figures")
        if isinstance(figures, dict):
            pairs = [(str(k), v) for k, v in figures.items()]
            pairs += [(k, v) for k, v in snap.items() if k not in skip | {"figures"}]
        else:
            pairs = [(k, v) for k, v in snap.items() if k not in skip]
        pairs = [(str(k).replace("_", " "), _scalar(v)) for k, v in pairs]
    kinds = {
        "statement": _("Consultation statement"),
        "delphi_item": _("Delphi item"),
        "document": _("Library document"),
    }
    return {
        "kind": kinds.get(item.get("kind", ""), item.get("kind", "")),
        "source_id": item.get("source_id"),
        "title": str(title),
        "link": absolute(str(link)) if str(link).startswith("/") else str(link),
        "figures": pairs,
        "sha256": item.get("sha256", ""),
        "note": item.get("note", ""),
    }


def _credit_name(credit: Any) -> str:
    if isinstance(credit, dict):
        return str(credit.get("name") or credit.get("display_name") or credit.get("user") or "")
    return str(credit)


def outline(
    strategy: Strategy,
    version: Version,
    endorsements: list[Endorsement],
    *,
    call: EndorsementCall | None = None,
) -> dict[str, Any]:
    """What every format prints, in order, as plain values."""
    content = version.content
    status, status_label = status_of(version, call)
    kind = content.get("kind", strategy.kind)
    kind_label = str(StrategyKind(kind).label) if kind in StrategyKind.values else kind
    when = version.published_at or version.created_at
    meta = [
        (_("Kind"), kind_label),
        (_("Task force"), strategy.task_force.name),
        (_("Focus area"), strategy.focus_area.name),
        (
            _("Version"),
            (
                _("%(n)s, published %(date)s")
                if version.is_published
                else _("%(n)s, draft of %(date)s")
            )
            % {"n": version.number, "date": readable_datetime(when.date())},
        ),
        (_("Status"), status_label),
        (_("Authentic language"), language_name(content.get("language", strategy.language))),
    ]
    if call is not None:
        meta.append((_("Endorsements"), endorsement_summary(endorsements)))
    if version.is_published:
        verify = _(
            "The fingerprint is the SHA-256 of the canonical text of this version. To verify "
            "it, download %(url)s and compute its SHA-256 (sha256sum on Linux, shasum -a 256 "
            "on macOS, certutil -hashfile <file> SHA256 on Windows): the result must equal "
            "the fingerprint above, character for character."
        ) % {"url": canonical_url(strategy, version)}
    else:
        verify = _(
            "A draft has no fingerprint: it is fixed only when a version is put to endorsement."
        )
    notes: list[dict[str, Any]] = []
    sections = []
    rec = 0
    credits: list[str] = []
    for s in content.get("sections", []):
        items = []
        for p in s.get("paragraphs", []):
            is_rec = p.get("kind") == ParagraphKind.RECOMMENDATION
            rec += is_rec
            refs = []
            for e in p.get("evidence", []):
                notes.append(
                    {**evidence_note(e), "number": len(notes) + 1, "paragraph": p["number"]}
                )
                refs.append(len(notes))
            for c in p.get("credits", []):
                name = _credit_name(c)
                if name and name not in credits:
                    credits.append(name)
            items.append(
                {
                    "number": p["number"],
                    "kind": p.get("kind", ParagraphKind.NARRATIVE),
                    "recommendation": rec if is_rec else None,
                    "text": p.get("text", ""),
                    "actors": list(p.get("actors", [])),
                    "timeline": p.get("timeline", ""),
                    "notes": refs,
                }
            )
        sections.append({"title": s.get("title", ""), "paragraphs": items})
    task_force = strategy.task_force
    members = sorted(i.name for i in task_force.members.all())
    return {
        "title": content.get("title", strategy.title),
        "summary": content.get("summary", ""),
        "status": status,
        "status_label": status_label,
        "meta": meta,
        "sha256": version.sha256,
        "verify": verify,
        "groups": by_regional_group(endorsements),
        "sections": sections,
        "notes": notes,
        "credits": {
            "lead": strategy.lead.display_name,
            "chair": task_force.chair.name,
            "members": members,
            "contributors": credits,
        },
        "url": absolute(strategy.get_absolute_url()),
    }


def endorsement_summary(endorsements: list[Endorsement]) -> str:
    """One line: how many institutions endorse, in how many regional groups, and the rest."""
    endorsing = [e for e in endorsements if e.position in ENDORSING]
    groups = {
        e.institution.country.regional_group
        for e in endorsing
        if e.institution.country and e.institution.country.regional_group
    }
    institutions = ngettext(
        "%(n)s endorsing institution", "%(n)s endorsing institutions", len(endorsing)
    ) % {"n": len(endorsing)}
    in_groups = ngettext(
        "in %(g)s UN regional group", "in %(g)s UN regional groups", len(groups)
    ) % {"g": len(groups)}
    parts = [f"{institutions} {in_groups}"]
    reserved = sum(e.position == Position.ENDORSE_WITH_RESERVATION for e in endorsements)
    if reserved:
        parts.append(_("%(n)s with a reservation") % {"n": reserved})
    for position in (Position.TAKE_NOTE, Position.DISSOCIATE):
        n = sum(e.position == position for e in endorsements)
        if n:
            parts.append(f"{Position(position).label}: {n}")
    return "; ".join(parts)


def position_label(e: Endorsement) -> str:
    return str(Position(e.position).label) if e.position in Position.values else e.position


def reservation_text(e: Endorsement) -> str:
    text = e.reservation or ""
    if e.reservation_paragraphs:
        numbers = e.reservation_paragraphs
        paras = ", ".join(str(n) for n in numbers)
        on = ngettext("On paragraph %(p)s: ", "On paragraphs %(p)s: ", len(numbers))
        text = (on % {"p": paras}) + text
    return text


def _note_refs(refs: list[int]) -> str:
    return "".join(f"[{n}]" for n in refs)


# --- Markdown ---------------------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|<>~&])")
_MD_LINE_START = re.compile(r"^(\s*)([-+=]|\d+[.)])", re.M)


def md_escape(text: str) -> str:
    """User text as literal Markdown: special characters backslash-escaped, so it can make
    no link, image, HTML, heading or list.

    >>> md_escape("**bold** <b>x</b> [a](javascript:1)")
    '\\\\*\\\\*bold\\\\*\\\\* \\\\<b\\\\>x\\\\</b\\\\> \\\\[a\\\\]\\\\(javascript:1\\\\)'
    """
    text = _MD_SPECIAL.sub(r"\\\1", str(text).replace("\r\n", "\n"))
    return _MD_LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), text)


def _md_block(text: str) -> str:
    """Escaped text whose line breaks stay breaks inside one paragraph."""
    return md_escape(text).replace("\n\n", "\n").replace("\n", "  \n")


def markdown_text(
    strategy: Strategy,
    version: Version,
    endorsements: list[Endorsement],
    *,
    call: EndorsementCall | None = None,
) -> str:
    o = outline(strategy, version, endorsements, call=call)
    out: list[str] = []
    if o["status"] == "draft":
        out.append(f"**{_('DRAFT')}**\n")
    out.append(f"# {md_escape(o['title'])}\n")
    for label, value in o["meta"]:
        out.append(f"- **{md_escape(label)}:** {md_escape(value)}")
    out.append(f"- **{_('SHA-256 fingerprint')}:** `{o['sha256'] or '—'}`")
    out.append(f"\n{md_escape(o['verify'])}\n")
    if o["summary"]:
        out.append(f"## {_('Summary')}\n\n{_md_block(o['summary'])}\n")
    out.append(f"## {_('Endorsements')}\n")
    if not o["groups"]:
        out.append(f"{_('No institution has taken a position yet.')}\n")
    for group, rows in o["groups"]:
        out.append(f"### {md_escape(group)}\n")
        for e in rows:
            country = e.institution.country.name if e.institution.country else ""
            line = f"- **{md_escape(e.institution.name)}** ({md_escape(country)}): "
            line += md_escape(position_label(e))
            if e.reservation or e.reservation_paragraphs:
                line += f". {_('Reservation')}: {md_escape(reservation_text(e))}"
            out.append(line)
        out.append("")
    for s in o["sections"]:
        out.append(f"## {md_escape(s['title'])}\n")
        for p in s["paragraphs"]:
            refs = "".join(f"[^{n}]" for n in p["notes"])
            if p["recommendation"]:
                out.append(
                    f"**{p['number']}. {_('Recommendation %(n)s') % {'n': p['recommendation']}}.** "
                    f"{_md_block(p['text'])}{refs}\n"
                )
                if p["actors"]:
                    actors = "; ".join(md_escape(a) for a in p["actors"])
                    out.append(f"- *{_('Addressed to')}:* {actors}")
                if p["timeline"]:
                    out.append(f"- *{_('Timeline')}:* {md_escape(p['timeline'])}")
                out.append("")
            else:
                out.append(f"**{p['number']}.** {_md_block(p['text'])}{refs}\n")
    if o["notes"]:
        out.append(f"## {_('Evidence notes')}\n")
        for n in o["notes"]:
            out.append(f"[^{n['number']}]: {md_escape(_evidence_line(n))}")
        out.append("")
    out.append(f"## {_('Credits')}\n")
    out += [f"- {md_escape(line)}" for line in _credit_lines(o)]
    out.append(f"\n{_('Source')}: <{o['url']}>\n")
    return "\n".join(out)


def _evidence_line(n: dict[str, Any]) -> str:
    parts = [f"{n['kind']} {n['source_id']}"]
    if n["title"]:
        parts.append(f"“{n['title']}”")
    parts += [f"{k}: {v}" for k, v in n["figures"]]
    if n["note"]:
        parts.append(n["note"])
    if n["link"]:
        parts.append(n["link"])
    parts.append(f"SHA-256 {n['sha256']}")
    return " — ".join(parts[:1] + ["; ".join(parts[1:])])


def _credit_lines(o: dict[str, Any]) -> list[str]:
    c = o["credits"]
    lines = [
        _("Drafting lead: %(name)s") % {"name": c["lead"]},
        _("Task force chair: %(name)s") % {"name": c["chair"]},
        _("Task force members: %(names)s") % {"names": "; ".join(c["members"])},
    ]
    if c["contributors"]:
        lines.append(_("Amendments by: %(names)s") % {"names": "; ".join(c["contributors"])})
    return lines


# --- JSON and CSV -----------------------------------------------------------------------------


def data(
    strategy: Strategy,
    version: Version,
    endorsements: list[Endorsement],
    *,
    call: EndorsementCall | None = None,
) -> dict[str, Any]:
    status, status_label = status_of(version, call)
    return {
        "strategy": {
            "id": strategy.pk,
            "slug": strategy.slug,
            "title": strategy.title,
            "kind": strategy.kind,
            "status": strategy.status,
            "language": strategy.language,
            "task_force": {"slug": strategy.task_force.slug, "name": strategy.task_force.name},
            "focus_area": {"slug": strategy.focus_area.slug, "name": strategy.focus_area.name},
            "lead": strategy.lead.display_name,
            "url": absolute(strategy.get_absolute_url()),
        },
        "version": {
            "number": version.number,
            "status": status,
            "status_label": status_label,
            "sha256": version.sha256 or None,
            "published_at": version.published_at.isoformat() if version.published_at else None,
            "canonical_url": canonical_url(strategy, version) if version.is_published else None,
            "note": version.note,
        },
        "content": version.content,
        "endorsement_call": None
        if call is None
        else {
            "deadline": call.deadline.isoformat(),
            "silence_procedure": call.silence_procedure,
            "closed_at": call.closed_at.isoformat() if call.closed_at else None,
            "adopted": call.adopted,
        },
        "endorsements": [
            {
                "institution": e.institution.name,
                "institution_slug": e.institution.slug,
                "country": e.institution.country_id,
                "regional_group": e.institution.country.regional_group
                if e.institution.country
                else "",
                "position": e.position,
                "reservation": e.reservation,
                "reservation_paragraphs": list(e.reservation_paragraphs),
                "at": e.at.isoformat() if e.at else None,
            }
            for e in endorsements
        ],
        "breadth": breadth(strategy, endorsements) if call is not None else None,
    }


def csv_text(
    strategy: Strategy,
    version: Version,
    endorsements: list[Endorsement] | None = None,
    *,
    call: EndorsementCall | None = None,
) -> str:
    """One row per paragraph; cells a spreadsheet would evaluate are neutralised."""
    rows = []
    rec = 0
    for p in versioning.paragraphs_of(version.content):
        is_rec = p.get("kind") == ParagraphKind.RECOMMENDATION
        rec += is_rec
        evidence = p.get("evidence", [])
        rows.append(
            {
                "number": p["number"],
                "section": p["section"],
                "kind": p.get("kind", ""),
                "recommendation": rec if is_rec else "",
                "text": p.get("text", ""),
                "actors": "; ".join(p.get("actors", [])),
                "timeline": p.get("timeline", ""),
                "evidence_count": len(evidence),
                "evidence_sha256": " ".join(e.get("sha256", "") for e in evidence),
            }
        )
    return csv_export.csv_dicts(rows, fieldnames=CSV_FIELDS)


# --- PDF -------------------------------------------------------------------------------------

GREY = (90, 90, 90)
SHADE = (238, 242, 247)
ACCENT = (0, 82, 147)


class _Pdf(PdfDocument):
    def heading(self, text: str) -> None:
        if self.will_page_break(30):  # no heading alone at the foot of a page
            self.add_page()
        self.ln(3)
        self.set_font("body", "B", 12)
        self.multi_cell(0, 7, text, align="L", new_x="LMARGIN", new_y="NEXT")
        self.set_font("body", "", 10)

    def label_value(self, label: str, value: str) -> None:
        self.set_font("body", "B", 9.5)
        self.cell(42, 6, label)
        self.set_font("body", "", 9.5)
        self.multi_cell(0, 6, value, new_x="LMARGIN", new_y="NEXT")

    def small(self, text: str, *, size: float = 8.5, colour: tuple[int, int, int] = GREY) -> None:
        self.set_font("body", "", size)
        self.set_text_color(*colour)
        self.multi_cell(0, 4.5, text, align="L", new_x="LMARGIN", new_y="NEXT")
        self.set_text_color(0, 0, 0)
        self.set_font("body", "", 10)

    def numbered(self, number: int, text: str, *, gutter: float = 11) -> None:
        self.set_font("body", "B", 10)
        self.cell(gutter, 5.5, f"{number}.")
        self.set_font("body", "", 10)
        self.multi_cell(0, 5.5, text, new_x="LMARGIN", new_y="NEXT")
        self.ln(1.5)


def pdf_bytes(
    strategy: Strategy,
    version: Version,
    endorsements: list[Endorsement],
    *,
    call: EndorsementCall | None = None,
) -> bytes:
    o = outline(strategy, version, endorsements, call=call)
    doc = _Pdf(o["title"], show_title=False)
    doc.set_author(strategy.task_force.name)
    doc.set_subject(o["status_label"])
    doc.set_lang(version.content.get("language", strategy.language))
    short = o["title"] if len(o["title"]) <= 60 else o["title"][:59].rstrip() + "…"
    head = f"{short} — " + _("version %(n)s") % {"n": version.number}
    doc.running_head = f"{head} — {o['status_label']}"
    # title page
    if o["status"] == "draft":
        doc.set_font("body", "B", 28)
        doc.set_text_color(180, 30, 30)
        doc.cell(0, 14, _("DRAFT"), align="C", new_x="LMARGIN", new_y="NEXT")
        doc.set_text_color(0, 0, 0)
    else:
        doc.ln(14)
    doc.set_font("body", "", 10)
    doc.set_text_color(*GREY)
    doc.cell(0, 6, o["meta"][0][1].upper(), align="C", new_x="LMARGIN", new_y="NEXT")
    doc.set_text_color(0, 0, 0)
    doc.ln(4)
    doc.set_font("body", "B", 20)
    doc.multi_cell(0, 10, o["title"], align="C", new_x="LMARGIN", new_y="NEXT")
    doc.ln(4)
    doc.set_font("body", "", 11)
    doc.multi_cell(0, 6, strategy.task_force.name, align="C", new_x="LMARGIN", new_y="NEXT")
    doc.ln(4)
    doc.set_fill_color(*SHADE)
    doc.set_font("body", "B", 11)
    doc.multi_cell(0, 8, o["status_label"], align="C", fill=True, new_x="LMARGIN", new_y="NEXT")
    doc.ln(10)
    for label, value in o["meta"]:
        doc.label_value(label, value)
    doc.ln(4)
    doc.set_font("body", "B", 9.5)
    doc.cell(0, 6, _("SHA-256 fingerprint of this version"), new_x="LMARGIN", new_y="NEXT")
    if o["sha256"]:  # hex digits only: Courier's Latin-1 is enough
        doc.set_font("Courier", "B", 9.5)
        doc.multi_cell(0, 5, o["sha256"], new_x="LMARGIN", new_y="NEXT")
    else:
        doc.set_font("body", "", 9.5)
        doc.paragraph(_("None: a draft is not fingerprinted."))
    doc.ln(1)
    doc.small(o["verify"])
    doc.ln(3)
    doc.small(
        _("Authentic text: %(lang)s. Translations are published separately and are not authentic.")
        % {"lang": language_name(version.content.get("language", strategy.language))}
    )
    doc.small(_("Source: %(url)s") % {"url": o["url"]})
    # endorsements
    doc.add_page()
    doc.heading(_("Endorsements"))
    if call is not None:
        doc.small(
            _("Positions of member institutions on version %(n)s, by UN regional group.")
            % {"n": version.number}
        )
    if not o["groups"]:
        doc.paragraph(_("No institution has taken a position yet."))
    for group, rows in o["groups"]:
        doc.ln(2)
        doc.set_font("body", "B", 10.5)
        doc.set_text_color(*ACCENT)
        doc.multi_cell(0, 6, f"{group} ({len(rows)})", new_x="LMARGIN", new_y="NEXT")
        doc.set_text_color(0, 0, 0)
        doc.set_font("body", "", 9)
        doc.table(
            [_("Institution"), _("Country"), _("Position"), _("Reservation")],
            [
                [
                    e.institution.name,
                    e.institution.country.name if e.institution.country else "",
                    position_label(e),
                    reservation_text(e),
                ]
                for e in rows
            ],
            col_widths=(32, 16, 20, 32),
            line_height=4.8,
        )
        doc.set_font("body", "", 10)
    # the text
    doc.add_page()
    if o["summary"]:
        doc.heading(_("Summary"))
        doc.paragraph(o["summary"])
    for s in o["sections"]:
        doc.heading(s["title"])
        for p in s["paragraphs"]:
            text = p["text"].rstrip() + (" " + _note_refs(p["notes"]) if p["notes"] else "")
            if not p["recommendation"]:
                doc.numbered(p["number"], text)
                continue
            _pdf_recommendation(doc, p, text)
    if o["notes"]:
        doc.heading(_("Evidence notes"))
        doc.small(
            _(
                "Each citation's figures were frozen when it was cited; the fingerprint is the "
                "SHA-256 of that frozen record."
            )
        )
        doc.ln(1)
        for n in o["notes"]:
            _pdf_note(doc, n)
    doc.heading(_("Credits"))
    for line in _credit_lines(o):
        doc.paragraph(line)
    return doc.to_bytes()


def _pdf_recommendation(doc: _Pdf, p: dict[str, Any], text: str) -> None:
    if doc.will_page_break(30):
        doc.add_page()
    doc.ln(1)
    y0, page0 = doc.get_y(), doc.page_no()
    doc.set_fill_color(*SHADE)
    doc.set_font("body", "B", 10)
    doc.set_text_color(*ACCENT)
    label = _("Recommendation %(n)s") % {"n": p["recommendation"]}
    doc.cell(11, 6, f"{p['number']}.", fill=True)
    doc.multi_cell(0, 6, label, fill=True, new_x="LMARGIN", new_y="NEXT")
    doc.set_text_color(0, 0, 0)
    doc.set_font("body", "", 10)
    doc.set_x(doc.l_margin + 11)
    doc.multi_cell(0, 5.5, text, new_x="LMARGIN", new_y="NEXT")
    for label, value in (
        (_("Addressed to"), "; ".join(p["actors"])),
        (_("Timeline"), p["timeline"]),
    ):
        if value:
            doc.set_x(doc.l_margin + 11)
            doc.set_font("body", "B", 9)
            doc.cell(28, 5, label + ":")
            doc.set_font("body", "", 9)
            doc.multi_cell(0, 5, value, new_x="LMARGIN", new_y="NEXT")
    if doc.page_no() == page0:
        doc.set_draw_color(*ACCENT)
        doc.set_line_width(0.6)
        doc.line(doc.l_margin, y0, doc.l_margin, doc.get_y())
        doc.set_line_width(0.2)
        doc.set_draw_color(0, 0, 0)
    doc.ln(3)


def _pdf_note(doc: _Pdf, n: dict[str, Any]) -> None:
    doc.set_font("body", "B", 9)
    doc.cell(11, 5, f"[{n['number']}]")
    head = f"{n['kind']} {n['source_id']}" + (f" — {n['title']}" if n["title"] else "")
    head += " " + _("(paragraph %(p)s)") % {"p": n["paragraph"]}
    doc.multi_cell(0, 5, head, new_x="LMARGIN", new_y="NEXT")
    doc.set_font("body", "", 8.5)
    lines = [f"{k}: {v}" for k, v in n["figures"]]
    if n["note"]:
        lines.append(n["note"])
    if n["link"]:
        lines.append(n["link"])
    for line in lines:
        doc.set_x(doc.l_margin + 11)
        doc.multi_cell(0, 4.5, line, new_x="LMARGIN", new_y="NEXT")
    doc.set_x(doc.l_margin + 11)
    doc.set_text_color(*GREY)
    doc.multi_cell(0, 4.5, f"SHA-256 {n['sha256']}", new_x="LMARGIN", new_y="NEXT")
    doc.set_text_color(0, 0, 0)
    doc.ln(2)


# --- DOCX ------------------------------------------------------------------------------------


def docx_bytes(
    strategy: Strategy,
    version: Version,
    endorsements: list[Endorsement],
    *,
    call: EndorsementCall | None = None,
) -> bytes:
    from docx import Document as Docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
    from docx.shared import Pt, RGBColor

    o = outline(strategy, version, endorsements, call=call)
    doc = Docx()
    props = doc.core_properties
    props.title = o["title"][:255]
    props.author = strategy.task_force.name[:255]
    props.language = version.content.get("language", strategy.language)
    props.subject = o["status_label"][:255]
    if o["status"] == "draft":
        mark = doc.add_paragraph()
        mark.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = mark.add_run(_("DRAFT"))
        run.bold, run.font.size, run.font.color.rgb = True, Pt(26), RGBColor(0xB4, 0x1E, 0x1E)
    kind = doc.add_paragraph(o["meta"][0][1].upper())
    kind.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title = doc.add_heading(o["title"], level=0)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    status = doc.add_paragraph()
    status.alignment = WD_ALIGN_PARAGRAPH.CENTER
    status.add_run(o["status_label"]).bold = True
    table = doc.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for label, value in [*o["meta"], (_("SHA-256 fingerprint"), o["sha256"] or "—")]:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = label, value
        cells[0].paragraphs[0].runs[0].bold = True
    doc.add_paragraph(o["verify"]).runs[0].font.size = Pt(9)
    doc.add_paragraph(_("Source: %(url)s") % {"url": o["url"]}).runs[0].font.size = Pt(9)
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    doc.add_heading(_("Endorsements"), level=1)
    if not o["groups"]:
        doc.add_paragraph(_("No institution has taken a position yet."))
    for group, rows in o["groups"]:
        doc.add_heading(group, level=2)
        t = doc.add_table(rows=1, cols=4)
        t.style = "Table Grid"
        for cell, text in zip(
            t.rows[0].cells,
            [_("Institution"), _("Country"), _("Position"), _("Reservation")],
            strict=True,
        ):
            cell.text = text
            cell.paragraphs[0].runs[0].bold = True
        for e in rows:
            cells = t.add_row().cells
            cells[0].text = e.institution.name
            cells[1].text = e.institution.country.name if e.institution.country else ""
            cells[2].text = position_label(e)
            cells[3].text = reservation_text(e)

    if o["summary"]:
        doc.add_heading(_("Summary"), level=1)
        doc.add_paragraph(o["summary"])
    for s in o["sections"]:
        doc.add_heading(s["title"], level=1)
        for p in s["paragraphs"]:
            para = doc.add_paragraph()
            para.add_run(f"{p['number']}. ").bold = True
            if p["recommendation"]:
                label = _("Recommendation %(n)s") % {"n": p["recommendation"]}
                para.add_run(f"{label}. ").bold = True
            para.add_run(p["text"])
            if p["notes"]:
                para.add_run(" " + _note_refs(p["notes"])).font.superscript = True
            for label, value in (
                (_("Addressed to"), "; ".join(p["actors"])),
                (_("Timeline"), p["timeline"]),
            ):
                if p["recommendation"] and value:
                    bullet = doc.add_paragraph(style="List Bullet")
                    bullet.add_run(f"{label}: ").italic = True
                    bullet.add_run(value)
    if o["notes"]:
        doc.add_heading(_("Evidence notes"), level=1)
        for n in o["notes"]:
            para = doc.add_paragraph()
            para.add_run(f"[{n['number']}] ").bold = True
            para.add_run(_evidence_line(n)).font.size = Pt(9)
    doc.add_heading(_("Credits"), level=1)
    for line in _credit_lines(o):
        doc.add_paragraph(line)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


# --- the adopted text in the library -------------------------------------------------------------


def library_source(strategy: Strategy) -> str:
    """The library document's source: the strategy's page (how it is found again)."""
    return absolute(strategy.get_absolute_url())[:300]


def library_markdown(pub: Publication) -> str:
    """The adopted text as the library ingests it: front matter, then the Markdown."""
    strategy, version = pub.strategy, pub.version

    def clean(value: str) -> str:
        return " ".join(value.split()).replace('"', "'")

    when = (pub.call.closed_at if pub.call and pub.call.closed_at else version.published_at) or (
        version.created_at
    )
    front = [
        "---",
        f"title: {clean(version.content.get('title', strategy.title))}",
        f"authors: {clean(strategy.task_force.name).replace(',', ' ')}",
        f"date: {when:%Y-%m-%d}",
        "---",
        "",
        f"{_('Focus area')}: {md_escape(strategy.focus_area.name)}",
        "",
    ]
    body = markdown_text(strategy, version, pub.endorsements, call=pub.call)
    return "\n".join(front) + body


def library_document(strategy: Strategy) -> Any:
    """The library document of the strategy's adopted version, if there is one."""
    from middleground.library.models import Document

    call = strategy.endorsement_calls.filter(adopted=True).order_by("-closed_at").first()
    if call is None:
        return None
    return (
        Document.objects.filter(
            source=library_source(strategy),
            filename=filename(strategy, call.version, "md"),
        )
        .order_by("pk")
        .first()
    )


def _library_actor(strategy: Strategy, call: EndorsementCall) -> Any:
    """Who adds the document: whoever opened the call, else the strategy's creator or lead,
    the first of them who may add documents to the library."""
    from middleground.library.permissions import can_ingest

    for person in (call.opened_by, strategy.created_by, strategy.lead):
        if person is not None and can_ingest(person):
            return person
    return None


def on_adopted(strategy: Strategy) -> Any:
    """After adoption: the adopted text becomes a public library document (Markdown, found
    by library search), through the library's own ingestion. Idempotent: a second call for
    the same adopted version returns the document made by the first.

    Returns the document, or None (nothing adopted, or no one who may add it; logged).
    Callers inside a transaction may run it with ``transaction.on_commit``.
    """
    from middleground.library.jobs import ingest_file
    from middleground.library.models import Access, DocType

    existing = library_document(strategy)
    if existing is not None:
        return existing
    call = (
        strategy.endorsement_calls.filter(adopted=True)
        .select_related("version", "opened_by")
        .order_by("-closed_at")
        .first()
    )
    if call is None:
        return None
    actor = _library_actor(strategy, call)
    if actor is None:
        logger.warning("strategy %s adopted but no one may add it to the library", strategy.pk)
        return None
    endorsements = list(
        Endorsement.objects.filter(call=call, current=True).select_related(
            "institution", "institution__country"
        )
    )
    pub = Publication(strategy, call.version, endorsements, call)
    try:
        docs = ingest_file(
            actor=actor,
            data=library_markdown(pub).encode("utf-8"),
            filename=filename(strategy, call.version, "md"),
            access=Access.PUBLIC,
            doc_type=DocType.STATEMENT
            if strategy.kind == StrategyKind.COMMUNIQUE
            else DocType.REPORT,
            source=library_source(strategy),
            content_type="text/markdown",
        )
    except Exception:  # noqa: BLE001 - adoption stands even if the library refuses the file
        logger.exception("the adopted strategy %s could not be added to the library", strategy.pk)
        return None
    return docs[0] if docs else None
