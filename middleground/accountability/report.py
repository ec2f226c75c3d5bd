"""The compliance report of a cycle as a PDF (fpdf2, ``core.pdf``): title page, method
note, summaries by member and by commitment, the matrix, and a page per commitment with
each cell's justifications, the member's reply and the final decision.

The report shows what its reader may see of the cycle (``selectors.visible_cells``); the
assessors' justifications only where ``selectors.assessments_of`` allows them.
"""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from middleground.analysis import compliance
from middleground.core.pdf import Document, readable_datetime

from . import selectors
from .models import Cycle, CycleStatus

SYMBOLS = {1: "+1", 0: "0", -1: "−1", None: "—"}


def score_text(score: int | None) -> str:
    names = {1: _("Full"), 0: _("Partial"), -1: _("None"), None: _("not scored")}
    return f"{SYMBOLS[score]} {names[score]}"


def average_text(average: compliance.Average | None) -> str:
    if average is None or average.average is None:
        return "—"
    return f"{average.average:+.2f} ({average.percent:.0f}%, n={average.n})"


def _cycle_title(cycle: Cycle) -> str:
    return _("%(kind)s compliance report") % {"kind": cycle.get_kind_display()}


def cycle_report(user: Any, cycle: Cycle) -> bytes:
    """The PDF bytes of ``cycle``'s report as ``user`` may see it."""
    table = selectors.dashboard(user, cycle)
    strategy = cycle.strategy
    doc = Document(_cycle_title(cycle), show_title=False)
    doc.running_head = f"{strategy.title} · {_cycle_title(cycle)}"

    # title page
    doc.ln(30)
    doc.set_font("body", "B", 20)
    doc.multi_cell(0, 10, strategy.title, new_x="LMARGIN", new_y="NEXT")
    doc.set_font("body", "B", 14)
    doc.multi_cell(0, 8, _cycle_title(cycle), new_x="LMARGIN", new_y="NEXT")
    doc.ln(4)
    doc.set_font("body", "", 11)
    lines = [
        _("Status: %(s)s") % {"s": cycle.get_status_display()},
        _("Revision: %(n)s") % {"n": cycle.revision},
        _("Opened: %(d)s") % {"d": readable_datetime(cycle.opened_at.date())},
    ]
    if cycle.finalised_at:
        lines.append(_("Finalised: %(d)s") % {"d": readable_datetime(cycle.finalised_at)})
    if cycle.status == CycleStatus.FINAL and cycle.sha256:
        lines.append(_("SHA-256 fingerprint:"))
        lines.append(cycle.sha256)
    if cycle.note:
        lines.append(_("Note: %(n)s") % {"n": cycle.note})
    for line in lines:
        doc.multi_cell(0, 6, line, align="L", new_x="LMARGIN", new_y="NEXT")
    if cycle.status != CycleStatus.FINAL:
        doc.ln(3)
        doc.set_font("body", "B", 11)
        doc.multi_cell(
            0,
            6,
            _("DRAFT: these scores are not final and may change."),
            new_x="LMARGIN",
            new_y="NEXT",
        )
    if cycle.simulated:
        doc.ln(3)
        doc.set_font("body", "B", 13)
        doc.set_text_color(160, 40, 20)
        doc.multi_cell(
            0,
            7,
            _("SIMULATED: demonstration scores, not a real assessment."),
            new_x="LMARGIN",
            new_y="NEXT",
        )
        doc.set_text_color(0, 0, 0)
    doc.set_font("body", "", 10)

    # method
    doc.add_page()
    doc.heading(_("Method"))
    doc.paragraph(
        _(
            "Each member is scored on each commitment addressed to it: +1 full compliance, "
            "0 partial compliance, −1 no compliance, with a justification and sources. Two "
            "assessors may score a cell independently; where they differ the secretariat "
            "reconciles them with a note. Draft scores go to the member concerned, who may "
            "accept them or reply with a counter-argument and evidence before the deadline; "
            "the secretariat then decides the final score."
        )
    )
    doc.paragraph(
        _(
            "An average on the −1..+1 scale is converted to a percentage as (average + 1) / 2 "
            "× 100, so −1 is 0%, 0 is 50% and +1 is 100% (the G20 Research Group's "
            "conversion). Cells not scored are left out of every average; n is the number of "
            "scored cells an average covers."
        )
    )
    doc.paragraph(_("Overall: %(a)s") % {"a": average_text(table["overall"])})

    if not table["rows"]:
        doc.paragraph(_("No cell of this cycle is visible to you."))
        return doc.to_bytes()

    doc.heading(_("Summary by member"))
    doc.table(
        [_("Member"), _("Average"), _("Percent"), _("Scored cells")],
        [
            [
                r["member"].name,
                *_avg_cols(r["average"]),
            ]
            for r in table["rows"]
        ],
        col_widths=(4, 1.3, 1.3, 1.3),
    )
    doc.heading(_("Summary by commitment"))
    doc.table(
        [_("Commitment"), _("Average"), _("Percent"), _("Scored cells")],
        [
            [f"{c['commitment'].code}: {c['commitment'].text[:120]}", *_avg_cols(c["average"])]
            for c in table["columns"]
        ],
        col_widths=(4, 1.3, 1.3, 1.3),
    )

    doc.heading(_("Matrix: members × commitments"))
    codes = [c["commitment"].code for c in table["columns"]]
    doc.table(
        [_("Member"), *codes, _("Average")],
        [
            [
                r["member"].name,
                *[SYMBOLS[v.score if v else None] for v in r["cells"]],
                _pct(r["average"]),
            ]
            for r in table["rows"]
        ]
        + [[_("Average"), *[_pct(c["average"]) for c in table["columns"]], _pct(table["overall"])]],
        col_widths=(3, *([1] * len(codes)), 1.2),
    )

    # per commitment
    for column in table["columns"]:
        commitment = column["commitment"]
        doc.add_page()
        doc.heading(f"{commitment.code}: {commitment.text}")
        if commitment.indicators:
            doc.paragraph(_("What counts as compliance: %(t)s") % {"t": commitment.indicators})
        doc.paragraph(_("Average: %(a)s") % {"a": average_text(column["average"])})
        for view in table["cells"]:
            if view.cell.commitment_id != commitment.pk:
                continue
            cell = view.cell
            doc.set_font("body", "B", 10)
            doc.multi_cell(
                0,
                6,
                f"{cell.member.name}: {score_text(view.score)}",
                new_x="LMARGIN",
                new_y="NEXT",
            )
            doc.set_font("body", "", 9)
            try:
                assessments = selectors.assessments_of(user, cell)
            except PermissionDenied:
                assessments = []
            sources = selectors.sources_for(user, [a.sources for a in assessments])
            for a, a_sources in zip(assessments, sources, strict=True):
                doc.paragraph(
                    _("Assessment %(s)s: %(j)s") % {"s": score_text(a.score), "j": a.justification}
                )
                if a_sources:
                    doc.paragraph(
                        _("Sources: %(s)s") % {"s": "; ".join(s.text() for s in a_sources)}
                    )
            if cell.reconciliation_note:
                doc.paragraph(_("Reconciled: %(n)s") % {"n": cell.reconciliation_note})
            reply = getattr(cell, "reply", None) if hasattr(cell, "reply") else None
            doc.paragraph(_("Reply: %(s)s") % {"s": cell.get_reply_status_display()})
            if reply is not None and reply.text:
                doc.paragraph(_("The member's reply: %(t)s") % {"t": reply.text})
            if cycle.is_final:
                decision = _("Final score %(f)s (draft %(d)s).") % {
                    "f": score_text(cell.final_score),
                    "d": score_text(cell.draft_score),
                }
                if cell.final_note:
                    decision += " " + _("Decision: %(n)s") % {"n": cell.final_note}
                doc.paragraph(decision)
            doc.set_font("body", "", 10)
    return doc.to_bytes()


def _pct(average: compliance.Average | None) -> str:
    if average is None or average.percent is None:
        return "—"
    return f"{average.percent:.0f}%"


def _avg_cols(average: compliance.Average | None) -> list[str]:
    if average is None or average.average is None:
        return ["—", "—", "0"]
    return [f"{average.average:+.2f}", f"{average.percent:.0f}%", str(average.n)]
