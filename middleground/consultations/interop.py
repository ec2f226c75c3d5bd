"""Polis CSV export and import, JSON export, and the partner report (HTML context and PDF).

Exports never reveal who a participant is: participants appear by their per-consultation
number only, in every anonymity mode.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import tempfile
import zipfile
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from middleground.accounts.services import record_audit
from middleground.core.errors import ServiceError

from . import presentation, selectors
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

POLIS_FILES = ("comments.csv", "votes.csv", "participants-votes.csv", "summary.csv")
MAX_IMPORT_BYTES = 200 * 1024 * 1024


def _ms(moment: dt.datetime) -> int:
    return int(moment.timestamp() * 1000)


def _polis_datetime(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%a %b %d %Y %H:%M:%S GMT+0000 (UTC)")


def _csv(rows: list[list[Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerows(rows)
    return buffer.getvalue()


def polis_files(consultation: Consultation) -> dict[str, str]:
    """comments.csv, votes.csv, participants-votes.csv and summary.csv in Polis's format."""
    statements = list(consultation.statements.select_related("author").order_by("number"))
    current = list(
        Vote.objects.filter(consultation=consultation).values_list(
            "participant__number", "statement__number", "value"
        )
    )
    agrees: dict[int, int] = {}
    disagrees: dict[int, int] = {}
    for _p, s, v in current:
        if v == 1:
            agrees[s] = agrees.get(s, 0) + 1
        elif v == -1:
            disagrees[s] = disagrees.get(s, 0) + 1
    comments: list[list[Any]] = [
        [
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
    ]
    for st in statements:
        comments.append(
            [
                _ms(st.created_at),
                _polis_datetime(st.created_at),
                st.number,
                st.author.number if st.author else "",
                agrees.get(st.number, 0),
                disagrees.get(st.number, 0),
                st.polis_moderated,
                st.text,
                str(st.is_seed).lower(),
                str(st.is_meta).lower(),
            ]
        )
    votes: list[list[Any]] = [["timestamp", "datetime", "comment-id", "voter-id", "vote"]]
    for created, s, p, v in VoteEvent.objects.filter(consultation=consultation).values_list(
        "created_at", "statement__number", "participant__number", "value"
    ):
        votes.append([_ms(created), _polis_datetime(created), s, p, v])

    latest = selectors.latest_result(consultation)
    group_of: dict[int, int] = {}
    if latest is not None:
        group_of = {
            p["id"]: p["group"]
            for p in latest.result.get("participants", [])
            if p.get("group") is not None
        }
    numbers = [st.number for st in statements]
    matrix: dict[int, dict[int, int]] = {}
    for p, s, v in current:
        matrix.setdefault(p, {})[s] = v
    authored: dict[int, int] = {}
    for st in statements:
        if st.author:
            authored[st.author.number] = authored.get(st.author.number, 0) + 1
    pv: list[list[Any]] = [
        ["participant", "group-id", "n-comments", "n-votes", "n-agree", "n-disagree"]
        + [str(n) for n in numbers]
    ]
    for number in consultation.participants.values_list("number", flat=True).order_by("number"):
        row = matrix.get(number, {})
        if not row and number not in authored:
            continue
        values = list(row.values())
        pv.append(
            [
                number,
                group_of.get(number, ""),
                authored.get(number, 0),
                len(values),
                values.count(1),
                values.count(-1),
            ]
            + [row.get(n, "") for n in numbers]
        )
    summary: list[list[Any]] = [
        ["topic", consultation.question],
        ["url", consultation.get_absolute_url()],
        ["voters", len(pv) - 1],
        ["comments", len(statements)],
        ["votes", len(votes) - 1],
        ["groups", len(latest.result.get("groups", [])) if latest else 0],
        ["conversation-description", consultation.context],
    ]
    return {
        "comments.csv": _csv(comments),
        "votes.csv": _csv(votes),
        "participants-votes.csv": _csv(pv),
        "summary.csv": _csv(summary),
    }


def polis_zip(consultation: Consultation) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in polis_files(consultation).items():
            archive.writestr(f"{consultation.slug}/{name}", text)
        if consultation.attribution:
            archive.writestr(f"{consultation.slug}/ATTRIBUTION.txt", consultation.attribution)
    return buffer.getvalue()


def export_json(consultation: Consultation) -> dict[str, Any]:
    statements = [
        {
            "id": st.number,
            "text": st.text,
            "status": st.status,
            "is_seed": st.is_seed,
            "is_meta": st.is_meta,
            "source": st.source,
            "author": st.author.number if st.author else None,
            "created_at": st.created_at.isoformat(),
        }
        for st in consultation.statements.select_related("author").order_by("number")
    ]
    votes = [
        {"participant": p, "statement": s, "vote": v, "updated_at": t.isoformat()}
        for p, s, v, t in Vote.objects.filter(consultation=consultation)
        .order_by("pk")
        .values_list("participant__number", "statement__number", "value", "updated_at")
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
        "results": selectors.results_payload(consultation),
    }


def report_context(consultation: Consultation) -> dict[str, Any]:
    payload = selectors.results_payload(consultation)
    texts = dict(consultation.statements.values_list("number", "text"))
    status = selectors.analysis_status(consultation)
    return {
        "consultation": consultation,
        "status": status,
        "shown": str(status["version"] or ""),
        "payload": payload,
        "view": presentation.build(payload, texts) if payload.get("version") else None,
    }


def report_pdf(consultation: Consultation) -> bytes:
    from middleground.core.pdf import Document

    ctx = report_context(consultation)
    payload, view = ctx["payload"], ctx["view"]
    doc = Document(consultation.title)
    doc.paragraph(consultation.question)
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
            "t": payload["computed_at"],
            "n": payload.get("n_votes", 0),
            "p": view["map"]["placed"],
        }
    )
    doc.heading(_("Consensus: group-informed"))
    doc.table(
        [_("Statement"), _("Score"), _("Agree %"), _("Confidence")],
        [[r["text"], r["score"], r["agree_pct"], r["confidence"]] for r in view["group_informed"]],
    )
    doc.heading(_("Consensus: bridging"))
    doc.table(
        [_("Statement"), _("Intercept"), _("SE"), _("Confidence")],
        [[r["text"], r["score"], r["se"], r["confidence"]] for r in view["bridging"]],
    )
    doc.heading(_("Consensus: declared groups"))
    if view["declared"]["rows"]:
        doc.table(
            [_("Statement"), _("Lowest bound"), _("Confidence")],
            [[r["text"], r["score"], r["confidence"]] for r in view["declared"]["rows"]],
        )
    else:
        doc.paragraph(_("No statement reached consensus in every declared group."))
    doc.heading(_("Divisive statements"))
    doc.table(
        [_("Statement"), _("Agree %"), _("Disagree %")],
        [[r["text"], r["agree_pct"], r["disagree_pct"]] for r in view["divisive"]],
    )
    doc.heading(_("Opinion groups"))
    for group in view["groups"]:
        doc.paragraph(f"{group['name']} ({group['size']})")
        doc.table(
            [_("Statement"), _("Side"), _("% of group"), _("Confidence")],
            [[d["text"], d["side"], d["pct"], d["confidence"]] for d in group["distinct"]],
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


def import_polis(
    *,
    actor: Any,
    directory: str,
    title: str = "",
    attribution: str = "",
    slug: str = "",
    is_demo: bool = False,
) -> Consultation:
    """Create a closed, public consultation from a Polis export directory; all or nothing."""
    from middleground.analysis.polis_io import PolisFormatError, read_export

    if not (actor is None or (actor.is_authenticated and actor.is_secretariat)):
        raise ServiceError(_("You are not allowed to do this."), status=403)
    try:
        export = read_export(directory)
    except PolisFormatError as error:
        message = str(error).replace(directory.rstrip("/") + "/", "")
        raise ServiceError(
            _("Invalid Polis export: %(e)s") % {"e": message}, field="file"
        ) from None
    summary = _summary(directory)
    question = summary.get("topic", "").strip() or _("Imported Polis conversation")
    title = (title or question)[:200]
    texts = export.statement_text
    for sid in export.statement_ids.tolist():
        if not texts.get(int(sid), "").strip():
            raise ServiceError(
                _("Invalid Polis export: comments.csv: comment %(id)s has no text.") % {"id": sid},
                field="file",
            )
        if int(sid) < 0:
            raise ServiceError(_("Invalid Polis export: negative comment-id."), field="file")
    votes = export.votes
    if votes.participant.size and int(votes.participant.min()) < 0:
        raise ServiceError(_("Invalid Polis export: negative voter-id."), field="file")
    moderated_out = set(export.moderated_out.tolist())
    meta = set(export.meta.tolist())
    now = timezone.now()
    times = votes.time
    with transaction.atomic():
        consultation = Consultation.objects.create(
            title=title,
            slug=slug or _unique_slug(title),
            question=question,
            context=summary.get("conversation-description", ""),
            visibility=Visibility.PUBLIC,
            anonymity=Anonymity.ANONYMOUS,
            status=Status.CLOSED,
            attribution=attribution,
            is_demo=is_demo,
            created_by=actor if actor is not None and actor.is_authenticated else None,
        )
        statements = Statement.objects.bulk_create(
            [
                Statement(
                    consultation=consultation,
                    number=int(sid),
                    text=" ".join(texts[int(sid)].split())[:2000],
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
            ]
        )
        statement_pk = {st.number: st.pk for st in statements}
        numbers = sorted(set(votes.participant.tolist()))
        participants = Participant.objects.bulk_create(
            [Participant(consultation=consultation, number=int(n)) for n in numbers]
        )
        if any(p.pk is None for p in participants):  # backends without RETURNING
            participant_pk = dict(
                consultation.participants.values_list("number", "pk")  # type: ignore[arg-type]
            )
        else:
            participant_pk = {p.number: p.pk for p in participants}
        events = []
        latest: dict[tuple[int, int], tuple[int, dt.datetime]] = {}
        order = range(votes.participant.size)
        if times is not None:
            order = sorted(order, key=lambda i: (int(times[i]), i))  # type: ignore[assignment]
        for i in order:
            p, s, v = int(votes.participant[i]), int(votes.statement[i]), int(votes.vote[i])
            moment = (
                dt.datetime.fromtimestamp(int(times[i]) / 1000, tz=dt.UTC)
                if times is not None
                else now
            )
            events.append(
                VoteEvent(
                    consultation=consultation,
                    participant_id=participant_pk[p],
                    statement_id=statement_pk[s],
                    value=v,
                    created_at=moment,
                )
            )
            first = latest.get((p, s))
            latest[(p, s)] = (v, first[1] if first else moment)
        VoteEvent.objects.bulk_create(events, batch_size=2000)
        Vote.objects.bulk_create(
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
            batch_size=2000,
        )
        Consultation.objects.filter(pk=consultation.pk).update(
            participant_counter=max(numbers, default=0),
            statement_counter=max(statement_pk, default=0),
        )
        first_vote: dict[int, dt.datetime] = {}
        for event in events:
            first_vote.setdefault(event.participant_id, event.created_at)
        for pk, moment in first_vote.items():
            Participant.objects.filter(pk=pk).update(created_at=moment)
        if actor is not None and actor.is_authenticated:
            record_audit(
                actor=actor,
                action="consultation.import",
                target=consultation,
                statements=len(statements),
                votes=len(events),
            )
    from .services import request_analysis

    request_analysis(consultation_id=consultation.pk)
    return consultation


def import_polis_zip(
    *, actor: Any, upload: Any, title: str = "", attribution: str = ""
) -> Consultation:
    with tempfile.TemporaryDirectory(prefix="mg-polis-") as folder:
        extract_zip(upload, folder)
        return import_polis(actor=actor, directory=folder, title=title, attribution=attribution)


def _unique_slug(title: str) -> str:
    base = slugify(title)[:200] or "polis"
    slug, n = base, 2
    while Consultation.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=1, default=str)
