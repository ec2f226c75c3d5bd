"""One import/export format for a strategy's commitments, scores and self-reports, in CSV
and in JSON with the SAME columns (CSV) and keys (JSON), so that export -> edit -> import
gives back the same data, and importing an unchanged export changes nothing.

CSV: a header of every column below, then one row per record (written through
:mod:`middleground.core.csv_export`, so no cell runs as a spreadsheet formula; the leading
apostrophe it adds is taken off on reading). JSON::

    {"format": "middleground-compliance", "version": 1, "strategy": "<slug>",
     "columns": [...], "rows": [{"record": "commitment", "commitment": "R1", ...}, ...]}

where every row has every column as a key; a value is text, a number or null (read as text,
null as empty). Rows are numbered from 1, the first row under the CSV header or the first of
``rows``; the import's report names the row and the column at fault.

Stable keys: a commitment by its ``commitment`` code; a member by its key
(``institution:<id>``, ``country:<ISO code>``, ``partner:<name>``); a cycle by
``cycle_kind`` (interim / final), ``cycle_number`` (1, 2, ... among the original cycles of
that kind, in the order they were opened) and ``cycle_revision`` (0, then 1, 2, ... for
each correction); an assessor by username; a self-report by commitment, member and ``at``.

Records (``record``) and the columns each one reads (the others stay empty):

==============  ===============================================================================
``commitment``  ``commitment`` (code), ``text``, ``deadline`` (YYYY-MM-DD), ``status``
                (not_started / in_progress / completed / off_track), ``weight``, ``focus_area``
                (slug), ``sdg_targets`` ("6.5; 6.b"), ``indicators``, ``guideline``,
                ``parent`` (code)
``member``      ``commitment``, ``member``: the commitment binds this member
``cycle``       ``cycle_kind``, ``cycle_number``, ``cycle_revision``, ``status`` (draft /
                review / final), ``roll_up`` (mean / weighted), ``simulated`` (yes / no),
                ``note``, ``deadline`` (the reply deadline, ISO 8601 date and time)
``assessment``  cycle, ``commitment``, ``member``, ``assessor``, ``score`` (-1, 0, 1),
                ``justification``, ``sources`` (library document ids and links, "; ")
``cell``        cycle, ``commitment``, ``member``, ``draft_score``, ``reconciliation_note``,
                ``reply_status`` (none / pending / accepted / replied / no_reply),
                ``reply_text``, ``final_score``, ``final_note``
``self_report`` ``commitment``, ``member``, ``status`` (on_track / some_delay / off_track /
                completed), ``text``, ``sources`` (its evidence), ``at`` (ISO 8601)
==============  ===============================================================================

The import (secretariat only) follows the workflow: see :mod:`.jobs` for its rules. Imports
of up to :data:`~.jobs.LARGE_IMPORT` rows run at once; larger ones run in the background
(:func:`start_import`), with their progress and report on the :class:`~.models.ImportJob`.
Not carried: a commitment's source paragraph, who replied and when (a reply imported into a
new cycle is dated at the import), and a final cycle's fingerprint, which is computed afresh.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from middleground.core.csv_export import csv_text, unsafe_cell
from middleground.core.errors import ServiceError
from middleground.strategies.models import Strategy

from .jobs import COLUMNS, LARGE_IMPORT, MAX_ROWS, ImportRejected, cycle_keys, import_rows
from .models import (
    Assessment,
    CellResult,
    Commitment,
    CommitmentMember,
    Cycle,
    ImportJob,
    ImportStatus,
    SelfReport,
)
from .permissions import can_manage
from .tasks import import_compliance_task

FORMAT = "middleground-compliance"
VERSION = 1


def _row(**values: Any) -> dict[str, Any]:
    row: dict[str, Any] = dict.fromkeys(COLUMNS, "")
    row.update(values)
    return row


def _list(items: list[Any]) -> str:
    return "; ".join(str(i) for i in items)


def _score(value: int | None) -> int | str:
    return "" if value is None else value


def export_rows(strategy: Strategy) -> list[dict[str, Any]]:
    """Every record of ``strategy`` as rows of :data:`~.jobs.COLUMNS` (text, or numbers for
    scores, weights and cycle numbers). Cycles in the order they were opened."""
    rows: list[dict[str, Any]] = []
    commitments = list(
        Commitment.objects.filter(strategy=strategy)
        .select_related("focus_area", "parent")
        .order_by("position", "pk")
    )
    members: dict[int, tuple[str, str]] = {}
    by_commitment: dict[int, list[CommitmentMember]] = {}
    for m in CommitmentMember.objects.filter(commitment__strategy=strategy).order_by("pk"):
        by_commitment.setdefault(m.commitment_id, []).append(m)
    for c in commitments:
        rows.append(
            _row(
                record="commitment",
                commitment=c.code,
                text=c.text,
                deadline=c.deadline.isoformat() if c.deadline else "",
                status=c.status,
                weight=c.weight,
                focus_area=c.focus_area.slug if c.focus_area else "",
                sdg_targets=_list(c.sdg_targets),
                indicators=c.indicators,
                guideline=c.guideline,
                parent=c.parent.code if c.parent else "",
            )
        )
        for m in by_commitment.get(c.pk, []):
            members[m.pk] = (c.code, m.member_key())
            rows.append(_row(record="member", commitment=c.code, member=m.member_key()))
    cycles = list(Cycle.objects.filter(strategy=strategy))
    keys = cycle_keys(cycles)
    for cycle in sorted(cycles, key=lambda c: (c.opened_at, c.pk)):
        kind, number, revision = keys[cycle.pk]
        where = {"cycle_kind": kind, "cycle_number": number, "cycle_revision": revision}
        rows.append(
            _row(
                record="cycle",
                **where,
                status=cycle.status,
                roll_up=cycle.roll_up,
                simulated="yes" if cycle.simulated else "no",
                note=cycle.note,
                deadline=cycle.reply_deadline.isoformat() if cycle.reply_deadline else "",
            )
        )
        # plain values, not model instances: a cycle may hold tens of thousands of cells
        for member_id, username, score, justification, sources in (
            Assessment.objects.filter(cycle=cycle)
            .order_by("commitment__position", "member_id", "assessor__username")
            .values_list("member_id", "assessor__username", "score", "justification", "sources")
        ):
            code, mkey = members[member_id]
            rows.append(
                _row(
                    record="assessment",
                    **where,
                    commitment=code,
                    member=mkey,
                    assessor=username,
                    score=score,
                    justification=justification,
                    sources=_list(sources),
                )
            )
        for (
            member_id,
            draft_score,
            reconciliation_note,
            reply_status,
            reply_text,
            final_score,
            final_note,
        ) in (
            CellResult.objects.filter(cycle=cycle)
            .order_by("commitment__position", "commitment_id", "member_id")
            .values_list(
                "member_id",
                "draft_score",
                "reconciliation_note",
                "reply_status",
                "reply__text",
                "final_score",
                "final_note",
            )
        ):
            code, mkey = members[member_id]
            rows.append(
                _row(
                    record="cell",
                    **where,
                    commitment=code,
                    member=mkey,
                    draft_score=_score(draft_score),
                    reconciliation_note=reconciliation_note,
                    reply_status=reply_status,
                    reply_text=reply_text if reply_text is not None else "",
                    final_score=_score(final_score),
                    final_note=final_note,
                )
            )
    for r in SelfReport.objects.filter(commitment__strategy=strategy).order_by("at", "pk"):
        code, mkey = members[r.member_id]
        rows.append(
            _row(
                record="self_report",
                commitment=code,
                member=mkey,
                status=r.status,
                text=r.text,
                sources=_list(r.evidence),
                at=r.at.isoformat(),
            )
        )
    return rows


def export_csv(strategy: Strategy) -> str:
    return csv_text(([row[c] for c in COLUMNS] for row in export_rows(strategy)), header=COLUMNS)


def export_json(strategy: Strategy) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "version": VERSION,
        "strategy": strategy.slug,
        "columns": COLUMNS,
        "rows": export_rows(strategy),
    }


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, float, str)):
        return str(value).strip()
    raise ServiceError(_("A value is text, a number or null."), field="rows")


def _too_many(n: int) -> None:
    if n > MAX_ROWS:
        raise ServiceError(_("At most %(n)s rows in one import.") % {"n": MAX_ROWS}, field="rows")


def parse_csv(text: str) -> list[dict[str, str]]:
    """CSV text (the header names every column) -> rows of text."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    header = next(reader, None)
    if not header:
        raise ServiceError(_("The file is empty."), field="columns")
    _check_columns([h.strip() for h in header])
    rows: list[dict[str, str]] = []
    for values in reader:
        if not any(v.strip() for v in values):
            continue
        if len(values) != len(header):
            raise ServiceError(
                _("Row %(n)s has %(got)s cells; the header has %(want)s.")
                % {"n": len(rows) + 1, "got": len(values), "want": len(header)},
                field="columns",
            )
        rows.append(
            {h.strip(): unsafe_cell(v).strip() for h, v in zip(header, values, strict=True)}
        )
        _too_many(len(rows))
    return rows


