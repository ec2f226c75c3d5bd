"""Polis CSV export and import, JSON export, and the partner report (HTML context and PDF).

Exports never reveal who a participant is: participants appear by a number only, in every
anonymity mode, and a named consultation's exports hold nothing that joins the names shown
beside statements to anyone's votes (see :class:`_Export`). Every CSV goes through
:mod:`middleground.core.csv_export`, so no cell runs as a spreadsheet formula.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import random
import tempfile
import zipfile
from typing import Any

from django.conf import settings
from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from middleground.accounts.services import record_audit
from middleground.core.csv_export import csv_text, unsafe_cell
from middleground.core.errors import ServiceError, check_length
from middleground.core.slugs import unique_slug

from . import permissions, presentation, selectors
from .models import (
    Anonymity,
    Consultation,
    Participant,
    Statement,
    StatementStatus,
    Status,
    Visibility,
    Vote,
    VoteEvent,
)
from .services import TEXT_LIMITS, request_analysis

POLIS_FILES = ("comments.csv", "votes.csv", "participants-votes.csv", "summary.csv")
COMMENT_HEADER = [
    "timestamp",
    "datetime",
    "comment-id",
    "author-id",
    "agrees",
    "disagrees",
    "moderated",
    "comment-body",
    "is-seed",
    "is-meta",
]
VOTE_HEADER = ["timestamp", "datetime", "comment-id", "voter-id", "vote"]
PARTICIPANT_HEADER = ["participant", "group-id", "n-comments", "n-votes", "n-agree", "n-disagree"]
MAX_IMPORT_BYTES = 200 * 1024 * 1024


def _ms(moment: dt.datetime) -> int:
    return int(moment.timestamp() * 1000)


def _polis_datetime(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%a %b %d %Y %H:%M:%S GMT+0000 (UTC)")


def _day(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(dt.UTC).replace(hour=0, minute=0, second=0, microsecond=0)


def _replayable(history: Any) -> list[tuple[dt.datetime, int, int, int]]:
    """History rows in id order (commit order per vote), each time raised to at least the
    previous one of the same vote: replayed by time, as Polis tools do, or by row, the
    history ends on the stored vote even where clocks disagreed."""
    rows: list[tuple[dt.datetime, int, int, int]] = []
    last: dict[tuple[int, int], dt.datetime] = {}
    for t, s, p, v in history:
        t = last[(s, p)] = max(t, last.get((s, p), t))
        rows.append((t, s, p, v))
    return rows


class _Export:
    """What one export of a consultation holds, for one reader.

    Non-managers get the accepted statements only, and only the votes on them. A named
    consultation shows each statement's author by name, so its exports hold nothing that
    joins a name to votes: no author ids and no per-participant statement counts;
    statement and vote times cut to the day; votes.csv holds the current votes (not the
    history) in random order, so that the first vote on a statement, often its author's,
    cannot be told; and voter ids are drawn afresh for every export, so they match no
    participant number shown elsewhere nor another download.
    """

    def __init__(self, consultation: Consultation, *, full: bool) -> None:
        self.consultation = consultation
        self.named = consultation.anonymity == Anonymity.NAMED
        self.full = full
        statements = consultation.statements if full else selectors.visible_statements(consultation)
        self.statements = list(statements.select_related("author").order_by("number"))
        self.votes = Vote.objects.filter(consultation=consultation)
        self.history = VoteEvent.objects.filter(consultation=consultation)
        if not full:
            self.votes = self.votes.filter(statement__status=StatementStatus.ACCEPTED)
            self.history = self.history.filter(statement__status=StatementStatus.ACCEPTED)
        self._ids: dict[int, int] = {}
        if self.named:
            numbers = list(consultation.participants.values_list("number", flat=True))
            drawn = random.SystemRandom().sample(range(1, len(numbers) + 1), len(numbers))
            self._ids = dict(zip(numbers, drawn, strict=True))

    def voter(self, number: int) -> int:
        """The id a participant has in this export."""
        return self._ids.get(number, number) if self.named else number

    def author(self, statement: Statement) -> int | None:
        return None if self.named or statement.author is None else statement.author.number

    def time(self, moment: dt.datetime) -> dt.datetime:
        return _day(moment) if self.named else moment

    def vote_rows(self) -> list[tuple[dt.datetime, int, int, int]]:
        """(time, statement number, voter id, vote): the history, or shuffled current votes."""
        if not self.named:
            return _replayable(
                self.history.order_by("pk").values_list(
                    "created_at", "statement__number", "participant__number", "value"
                )
            )
        rows = [
            (_day(t), s, self.voter(p), v)
            for t, s, p, v in self.votes.values_list(
                "updated_at", "statement__number", "participant__number", "value"
            )
        ]
        random.SystemRandom().shuffle(rows)
        return rows

    def results(self) -> dict[str, Any]:
        """The stored results, with participants under this export's ids."""
        data = selectors.results_payload(self.consultation, full=self.full)
        if self.named:
            data["participants"] = [
                {**p, "id": self.voter(p["id"])} for p in data.get("participants", [])
            ]
        return data


def polis_files(consultation: Consultation, *, full: bool = False) -> dict[str, str]:
    """comments.csv, votes.csv, participants-votes.csv and summary.csv in Polis's format.

    ``full``: every statement, as the consultation's managers see them (see :class:`_Export`).
    """
    export = _Export(consultation, full=full)
    statements = export.statements
    current = [
        (export.voter(p), s, v)
        for p, s, v in export.votes.values_list("participant__number", "statement__number", "value")
    ]
    agrees: dict[int, int] = {}
    disagrees: dict[int, int] = {}
    for _p, s, v in current:
        if v == 1:
            agrees[s] = agrees.get(s, 0) + 1
        elif v == -1:
            disagrees[s] = disagrees.get(s, 0) + 1
    comments: list[list[Any]] = []
    for st in statements:
        created = export.time(st.created_at)
        author = export.author(st)
        comments.append(
            [
                _ms(created),
                _polis_datetime(created),
                st.number,
                "" if author is None else author,
                agrees.get(st.number, 0),
                disagrees.get(st.number, 0),
                st.polis_moderated,
                st.text,
                str(st.is_seed).lower(),
                str(st.is_meta).lower(),
            ]
        )
    votes = [[_ms(t), _polis_datetime(t), s, p, v] for t, s, p, v in export.vote_rows()]

    results = export.results()
    group_of = {p["id"]: p["group"] for p in results["participants"] if p.get("group") is not None}
    numbers = [st.number for st in statements]
    matrix: dict[int, dict[int, int]] = {}
    for p, s, v in current:
        matrix.setdefault(p, {})[s] = v
    authored: dict[int, int] = {}
    for st in statements:
        author = export.author(st)
        if author is not None:
            authored[author] = authored.get(author, 0) + 1
    pv: list[list[Any]] = []
    for voter in sorted(set(matrix) | set(authored)):
        row = matrix.get(voter, {})
        values = list(row.values())
        pv.append(
            [
                voter,
                group_of.get(voter, ""),
                authored.get(voter, 0),
                len(values),
                values.count(1),
                values.count(-1),
            ]
            + [row.get(n, "") for n in numbers]
        )
    summary: list[list[Any]] = [
        ["topic", consultation.question],
        ["url", consultation.get_absolute_url()],
        ["voters", len(pv)],
        ["comments", len(statements)],
        ["votes", len(votes)],
        ["groups", len(results.get("groups", []))],
        ["conversation-description", consultation.context],
    ]
    return {
        "comments.csv": csv_text(comments, header=COMMENT_HEADER),
        "votes.csv": csv_text(votes, header=VOTE_HEADER),
        "participants-votes.csv": csv_text(
            pv, header=PARTICIPANT_HEADER + [str(n) for n in numbers]
        ),
        "summary.csv": csv_text(summary),
    }


def polis_zip(consultation: Consultation, *, full: bool = False) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in polis_files(consultation, full=full).items():
            archive.writestr(f"{consultation.slug}/{name}", text)
        if consultation.attribution:
            archive.writestr(f"{consultation.slug}/ATTRIBUTION.txt", consultation.attribution)
    return buffer.getvalue()