def _check_columns(names: list[str]) -> None:
    missing = [c for c in COLUMNS if c not in names]
    unknown = [c for c in names if c not in COLUMNS]
    if missing or unknown:
        parts = []
        if missing:
            parts.append(_("The file lacks the columns %(c)s.") % {"c": ", ".join(missing)})
        if unknown:
            parts.append(
                _("The columns %(c)s are not part of the format.") % {"c": ", ".join(unknown[:10])}
            )
        parts.append(_("The first row names the columns: %(c)s.") % {"c": ", ".join(COLUMNS)})
        raise ServiceError(" ".join(parts), field="columns")


def parse_json(data: Any) -> list[dict[str, str]]:
    """The JSON document (or its text) -> rows of text."""
    if isinstance(data, (str, bytes)):
        try:
            data = json.loads(data)
        except ValueError:
            raise ServiceError(_("This is not JSON."), field="rows") from None
    if not isinstance(data, Mapping) or not isinstance(data.get("rows"), list):
        raise ServiceError(_('Send {"rows": [...]} as exported.'), field="rows")
    if data.get("format", FORMAT) != FORMAT:
        raise ServiceError(_("Unknown format."), field="format")
    _too_many(len(data["rows"]))
    rows = []
    for n, row in enumerate(data["rows"], 1):
        if not isinstance(row, Mapping):
            raise ServiceError(_("Row %(n)s is not an object.") % {"n": n}, field="rows")
        try:
            _check_columns(list(row))
        except ServiceError as exc:
            raise ServiceError(
                _("Row %(n)s: %(m)s") % {"n": n, "m": exc.message}, field="columns"
            ) from None
        rows.append({c: _as_text(row[c]) for c in COLUMNS})
    return rows