def export_json(consultation: Consultation, *, full: bool = False) -> dict[str, Any]:
    """The consultation, its statements, current votes and results (see :class:`_Export`)."""
    export = _Export(consultation, full=full)
    statements = [
        {
            "id": st.number,
            "text": st.text,
            "status": st.status,
            "is_seed": st.is_seed,
            "is_meta": st.is_meta,
            "source": st.source,
            "author": export.author(st),
            "created_at": export.time(st.created_at).isoformat(),
        }
        for st in export.statements
    ]
    votes = [
        {"participant": p, "statement": s, "vote": v, "updated_at": t.isoformat()}
        for t, s, p, v in _json_votes(export)
    ]
    return {
        "consultation": {
            "title": consultation.title,
            "question": consultation.question,
            "context": consultation.context,
            "status": consultation.status,
            "anonymity": consultation.anonymity,
            "simulated": consultation.simulated,
            "attribution": consultation.attribution,
        },
        "statements": statements,
        "votes": votes,
        "results": export.results(),
    }


def _json_votes(export: _Export) -> list[tuple[dt.datetime, int, int, int]]:
    """The current votes, in the order they were stored (shuffled where named)."""
    if export.named:
        return export.vote_rows()
    return list(
        export.votes.order_by("pk").values_list(
            "updated_at", "statement__number", "participant__number", "value"
        )
    )


def report_context(consultation: Consultation, *, you: int | None = None) -> dict[str, Any]:
    """The results page and the report: they show accepted statements only, to everyone;
    ``you`` (the reader's participant number) is marked on the results page's map."""
    payload = selectors.results_payload(consultation)
    texts = dict(selectors.visible_statements(consultation).values_list("number", "text"))
    status = selectors.analysis_status(consultation)
    return {
        "consultation": consultation,
        "status": status,
        "shown": str(status["version"] or ""),
        "payload": payload,
        "view": presentation.build(payload, texts, you=you) if payload.get("version") else None,
    }


#: the opinion map's height in the PDF report (mm)
MAP_HEIGHT = 80.0


def report_pdf(consultation: Consultation) -> bytes:
    from middleground.core.pdf import Document, readable_datetime
    from middleground.translations.display import (
        translated_map,
        translated_text,
        translation_notice,
    )

    ctx = report_context(consultation)
    payload, view = ctx["payload"], ctx["view"]
    # the reader's language where the organisers translated (as on the results page)
    statements = translated_map(selectors.visible_statements(consultation), "text", key="number")
    title, question = (translated_text(consultation, f) for f in ("title", "question"))

    def text(row: dict[str, Any]) -> str:
        shown = statements.get(row["id"])
        return shown.text if shown is not None else row["text"]

    doc = Document(title.text)
    doc.paragraph(question.text)
    notice = translation_notice([title, question, *statements.values()])
    if notice:
        doc.paragraph(notice)
    if consultation.simulated:
        doc.paragraph(_("Note: this consultation contains simulated votes (demo data)."))
    if consultation.attribution:
        doc.paragraph(consultation.attribution)
    if view is None:
        doc.paragraph(_("No analysis has been computed yet."))
        return doc.to_bytes()
    doc.paragraph(
        _("Analysis version %(v)s, computed %(t)s: %(n)s votes, %(p)s participants in groups.")
        % {
            "v": payload["version"],
            "t": readable_datetime(payload["computed_at"]),
            "n": payload.get("n_votes", 0),
            "p": view["map"]["placed"],
        }
    )
    doc.heading(_("Consensus: group-informed"))
    doc.table(
        [_("Statement"), _("Score"), _("Agree %"), _("Confidence")],
        [[text(r), r["score"], r["agree_pct"], r["confidence"]] for r in view["group_informed"]],
    )
    doc.heading(_("Consensus: bridging"))
    doc.table(
        [_("Statement"), _("Intercept"), _("SE"), _("Confidence")],
        [[text(r), r["score"], r["se"], r["confidence"]] for r in view["bridging"]],
    )
    doc.heading(_("Consensus: declared groups"))
    if view["declared"]["rows"]:
        doc.table(
            [_("Statement"), _("Lowest bound"), _("Confidence")],
            [[text(r), r["score"], r["confidence"]] for r in view["declared"]["rows"]],
        )
    else:
        doc.paragraph(_("No statement reached consensus in every declared group."))
    doc.heading(_("Divisive statements"))
    doc.table(
        [_("Statement"), _("Agree %"), _("Disagree %")],
        [[text(r), r["agree_pct"], r["disagree_pct"]] for r in view["divisive"]],
    )
    doc.ensure_room(MAP_HEIGHT + 35)  # the heading, the map and its legend on one page
    doc.heading(_("Opinion map"))
    doc.scatter(
        [
            (d["label"], d["borderColor"], [(p["x"], p["y"]) for p in d["data"]])
            for d in view["map"]["chart"]["data"]["datasets"]
        ],
        caption=_(
            "Each point is a participant, placed by how they voted and coloured by opinion "
            "group (large conversations: one point per cluster of nearby participants)."
        ),
        height=MAP_HEIGHT,
    )
    doc.table(
        [_("Group"), _("Participants"), _("Centre (x, y)")],
        [[g["name"], g["size"], f"{g['x']}, {g['y']}"] for g in view["map"]["table"]],
    )
    doc.heading(_("Opinion groups"))
    sides = {"agree": _("agree"), "disagree": _("disagree")}
    for group in view["groups"]:
        doc.subheading(f"{group['name']} ({group['size']})")
        doc.table(
            [_("Statement"), _("Side"), _("% of group"), _("Others %"), _("Confidence")],
            [
                [
                    text(d),
                    sides.get(d["side"], d["side"]),
                    d["pct"],
                    "—" if d["others_pct"] is None else d["others_pct"],
                    d["confidence"],
                ]
                for d in group["distinct"]
            ],
        )
    return doc.to_bytes()


# --- import -------------------------------------------------------------------------------


def extract_zip(data: bytes | Any, target: str) -> str:
    """Extract the Polis files of an upload into ``target`` (names only: no paths kept)."""
    try:
        archive = zipfile.ZipFile(data if not isinstance(data, bytes) else io.BytesIO(data))
    except zipfile.BadZipFile:
        raise ServiceError(_("The file is not a zip archive."), field="file") from None
    with archive:
        total = 0
        found = set()
        for info in archive.infolist():
            name = os.path.basename(info.filename)
            if info.is_dir() or name not in POLIS_FILES or name in found:
                continue
            total += info.file_size
            if total > MAX_IMPORT_BYTES:
                raise ServiceError(_("The archive is too large."), field="file")
            with archive.open(info) as source, open(os.path.join(target, name), "wb") as out:
                out.write(source.read())
            found.add(name)
    if "comments.csv" not in found:
        raise ServiceError(_("The archive holds no comments.csv."), field="file")
    return target


def _summary(directory: str) -> dict[str, str]:
    path = os.path.join(directory, "summary.csv")
    if not os.path.isfile(path):
        return {}
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return {row[0]: row[1] for row in csv.reader(handle) if len(row) >= 2}


#: rows written per transaction by an import: short transactions let other writers in
IMPORT_BATCH: int = getattr(settings, "CONSULTATIONS_IMPORT_BATCH", 2000)
#: an import still ``importing`` after this long has died: ``periodic`` removes it
IMPORT_DEADLINE = dt.timedelta(hours=2)
#: the largest comment or voter id (a positive integer column on every database)
MAX_POLIS_ID = 2**31 - 1


def _votes_file(directory: str) -> str:
    """Where the votes of an export are: votes.csv, or else participants-votes.csv."""
    has_votes = os.path.isfile(os.path.join(directory, "votes.csv"))
    return "votes.csv" if has_votes else "participants-votes.csv"


def _import_error(where: str, message: str) -> ServiceError:
    return ServiceError(
        _("Invalid Polis export: %(e)s") % {"e": f"{where}: {message}"}, field="file"
    )