def parse(content: str | bytes, *, fmt: str) -> list[dict[str, str]]:
    """``fmt``: "csv" or "json"."""
    if isinstance(content, bytes):
        try:
            content = content.decode("utf-8")
        except UnicodeDecodeError:
            raise ServiceError(_("The file is not UTF-8 text."), field="file") from None
    if fmt == "csv":
        return parse_csv(content)
    if fmt == "json":
        return parse_json(content)
    raise ServiceError(_("The format is csv or json."), field="format")


def start_import(
    *,
    actor: Any,
    strategy: Strategy,
    rows: list[dict[str, str]],
    background: bool | None = None,
    queue: bool = True,
) -> ImportJob:
    """Import ``rows`` into ``strategy`` (secretariat). Up to
    :data:`~.jobs.LARGE_IMPORT` rows run at once: the job comes back done, or rejected with
    its report (nothing stored). Larger imports (or ``background=True``) come back waiting;
    the task checks and stores them, saving its progress and report on the job
    (``queue=False``: not queued, for a caller that runs ``jobs.run_import_job`` itself)."""
    if not can_manage(actor):
        raise ServiceError.forbidden()
    if not rows:
        raise ServiceError(_("There is nothing to import."), field="rows")
    later = len(rows) > LARGE_IMPORT if background is None else background
    job = ImportJob.objects.create(
        strategy=strategy, created_by=actor, total_rows=len(rows), data=rows if later else []
    )
    if later and not queue:
        return job
    if later:
        transaction.on_commit(lambda: import_compliance_task.enqueue(job.pk))
        return job
    try:
        plan = import_rows(actor=actor, strategy=strategy, rows=rows)
    except ImportRejected as exc:
        job.status, job.errors = ImportStatus.REJECTED, [p.as_dict() for p in exc.problems]
    else:
        job.status, job.summary = ImportStatus.DONE, plan.counts
    job.rows_done, job.finished_at = len(rows), timezone.now()
    job.save(update_fields=["status", "errors", "summary", "rows_done", "finished_at"])
    return job


def get_import_job(user: Any, pk: int) -> ImportJob:
    """An import job, for the secretariat (404 for anyone else: jobs are not public)."""
    job = ImportJob.objects.filter(pk=pk).first()
    if job is None or not can_manage(user):
        raise Http404
    return job


def recent_import_jobs(user: Any, strategy: Strategy, limit: int = 5) -> list[ImportJob]:
    """The latest imports into ``strategy``, for the secretariat (none for anyone else)."""
    if not can_manage(user):
        return []
    jobs = ImportJob.objects.filter(strategy=strategy).select_related("created_by")
    return list(jobs[:limit])  # newest first (the model's order)


def job_out(job: ImportJob) -> dict[str, Any]:
    return {
        "id": job.pk,
        "strategy": job.strategy_id,
        "status": job.status,
        "total_rows": job.total_rows,
        "rows_done": job.rows_done,
        "errors": job.errors,
        "summary": job.summary,
        "created_at": job.created_at.isoformat(),
        "finished_at": job.finished_at.isoformat() if job.finished_at else None,
    }