def _check_export(export: Any, directory: str) -> None:
    """What ``read_export`` leaves to us, checked on the whole input before any write."""
    for row, sid in enumerate(export.statement_ids.tolist(), start=2):
        if not 0 <= int(sid) <= MAX_POLIS_ID:
            raise _import_error(
                f"comments.csv:{row}", _("comment-id out of range: %(id)s") % {"id": sid}
            )
        if not export.statement_text.get(int(sid), "").strip():
            raise _import_error(
                f"comments.csv:{row}", _("comment-body: comment %(id)s has no text.") % {"id": sid}
            )
    voters = export.votes.participant
    bad = ((voters < 0) | (voters > MAX_POLIS_ID)).nonzero()[0]
    if bad.size:
        source = _votes_file(directory)
        # votes.csv has a row per vote; participants-votes.csv a row per voter
        where = f"{source}:{int(bad[0]) + 2}" if source == "votes.csv" else source
        raise _import_error(where, _("voter-id out of range: %(id)s") % {"id": voters[bad[0]]})


def _in_batches(items: list[Any], size: int):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def import_polis(
    *,
    actor: Any,
    directory: str,
    title: str = "",
    attribution: str = "",
    slug: str = "",
    is_demo: bool = False,
    batch_size: int | None = None,
) -> Consultation:
    """Create a closed, public consultation from a Polis export directory; all or nothing.

    The whole input is validated before anything is written. The rows are then written in
    batches, each its own short transaction (one transaction for a large export held the
    database's write lock for a minute), under a consultation in status ``importing``
    that no page, list or export shows; one last small transaction makes it visible. A
    failure removes what was written; an import that died is removed by ``periodic``
    after :data:`IMPORT_DEADLINE`. Statement texts lose the apostrophe our CSV exports put
    before formula characters, so an export imports back as it was.
    """
    from middleground.analysis.polis_io import PolisFormatError, read_export

    if not (actor is None or permissions.can_create(actor)):
        raise ServiceError.forbidden()
    check_length(attribution, TEXT_LIMITS["attribution"], field="attribution")
    try:
        export = read_export(directory)
    except PolisFormatError as error:
        message = str(error).replace(directory.rstrip("/") + "/", "")
        raise ServiceError(
            _("Invalid Polis export: %(e)s") % {"e": message}, field="file"
        ) from None
    _check_export(export, directory)
    summary = _summary(directory)
    question = summary.get("topic", "").strip()[: TEXT_LIMITS["question"]]
    question = question or _("Imported Polis conversation")
    title = (title or question)[: TEXT_LIMITS["title"]]
    context = summary.get("conversation-description", "")[: TEXT_LIMITS["context"]]
    batch = batch_size or IMPORT_BATCH
    with transaction.atomic():
        consultation = Consultation.objects.create(
            title=title,
            slug=slug or unique_slug(Consultation, title, fallback="polis"),
            question=question,
            context=context,
            visibility=Visibility.PUBLIC,
            anonymity=Anonymity.ANONYMOUS,
            status=Status.IMPORTING,
            attribution=attribution,
            is_demo=is_demo,
            created_by=actor if actor is not None and actor.is_authenticated else None,
        )
    try:
        counts = _write_export(consultation, export, directory, batch)
    except BaseException:
        discard_consultation(consultation.pk, batch_size=batch)
        raise
    with transaction.atomic():
        Consultation.objects.filter(pk=consultation.pk).update(
            status=Status.CLOSED,
            participant_counter=counts["participants"],
            statement_counter=counts["statements"],
        )
        if actor is not None and actor.is_authenticated:
            record_audit(
                actor=actor,
                action="consultation.import",
                target=consultation,
                statements=export.statement_ids.size,
                votes=export.votes.participant.size,
            )
    request_analysis(consultation_id=consultation.pk)
    consultation.refresh_from_db()
    return consultation


def _write_export(
    consultation: Consultation, export: Any, directory: str, batch: int
) -> dict[str, int]:
    """Write statements, participants, history and current votes, ``batch`` rows per
    transaction; a database error names the file and rows it was writing."""
    votes_file = _votes_file(directory)
    now = timezone.now()
    votes, texts = export.votes, export.statement_text
    moderated_out, meta = set(export.moderated_out.tolist()), set(export.meta.tolist())

    def write(model: Any, rows: list[Any], source: str) -> list[Any]:
        written: list[Any] = []
        for start in range(0, len(rows), batch):
            try:
                with transaction.atomic():
                    written += model.objects.bulk_create(rows[start : start + batch])
            except DatabaseError as error:
                raise ServiceError(
                    _(
                        "The import failed while writing %(what)s %(a)d-%(b)d from %(file)s; "
                        "nothing of it was kept: %(e)s"
                    )
                    % {
                        "what": model._meta.verbose_name_plural,
                        "a": start + 1,
                        "b": min(start + batch, len(rows)),
                        "file": source,
                        "e": error,
                    },
                    field="file",
                ) from error
        return written

    statements = write(
        Statement,
        [
            Statement(
                consultation=consultation,
                number=int(sid),
                text=" ".join(unsafe_cell(texts[int(sid)]).split())[:2000],
                status=(
                    StatementStatus.REJECTED
                    if int(sid) in moderated_out
                    else StatementStatus.ACCEPTED
                ),
                is_meta=int(sid) in meta,
                source="Polis",
                created_at=now,
            )
            for sid in export.statement_ids.tolist()
        ],
        "comments.csv",
    )
    statement_pk = {st.number: st.pk for st in statements}
    # history in time order, so that its ids (the replay order) follow the timestamps
    times = votes.time
    order = list(range(votes.participant.size))
    if times is not None:
        order.sort(key=lambda i: (int(times[i]), i))
    moments = [
        dt.datetime.fromtimestamp(int(times[i]) / 1000, tz=dt.UTC) if times is not None else now
        for i in order
    ]
    first_vote: dict[int, dt.datetime] = {}
    latest: dict[tuple[int, int], tuple[int, dt.datetime]] = {}
    for i, moment in zip(order, moments, strict=True):
        p, s, v = int(votes.participant[i]), int(votes.statement[i]), int(votes.vote[i])
        first_vote.setdefault(p, moment)
        created = latest.get((p, s))
        latest[(p, s)] = (v, created[1] if created else moment)
    numbers = sorted(first_vote)
    write(
        Participant,
        [Participant(consultation=consultation, number=n) for n in numbers],
        votes_file,
    )
    participant_pk = dict(consultation.participants.values_list("number", "pk"))
    for chunk in _in_batches(numbers, batch):
        with transaction.atomic():  # created_at is set on insert: the first vote's time
            for n in chunk:
                Participant.objects.filter(pk=participant_pk[n]).update(created_at=first_vote[n])
    write(
        VoteEvent,
        [
            VoteEvent(
                consultation=consultation,
                participant_id=participant_pk[int(votes.participant[i])],
                statement_id=statement_pk[int(votes.statement[i])],
                value=int(votes.vote[i]),
                created_at=moment,
            )
            for i, moment in zip(order, moments, strict=True)
        ],
        votes_file,
    )
    write(
        Vote,
        [
            Vote(
                consultation=consultation,
                participant_id=participant_pk[p],
                statement_id=statement_pk[s],
                value=v,
                created_at=created,
                updated_at=created,
            )
            for (p, s), (v, created) in latest.items()
        ],
        votes_file,
    )
    return {"participants": max(numbers, default=0), "statements": max(statement_pk, default=0)}


def discard_consultation(consultation_id: int, *, batch_size: int = IMPORT_BATCH) -> None:
    """Delete a consultation and its rows in short transactions (a failed or dead import)."""
    for model in (VoteEvent, Vote, Statement, Participant):
        while True:
            pks = list(
                model.objects.filter(consultation_id=consultation_id)
                .order_by()
                .values_list("pk", flat=True)[:batch_size]
            )
            if not pks:
                break
            with transaction.atomic():
                model.objects.filter(pk__in=pks).delete()
    with transaction.atomic():
        Consultation.objects.filter(pk=consultation_id).delete()


def remove_unfinished_imports() -> int:
    """Remove the imports still ``importing`` past their deadline (their process died)."""
    deadline = timezone.now() - IMPORT_DEADLINE
    ids = list(
        Consultation.objects.filter(status=Status.IMPORTING, created_at__lt=deadline).values_list(
            "pk", flat=True
        )
    )
    for pk in ids:
        discard_consultation(pk)
    return len(ids)


def import_polis_zip(
    *, actor: Any, upload: Any, title: str = "", attribution: str = ""
) -> Consultation:
    with tempfile.TemporaryDirectory(prefix="mg-polis-") as folder:
        extract_zip(upload, folder)
        return import_polis(actor=actor, directory=folder, title=title, attribution=attribution)


def dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=1, default=str)
