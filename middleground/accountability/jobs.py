"""The import engine of accountability, and the work of its background task (:mod:`.tasks`).

An import is checked whole before anything is written (:func:`plan_import`): every row, against
the strategy as stored and against the other rows of the file. One bad row and the import is
rejected with a report (:class:`Problem`: row number, field, message) and nothing is stored.
A clean import is written in one transaction (:func:`import_rows`), the strategy's row locked
and the file checked again under the lock, so that a change made meanwhile cannot slip in.

The rules (the workflow of :mod:`.services`, which the import does not bypass):

* a final cycle is never edited: a row of a final cycle that differs from what is stored is
  refused (a correction is a revision cycle: ``cycle_revision`` + 1, which the import may
  create); a cycle in review is not edited either (scores change in draft, replies come from
  the member concerned);
* in a draft cycle the draft score follows the assessors' scores, as when they score by
  hand; a cell's ``draft_score`` is read only as a reconciliation (the assessors disagree),
  which needs its ``reconciliation_note``;
* a new cycle is numbered after the existing ones of its kind, one cycle at a time is in
  progress, a final cycle comes after a final interim one, a revision is final and follows
  its original;
* a self-report is the member's own record: new ones are added, stored ones never change.

The format itself (columns, records) is described in :mod:`.interop`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from middleground.accounts.models import User
from middleground.accounts.services import record_audit
from middleground.core.errors import ServiceError
from middleground.network.models import Country, FocusArea, Institution
from middleground.strategies.models import Strategy, StrategyStatus

from .models import (
    CODE_MAX,
    GUIDE_MAX,
    JUSTIFICATION_MAX,
    NOTE_MAX,
    PARTNER_MAX,
    SCORES,
    TEXT_MAX,
    Assessment,
    Assignment,
    CellResult,
    CellStatus,
    Commitment,
    CommitmentMember,
    CommitmentStatus,
    Cycle,
    CycleKind,
    CycleStatus,
    ImportJob,
    ImportStatus,
    Reply,
    ReplyStatus,
    RollUp,
    SelfReport,
    TrafficLight,
)
from .services import _freeze, _sdg_targets, check_sources

#: the columns of both formats, in this order (see :mod:`.interop`)
COLUMNS = [
    "record",
    "commitment",
    "member",
    "cycle_kind",
    "cycle_number",
    "cycle_revision",
    "status",
    "text",
    "deadline",
    "weight",
    "focus_area",
    "sdg_targets",
    "indicators",
    "guideline",
    "parent",
    "roll_up",
    "simulated",
    "note",
    "assessor",
    "score",
    "justification",
    "sources",
    "draft_score",
    "reconciliation_note",
    "reply_status",
    "reply_text",
    "final_score",
    "final_note",
    "at",
]
CELL_FIELDS = (
    "draft_score",
    "reconciliation_note",
    "reply_status",
    "final_score",
    "final_note",
    "status",
)
RECORDS = ("commitment", "member", "cycle", "assessment", "cell", "self_report")
#: imports of more rows than this run in the background
LARGE_IMPORT = 2_000
PROGRESS_EVERY = 500
MAX_ROWS = 500_000
MAX_REPORTED = 1_000

#: the values of each choice, listed once (not at every row)
_COMMITMENT_STATUSES = tuple(CommitmentStatus.values)
_CYCLE_KINDS = tuple(CycleKind.values)
_CYCLE_STATUSES = tuple(CycleStatus.values)
_REPLY_STATUSES = tuple(ReplyStatus.values)
_ROLL_UPS = tuple(RollUp.values)
_TRAFFIC_LIGHTS = tuple(TrafficLight.values)

CycleKey = tuple[str, int, int]
CellKey = tuple[CycleKey, str, str]


@dataclass(frozen=True)
class Problem:
    """What is wrong in one row (``row`` 1 is the first row under the header; 0: the file)."""

    row: int
    field: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "field": self.field, "message": self.message}


class ImportRejected(ServiceError):
    """The import was refused and nothing was stored; ``problems`` lists every bad row."""

    def __init__(self, problems: list[Problem]):
        first = problems[0]
        super().__init__(
            _(
                "The import was rejected and nothing was stored: %(n)s problem(s); row "
                "%(row)s, %(field)s: %(message)s"
            )
            % {
                "n": len(problems),
                "row": first.row,
                "field": first.field,
                "message": first.message,
            },
            field=first.field,
        )
        self.problems = problems


class _Bad(Exception):
    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field, self.message = field, message


def split_list(text: str) -> list[str]:
    """``"a; b"`` -> ``["a", "b"]`` (the list cells: SDG targets, sources)."""
    return [p.strip() for p in text.split(";") if p.strip()]


def _score(text: str, name: str, *, blank: bool = True) -> int | None:
    if text == "":
        if blank:
            return None
        raise _Bad(name, _("This field is required."))
    try:
        value = int(text)
    except ValueError:
        value = None
    if value is None or value not in SCORES or text.strip() not in ("-1", "0", "1", "+1"):
        raise _Bad(
            name, _("A score is -1 (no compliance), 0 (partial) or 1 (full): %(v)s") % {"v": text}
        )
    return value


def _int(text: str, name: str, *, minimum: int) -> int:
    try:
        value = int(text)
    except ValueError:
        raise _Bad(name, _("Not a whole number: %(v)s") % {"v": text[:40]}) from None
    if value < minimum:
        raise _Bad(name, _("At least %(n)s.") % {"n": minimum})
    return value


def _date(text: str, name: str) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise _Bad(name, _("Not a date (YYYY-MM-DD): %(v)s") % {"v": text[:40]}) from None


def _moment(text: str, name: str) -> dt.datetime | None:
    if not text:
        return None
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        raise _Bad(
            name,
            _("Not a date and time (ISO 8601, e.g. 2026-05-01T12:00:00+00:00): %(v)s")
            % {"v": text[:40]},
        ) from None
    return value if timezone.is_aware(value) else value.replace(tzinfo=dt.UTC)


def _text(value: str, limit: int, name: str, *, required: bool = False) -> str:
    if len(value) > limit:
        raise _Bad(
            name,
            _("This text is too long: %(n)d characters, %(max)d at most.")
            % {"n": len(value), "max": limit},
        )
    if required and not value:
        raise _Bad(name, _("This field is required."))
    return value


def _choice(value: str, choices: Iterable[str], name: str, default: str | None = None) -> str:
    if not value and default is not None:
        return default
    allowed = list(choices)
    if value not in allowed:
        raise _Bad(
            name,
            _("Unknown value %(v)s; one of: %(c)s") % {"v": value[:40], "c": ", ".join(allowed)},
        )
    return value


def _yes_no(value: str, name: str) -> bool:
    if value.lower() in ("yes", "true", "1"):
        return True
    if value.lower() in ("", "no", "false", "0"):
        return False
    raise _Bad(name, _("Say yes or no."))


def cycle_keys(cycles: Iterable[Cycle]) -> dict[int, CycleKey]:
    """Each cycle's stable key: (kind, number among the originals of its kind, revision)."""
    keys: dict[int, CycleKey] = {}
    counters: dict[str, int] = {}
    for cycle in sorted(cycles, key=lambda c: (c.opened_at, c.pk)):
        if cycle.revision_of_id is None or cycle.revision_of_id not in keys:
            counters[cycle.kind] = counters.get(cycle.kind, 0) + 1
            keys[cycle.pk] = (cycle.kind, counters[cycle.kind], cycle.revision)
        else:
            kind, number, _rev = keys[cycle.revision_of_id]
            keys[cycle.pk] = (kind, number, cycle.revision)
    return keys


def cell_fields(cell: CellResult) -> dict[str, Any]:
    answer = getattr(cell, "reply", None) if hasattr(cell, "reply") else None
    return {
        "draft_score": cell.draft_score,
        "reconciliation_note": cell.reconciliation_note,
        "reply_status": cell.reply_status,
        "reply_text": answer.text if answer is not None else "",
        "final_score": cell.final_score,
        "final_note": cell.final_note,
    }


class _State:
    """What the strategy holds now, by the stable keys of the format."""

    def __init__(self, strategy: Strategy):
        self.strategy = strategy
        self.commitments = {c.code: c for c in Commitment.objects.filter(strategy=strategy)}
        by_id = {c.pk: c for c in self.commitments.values()}
        self.members: dict[tuple[str, str], CommitmentMember] = {}
        for m in CommitmentMember.objects.filter(commitment__strategy=strategy):
            m.commitment = by_id[m.commitment_id]
            self.members[(by_id[m.commitment_id].code, m.member_key())] = m
        members_by_id = {m.pk: key for key, m in self.members.items()}
        cycles = list(Cycle.objects.filter(strategy=strategy))
        keys = cycle_keys(cycles)
        self.cycles = {keys[c.pk]: c for c in cycles}
        self.assessments: dict[tuple[CellKey, str], Assessment] = {}
        for a in Assessment.objects.filter(cycle__strategy=strategy).select_related("assessor"):
            code, mkey = members_by_id[a.member_id]
            self.assessments[((keys[a.cycle_id], code, mkey), a.assessor.username)] = a
        self.cells: dict[CellKey, CellResult] = {}
        for cell in CellResult.objects.filter(cycle__strategy=strategy).select_related("reply"):
            code, mkey = members_by_id[cell.member_id]
            self.cells[(keys[cell.cycle_id], code, mkey)] = cell
        self.assigned: dict[tuple[CycleKey, str], dict[str, int]] = {}
        for job in Assignment.objects.filter(cycle__strategy=strategy).select_related("assessor"):
            slots = self.assigned.setdefault(
                (keys[job.cycle_id], by_id[job.commitment_id].code), {}
            )
            slots[job.assessor.username] = job.slot
        self.reports: dict[tuple[str, str, dt.datetime], SelfReport] = {}
        for r in SelfReport.objects.filter(commitment__strategy=strategy):
            code, mkey = members_by_id[r.member_id]
            self.reports[(code, mkey, r.at)] = r


@dataclass
class Plan:
    """What a checked import will write (:func:`import_rows`), and how many rows of each
    record it creates, updates or leaves unchanged."""

    strategy: Strategy
    actor: Any
    total: int
    problems: list[Problem] = field(default_factory=list)
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    new_commitments: dict[str, dict[str, Any]] = field(default_factory=dict)
    changed_commitments: dict[str, dict[str, Any]] = field(default_factory=dict)
    new_members: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    new_cycles: dict[CycleKey, dict[str, Any]] = field(default_factory=dict)
    changed_cycles: dict[CycleKey, dict[str, Any]] = field(default_factory=dict)
    assessments: dict[tuple[CellKey, str], dict[str, Any]] = field(default_factory=dict)
    new_assignments: dict[tuple[CycleKey, str], list[str]] = field(default_factory=dict)
    cells: dict[CellKey, dict[str, Any]] = field(default_factory=dict)
    new_reports: list[dict[str, Any]] = field(default_factory=list)

    def count(self, record: str, what: str) -> None:
        row = self.counts.setdefault(record, {"created": 0, "updated": 0, "unchanged": 0})
        row[what] += 1

    @property
    def changes(self) -> int:
        return sum(c["created"] + c["updated"] for c in self.counts.values())


class _Planner:
    def __init__(self, strategy: Strategy, rows: Sequence[Mapping[str, str]], actor: Any):
        self.state = _State(strategy)
        self.rows = rows
        self.plan = Plan(strategy=strategy, actor=actor, total=len(rows))
        self.users: dict[str, User | None] = {}
        self.seen: set[Any] = set()
        names = {r.get("assessor", "") for r in rows if r.get("record") == "assessment"}
        self.users = {u.username: u for u in User.objects.filter(username__in=names)}
        self.focus = {f.slug: f for f in FocusArea.objects.all()}
        # the institutions and countries the member rows name, fetched in one query each
        ids: set[int] = set()
        codes: set[str] = set()
        for r in rows:
            if r.get("record") != "member":
                continue
            kind, _sep, ident = r.get("member", "").partition(":")
            if kind == "institution":
                try:
                    pk = int(ident)
                except ValueError:
                    continue
                if 0 < pk < 2**63:
                    ids.add(pk)
            elif kind == "country":
                codes.add(ident.upper())
        self.institution_ids, self.country_codes = ids, codes
        self.institutions = Institution.objects.in_bulk(ids) if ids else {}
        self.countries = Country.objects.in_bulk(codes) if codes else {}
        self.codes_by_pk: dict[int, str] | None = None

    # -- references -------------------------------------------------------------------

    def commitment_known(self, code: str) -> None:
        if not code:
            raise _Bad("commitment", _("This field is required."))
        if code not in self.state.commitments and code not in self.plan.new_commitments:
            raise _Bad("commitment", _("Unknown commitment code: %(c)s") % {"c": code[:60]})

    def member_bound(self, code: str, mkey: str) -> None:
        self.commitment_known(code)
        if not mkey:
            raise _Bad("member", _("This field is required."))
        if (code, mkey) not in self.state.members and (code, mkey) not in self.plan.new_members:
            raise _Bad(
                "member",
                _("Unknown member %(m)s of commitment %(c)s (declare it in a member row).")
                % {"m": mkey[:80], "c": code[:60]},
            )

    def cycle_of(self, row: Mapping[str, str]) -> CycleKey:
        key = (
            _choice(row["cycle_kind"], _CYCLE_KINDS, "cycle_kind"),
            _int(row["cycle_number"], "cycle_number", minimum=1),
            _int(row["cycle_revision"], "cycle_revision", minimum=0),
        )
        if key not in self.state.cycles and key not in self.plan.new_cycles:
            raise _Bad(
                "cycle_number",
                _("Unknown cycle %(k)s no. %(n)s revision %(r)s (declare it in a cycle row).")
                % {"k": key[0], "n": key[1], "r": key[2]},
            )
        return key

    def cycle_status(self, key: CycleKey) -> tuple[str, bool]:
        """(status, is it new)."""
        if key in self.plan.new_cycles:
            return self.plan.new_cycles[key]["status"], True
        cycle = self.state.cycles[key]
        return cycle.status, False

    def once(self, key: Any) -> None:
        if key in self.seen:
            raise _Bad("record", _("This row repeats an earlier row."))
        self.seen.add(key)

    def member_spec(self, mkey: str) -> dict[str, Any]:
        kind, _sep, ident = mkey.partition(":")
        if kind == "institution":
            try:
                pk = int(ident)
            except ValueError:
                institution = None
            else:
                institution = (
                    self.institutions.get(pk)
                    if pk in self.institution_ids
                    else Institution.objects.filter(pk=pk).first()
                )
            if institution is None:
                raise _Bad("member", _("Unknown member: no institution %(v)s") % {"v": ident[:40]})
            return {"institution": institution}
        if kind == "country":
            code = ident.upper()
            country = (
                self.countries.get(code)
                if code in self.country_codes
                else Country.objects.filter(pk=code).first()
            )
            if country is None:
                raise _Bad("member", _("Unknown member: no country %(v)s") % {"v": ident[:40]})
            return {"country": country}
        if kind == "partner":
            return {"partner": _text(ident.strip(), PARTNER_MAX, "member", required=True)}
        raise _Bad(
            "member",
            _("Unknown member %(v)s: institution:<id>, country:<code> or partner:<name>")
            % {"v": mkey[:80]},
        )

    # -- records ----------------------------------------------------------------------

    def commitment(self, n: int, row: Mapping[str, str]) -> None:
        code = _text(row["commitment"], CODE_MAX, "commitment", required=True)
        self.once(("commitment", code))
        parent = row["parent"]
        fields: dict[str, Any] = {
            "text": _text(row["text"], TEXT_MAX, "text", required=True),
            "deadline": _date(row["deadline"], "deadline"),
            "status": _choice(
                row["status"], _COMMITMENT_STATUSES, "status", CommitmentStatus.NOT_STARTED
            ),
            "weight": self.weight(row["weight"]),
            "focus_area": self.focus_area(row["focus_area"]),
            "sdg_targets": self.sdg(row["sdg_targets"]),
            "indicators": _text(row["indicators"], GUIDE_MAX, "indicators"),
            "guideline": _text(row["guideline"], GUIDE_MAX, "guideline"),
            "parent": parent,
        }
        if parent == code:
            raise _Bad("parent", _("A commitment is not its own parent."))
        stored = self.state.commitments.get(code)
        if stored is None:
            self.plan.new_commitments[code] = {**fields, "row": n}
            self.plan.count("commitment", "created")
            return
        current = {
            "text": stored.text,
            "deadline": stored.deadline,
            "status": stored.status,
            "weight": stored.weight,
            "focus_area": stored.focus_area_id,
            "sdg_targets": stored.sdg_targets,
            "indicators": stored.indicators,
            "guideline": stored.guideline,
            "parent": self.parent_code(stored),
        }
        compared = {
            **fields,
            "focus_area": fields["focus_area"].pk if fields["focus_area"] else None,
        }
        changed = {k: fields[k] for k in fields if compared[k] != current[k]}
        if changed:
            self.plan.changed_commitments[code] = changed
        self.plan.count("commitment", "updated" if changed else "unchanged")

    def parent_code(self, commitment: Commitment) -> str:
        if commitment.parent_id is None:
            return ""
        if self.codes_by_pk is None:
            self.codes_by_pk = {}
            for c in self.state.commitments.values():
                self.codes_by_pk.setdefault(c.pk, c.code)
        return self.codes_by_pk.get(commitment.parent_id, "")

    def weight(self, text: str) -> float:
        if not text:
            return 1.0
        try:
            value = float(text)
        except ValueError:
            value = 0.0
        if not 0 < value <= 1_000:
            raise _Bad("weight", _("The weight is a number above 0 (up to 1000)."))
        return value

    def focus_area(self, slug: str) -> FocusArea | None:
        if not slug:
            return None
        if slug not in self.focus:
            raise _Bad("focus_area", _("Unknown focus area: %(v)s") % {"v": slug[:60]})
        return self.focus[slug]

    def sdg(self, text: str) -> list[str]:
        try:
            return _sdg_targets(split_list(text))
        except ServiceError as exc:
            raise _Bad("sdg_targets", exc.message) from None

    def sources(self, text: str, name: str) -> list[int | str]:
        items: list[Any] = [int(s) if s.isdigit() else s for s in split_list(text)]
        try:
            return check_sources(self.plan.actor, items, field=name)
        except ServiceError as exc:
            raise _Bad(name, exc.message) from None

    def member(self, n: int, row: Mapping[str, str]) -> None:
        code, mkey = row["commitment"], row["member"]
        self.commitment_known(code)
        self.once(("member", code, mkey))
        if (code, mkey) in self.state.members:
            self.plan.count("member", "unchanged")
            return
        self.plan.new_members[(code, mkey)] = self.member_spec(mkey)
        self.plan.count("member", "created")

    def cycle(self, n: int, row: Mapping[str, str]) -> None:
        kind = _choice(row["cycle_kind"], _CYCLE_KINDS, "cycle_kind")
        number = _int(row["cycle_number"], "cycle_number", minimum=1)
        revision = _int(row["cycle_revision"], "cycle_revision", minimum=0)
        key = (kind, number, revision)
        self.once(("cycle", key))
        fields = {
            "status": _choice(row["status"], _CYCLE_STATUSES, "status"),
            "roll_up": _choice(row["roll_up"], _ROLL_UPS, "roll_up", RollUp.MEAN),
            "simulated": _yes_no(row["simulated"], "simulated"),
            "note": _text(row["note"], NOTE_MAX, "note"),
            "reply_deadline": _moment(row["deadline"], "deadline"),
        }
        stored = self.state.cycles.get(key)
        if stored is not None:
            current = {
                "status": stored.status,
                "roll_up": stored.roll_up,
                "simulated": stored.simulated,
                "note": stored.note,
                "reply_deadline": stored.reply_deadline,
            }
            changed = {k: v for k, v in fields.items() if current[k] != v}
            if changed and stored.is_final:
                raise _Bad(next(iter(changed)), _final_message())
            if "status" in changed:
                raise _Bad(
                    "status",
                    _("An import does not move a cycle through its steps; use the workflow."),
                )
            if changed:
                self.plan.changed_cycles[key] = changed
            self.plan.count("cycle", "updated" if changed else "unchanged")
            return
        everything = {**{k: c.status for k, c in self.state.cycles.items()}}
        everything.update({k: v["status"] for k, v in self.plan.new_cycles.items()})
        if any(s != CycleStatus.FINAL for s in everything.values()):
            raise _Bad(
                "cycle_kind",
                _("A cycle of this strategy is still in progress; finalise it first."),
            )
        if revision == 0:
            expected = 1 + sum(1 for k in everything if k[0] == kind and k[2] == 0)
            if number != expected:
                raise _Bad(
                    "cycle_number",
                    _("Cycles of a kind are numbered in order: this one would be no. %(n)s.")
                    % {"n": expected},
                )
            if kind == CycleKind.FINAL and not any(k[0] == CycleKind.INTERIM for k in everything):
                raise _Bad("cycle_kind", _("A final cycle comes after a finalised interim cycle."))
        else:
            if (kind, number, revision - 1) not in everything:
                raise _Bad(
                    "cycle_revision",
                    _("A revision follows the cycle it corrects (revision %(r)s).")
                    % {"r": revision - 1},
                )
            if fields["status"] != CycleStatus.FINAL:
                raise _Bad("status", _("A revision of a final cycle is final."))
        if fields["status"] == CycleStatus.REVIEW and fields["reply_deadline"] is None:
            raise _Bad("deadline", _("Give the reply deadline."))
        self.plan.new_cycles[key] = {**fields, "row": n}
        self.plan.count("cycle", "created")

    def assessment(self, n: int, row: Mapping[str, str]) -> None:
        code, mkey = row["commitment"], row["member"]
        key = self.cycle_of(row)
        self.member_bound(code, mkey)
        username = row["assessor"]
        self.once(("assessment", key, code, mkey, username))
        fields = {
            "score": _score(row["score"], "score", blank=False),
            "justification": _text(row["justification"], JUSTIFICATION_MAX, "justification"),
            "sources": self.sources(row["sources"], "sources"),
        }
        if not fields["justification"]:
            raise _Bad("justification", _("Every score needs its justification."))
        user = self.users.get(username)
        if user is None:
            raise _Bad("assessor", _("Unknown assessor: %(u)s") % {"u": username[:60] or "-"})
        status, new = self.cycle_status(key)
        stored = self.state.assessments.get(((key, code, mkey), username))
        current = (
            None
            if stored is None
            else {
                "score": stored.score,
                "justification": stored.justification,
                "sources": stored.sources,
            }
        )
        if current == fields:
            self.plan.count("assessment", "unchanged")
            return
        if not new and status == CycleStatus.FINAL:
            raise _Bad("score", _final_message())
        if not new and status == CycleStatus.REVIEW:
            raise _Bad("score", _("Scores change only while the cycle is in draft."))
        if not (user.is_active and user.is_network_member):
            raise _Bad(
                "assessor",
                _("Assessors are the secretariat or experts of member institutions."),
            )
        member_inst = self.institution_of(code, mkey)
        if member_inst is not None and member_inst == user.institution_id:
            raise _Bad("assessor", _("No one scores their own institution."))
        slots = dict(self.state.assigned.get((key, code), {}) if not new else {})
        pending = self.plan.new_assignments.setdefault((key, code), [])
        if username not in slots and username not in pending:
            if len(slots) + len(pending) >= 2:
                raise _Bad(
                    "assessor", _("This commitment already has two assessors in this cycle.")
                )
            pending.append(username)
        self.plan.assessments[((key, code, mkey), username)] = fields
        self.plan.count("assessment", "created" if stored is None else "updated")

    def institution_of(self, code: str, mkey: str) -> int | None:
        if mkey.startswith("institution:"):
            try:
                return int(mkey.split(":", 1)[1])
            except ValueError:
                return None
        return None

    def assessments_of(self, cell: CellKey) -> list[int]:
        if not hasattr(self, "_by_cell"):
            by_cell: dict[CellKey, dict[str, int]] = {}
            for (k, who), a in self.state.assessments.items():
                by_cell.setdefault(k, {})[who] = a.score
            for (k, who), fields in self.plan.assessments.items():
                by_cell.setdefault(k, {})[who] = fields["score"]
            self._by_cell = by_cell
        return list(self._by_cell.get(cell, {}).values())

    def cell(self, n: int, row: Mapping[str, str]) -> None:
        code, mkey = row["commitment"], row["member"]
        key = self.cycle_of(row)
        self.member_bound(code, mkey)
        cell_key = (key, code, mkey)
        self.once(("cell", cell_key))
        fields = {
            "draft_score": _score(row["draft_score"], "draft_score"),
            "reconciliation_note": _text(
                row["reconciliation_note"], NOTE_MAX, "reconciliation_note"
            ),
            "reply_status": _choice(
                row["reply_status"], _REPLY_STATUSES, "reply_status", ReplyStatus.NONE
            ),
            "reply_text": _text(row["reply_text"], JUSTIFICATION_MAX, "reply_text"),
            "final_score": _score(row["final_score"], "final_score"),
            "final_note": _text(row["final_note"], NOTE_MAX, "final_note"),
        }
        status, new = self.cycle_status(key)
        stored = self.state.cells.get(cell_key)
        current = cell_fields(stored) if stored is not None else None
        if not new and status != CycleStatus.DRAFT:
            if current != fields:
                name = next((k for k in fields if current and current[k] != fields[k]), "cell")
                if status == CycleStatus.FINAL:
                    raise _Bad(name, _final_message())
                raise _Bad(
                    name,
                    _("A cycle in review does not change: the members concerned reply to it."),
                )
            self.plan.count("cell", "unchanged")
            return
        self.plan.cells[cell_key] = {**fields, "row": n, "status_of_cycle": status}
        # counted once resolved (resolve_cells)

    def self_report(self, n: int, row: Mapping[str, str]) -> None:
        code, mkey = row["commitment"], row["member"]
        self.member_bound(code, mkey)
        at = _moment(row["at"], "at")
        if at is None:
            raise _Bad("at", _("Give the date and time of the report."))
        self.once(("self_report", code, mkey, at))
        fields = {
            "status": _choice(row["status"], _TRAFFIC_LIGHTS, "status"),
            "text": _text(row["text"], JUSTIFICATION_MAX, "text"),
            "evidence": self.sources(row["sources"], "sources"),
        }
        if (
            fields["status"] in (TrafficLight.SOME_DELAY, TrafficLight.OFF_TRACK)
            and not fields["text"]
        ):
            raise _Bad("text", _("Say what is delayed and why."))
        stored = self.state.reports.get((code, mkey, at))
        if stored is not None:
            current = {"status": stored.status, "text": stored.text, "evidence": stored.evidence}
            if current != fields:
                raise _Bad(
                    next(k for k in fields if current[k] != fields[k]),
                    _("A self-report is the member's own record; a stored one cannot change."),
                )
            self.plan.count("self_report", "unchanged")
            return
        self.plan.new_reports.append({**fields, "commitment": code, "member": mkey, "at": at})
        self.plan.count("self_report", "created")

    # -- cells, once every assessment is known -----------------------------------------

    def resolve_cells(self) -> None:
        touched = {k for (k, _who) in self.plan.assessments}
        for cell_key in touched - set(self.plan.cells):
            stored = self.state.cells.get(cell_key)
            base = cell_fields(stored) if stored is not None else _blank_cell()
            status, _new = self.cycle_status(cell_key[0])
            self.plan.cells[cell_key] = {
                **base,
                "row": 0,
                "status_of_cycle": status,
                "implied": True,
            }
        for cell_key, fields in list(self.plan.cells.items()):
            try:
                self.resolve(cell_key, fields)
            except _Bad as bad:
                self.plan.problems.append(Problem(fields["row"], bad.field, bad.message))

    def resolve(self, cell_key: CellKey, fields: dict[str, Any]) -> None:
        status = fields.pop("status_of_cycle")
        implied = fields.pop("implied", False)
        scores = self.assessments_of(cell_key)
        stored = self.state.cells.get(cell_key)
        current = cell_fields(stored) if stored is not None else _blank_cell()
        agreed = scores[0] if scores and len(set(scores)) == 1 else None
        disagree = len(set(scores)) > 1
        given = fields["draft_score"]
        if status == CycleStatus.DRAFT:
            if fields["reply_status"] != ReplyStatus.NONE:
                raise _Bad("reply_status", _("A draft cycle has not been sent for reply."))
            if fields["final_score"] is not None:
                raise _Bad("final_score", _("Only a final cycle has final scores."))
            if disagree and given is not None and not implied:
                if not fields["reconciliation_note"]:
                    raise _Bad("reconciliation_note", _("A reconciliation needs its note."))
                cell_status = CellStatus.RECONCILED
            elif disagree:
                fields["draft_score"], fields["reconciliation_note"] = None, ""
                cell_status = CellStatus.DISAGREEMENT
            else:
                if given is not None and given != agreed and given != current["draft_score"]:
                    raise _Bad(
                        "draft_score",
                        _(
                            "In a draft cycle the draft score is the assessors' score; "
                            "change the assessment."
                        ),
                    )
                fields["draft_score"], fields["reconciliation_note"] = agreed, ""
                cell_status = CellStatus.SCORED if agreed is not None else CellStatus.UNSCORED
        else:  # a new cycle in review or final
            if (
                given is not None
                and scores
                and given != agreed
                and not fields["reconciliation_note"]
            ):
                raise _Bad(
                    "reconciliation_note",
                    _(
                        "The draft score differs from the assessors' scores: "
                        "give the reconciliation note."
                    ),
                )
            if given is None and fields["reply_status"] not in (ReplyStatus.NONE,):
                raise _Bad("reply_status", _("An unscored cell is not sent for reply."))
            if given is not None and fields["reply_status"] == ReplyStatus.NONE:
                raise _Bad("reply_status", _("A scored cell of a sent cycle has a reply status."))
            if fields["reply_status"] == ReplyStatus.REPLIED and not fields["reply_text"]:
                raise _Bad("reply_text", _("A reply that does not accept the score says why."))
            if status == CycleStatus.REVIEW:
                if fields["reply_status"] == ReplyStatus.NO_REPLY:
                    raise _Bad("reply_status", _("No reply is known only once the cycle is final."))
                if fields["final_score"] is not None:
                    raise _Bad("final_score", _("Only a final cycle has final scores."))
                cell_status = (
                    CellStatus.UNSCORED
                    if given is None
                    else (
                        CellStatus.RECONCILED
                        if fields["reconciliation_note"]
                        else CellStatus.SCORED
                    )
                )
            else:
                if fields["reply_status"] == ReplyStatus.PENDING:
                    raise _Bad("reply_status", _("A final cycle awaits no reply."))
                if fields["final_score"] != given and not fields["final_note"]:
                    raise _Bad(
                        "final_note",
                        _("A final score that differs from the draft score needs its note."),
                    )
                cell_status = CellStatus.FINAL
        fields["status"] = cell_status
        unchanged = (
            stored is not None
            and stored.status == cell_status
            and all(current[k] == fields[k] for k in current)
        )
        if unchanged:
            del self.plan.cells[cell_key]
            if not implied:
                self.plan.count("cell", "unchanged")
        else:
            self.plan.count("cell", "created" if stored is None and not implied else "updated")

    # -- the run ----------------------------------------------------------------------

    def run(self, progress: Callable[[int], None] | None) -> Plan:
        strategy = self.plan.strategy
        if strategy.status in (StrategyStatus.DRAFTING, StrategyStatus.NOT_ADOPTED):
            self.plan.problems.append(
                Problem(
                    0,
                    "strategy",
                    _("Commitments come from a strategy put to endorsement or adopted."),
                )
            )
        first = ("commitment", "member", "cycle")
        order = [i for i, r in enumerate(self.rows) if r.get("record") in first]
        order += [i for i, r in enumerate(self.rows) if r.get("record") not in first]
        for done, i in enumerate(order, 1):
            row = self.rows[i]
            try:
                record = _choice(row.get("record", ""), RECORDS, "record")
                getattr(self, record)(i + 1, row)
            except _Bad as bad:
                self.plan.problems.append(Problem(i + 1, bad.field, bad.message))
            if progress is not None and done % PROGRESS_EVERY == 0:
                progress(done)
        self.resolve_cells()
        for _code, fields in self.plan.new_commitments.items():
            parent = fields["parent"]
            if (
                parent
                and parent not in self.state.commitments
                and parent not in self.plan.new_commitments
            ):
                self.plan.problems.append(
                    Problem(
                        fields["row"],
                        "parent",
                        _("Unknown commitment code: %(c)s") % {"c": parent[:60]},
                    )
                )
        self.plan.problems.sort(key=lambda p: (p.row, p.field))
        if progress is not None:
            progress(len(self.rows))
        return self.plan


def _blank_cell() -> dict[str, Any]:
    return {
        "draft_score": None,
        "reconciliation_note": "",
        "reply_status": ReplyStatus.NONE,
        "reply_text": "",
        "final_score": None,
        "final_note": "",
    }


def _final_message() -> str:
    return _("This cycle is final and cannot change; correct it with a new revision.")


def plan_import(
    *,
    actor: Any,
    strategy: Strategy,
    rows: Sequence[Mapping[str, str]],
    progress: Callable[[int], None] | None = None,
) -> Plan:
    """Check every row (see the module docstring); ``plan.problems`` empty means it may be
    applied. ``rows``: dicts of every column in :data:`COLUMNS` to text, as
    :func:`middleground.accountability.interop.parse_csv` / ``parse_json`` give them."""
    return _Planner(strategy, rows, actor).run(progress)


def _apply(plan: Plan) -> None:
    strategy, actor = plan.strategy, plan.actor
    state = _State(strategy)
    # commitments
    position = (strategy.commitments.aggregate(m=Max("position"))["m"] or 0) + 1
    made: dict[str, Commitment] = {}
    for code, f in plan.new_commitments.items():
        made[code] = Commitment(
            strategy=strategy,
            code=code,
            text=f["text"],
            deadline=f["deadline"],
            status=f["status"],
            weight=f["weight"],
            focus_area=f["focus_area"],
            sdg_targets=f["sdg_targets"],
            indicators=f["indicators"],
            guideline=f["guideline"],
            position=position,
            created_by=actor,
        )
        position += 1
    Commitment.objects.bulk_create(made.values(), batch_size=2_000)
    commitments = {**state.commitments, **made}
    children = []
    for code, f in plan.new_commitments.items():
        if f["parent"]:
            made[code].parent = commitments[f["parent"]]
            children.append(made[code])
    Commitment.objects.bulk_update(children, ["parent"], batch_size=2_000)
    for code, changed in plan.changed_commitments.items():
        commitment = commitments[code]
        for name, value in changed.items():
            setattr(commitment, name, commitments.get(value) if name == "parent" else value)
        commitment.save(update_fields=list(changed))
    # members
    new_members = [
        CommitmentMember(commitment=commitments[code], **spec)
        for (code, _mkey), spec in plan.new_members.items()
    ]
    CommitmentMember.objects.bulk_create(new_members)
    members = dict(state.members)
    for member in new_members:
        members[(member.commitment.code, member.member_key())] = member
    # cycles
    cycles = dict(state.cycles)
    for key, changed in plan.changed_cycles.items():
        cycle = cycles[key]
        for name, value in changed.items():
            setattr(cycle, name, value)
        cycle.save(update_fields=list(changed))
    cells = dict(state.cells)
    replies: list[tuple[CellResult, dict[str, Any]]] = []
    created_cells: set[CellKey] = set()
    for key, f in plan.new_cycles.items():
        kind, _number, revision = key
        cycle = Cycle.objects.create(
            strategy=strategy,
            kind=kind,
            status=CycleStatus.DRAFT if f["status"] == CycleStatus.FINAL else f["status"],
            roll_up=f["roll_up"],
            simulated=f["simulated"],
            note=f["note"],
            reply_deadline=f["reply_deadline"],
            sent_at=timezone.now() if f["status"] != CycleStatus.DRAFT else None,
            opened_by=actor,
            revision=revision,
            revision_of=cycles[(kind, _number, revision - 1)] if revision else None,
        )
        cycles[key] = cycle
        fresh = []
        for (code, mkey), m in members.items():
            cell = CellResult(cycle=cycle, commitment_id=m.commitment_id, member=m)
            given = plan.cells.get((key, code, mkey))
            if given is not None:  # written as it is created, not updated after
                for name in CELL_FIELDS:
                    setattr(cell, name, given[name])
                cell.reconciled_by = actor if given["status"] == CellStatus.RECONCILED else None
                if given["reply_status"] in (ReplyStatus.ACCEPTED, ReplyStatus.REPLIED):
                    replies.append((cell, given))
                created_cells.add((key, code, mkey))
            fresh.append(cell)
            cells[(key, code, mkey)] = cell
        CellResult.objects.bulk_create(fresh, batch_size=2_000)
    # assignments and assessments
    users = {
        u.username: u
        for u in User.objects.filter(username__in={who for (_k, who) in plan.assessments})
    }
    for (key, code), names in plan.new_assignments.items():
        taken = set(
            Assignment.objects.filter(cycle=cycles[key], commitment=commitments[code]).values_list(
                "slot", flat=True
            )
        )
        for name in names:
            slot = 1 if 1 not in taken else 2
            taken.add(slot)
            Assignment.objects.create(
                cycle=cycles[key], commitment=commitments[code], assessor=users[name], slot=slot
            )
    created, updated = [], []
    for (cell_key, who), f in plan.assessments.items():
        key, code, mkey = cell_key
        stored = state.assessments.get((cell_key, who))
        if stored is None:
            created.append(
                Assessment(
                    cycle=cycles[key],
                    commitment=commitments[code],
                    member=members[(code, mkey)],
                    assessor=users[who],
                    **f,
                )
            )
        else:
            for name, value in f.items():
                setattr(stored, name, value)
            updated.append(stored)
    Assessment.objects.bulk_create(created, batch_size=2_000)
    Assessment.objects.bulk_update(updated, ["score", "justification", "sources"], batch_size=2_000)
    # cells and replies
    changed_cells = []
    for cell_key, f in plan.cells.items():
        if cell_key in created_cells:
            continue
        cell = cells[cell_key]
        for name in CELL_FIELDS:
            setattr(cell, name, f[name])
        cell.reconciled_by = actor if f["status"] == CellStatus.RECONCILED else None
        changed_cells.append(cell)
        if f["reply_status"] in (ReplyStatus.ACCEPTED, ReplyStatus.REPLIED):
            replies.append((cell, f))
    CellResult.objects.bulk_update(changed_cells, [*CELL_FIELDS, "reconciled_by"], batch_size=2_000)
    # replies are imported only into new cycles (a stored cycle's replies never change)
    now = timezone.now()
    Reply.objects.bulk_create(
        [
            Reply(
                cell=cell,
                accepts=f["reply_status"] == ReplyStatus.ACCEPTED,
                text=f["reply_text"],
                institution_id=cell.member.institution_id,
                at=now,
            )
            for cell, f in replies
        ],
        batch_size=2_000,
    )
    for key, f in plan.new_cycles.items():
        if f["status"] == CycleStatus.FINAL:
            _freeze(cycles[key])
    # self-reports
    reports = [
        SelfReport(
            commitment=commitments[r["commitment"]],
            member=members[(r["commitment"], r["member"])],
            status=r["status"],
            text=r["text"],
            evidence=r["evidence"],
            institution_id=members[(r["commitment"], r["member"])].institution_id,
        )
        for r in plan.new_reports
    ]
    SelfReport.objects.bulk_create(reports, batch_size=2_000)
    for report, r in zip(reports, plan.new_reports, strict=True):
        report.at = r["at"]
    SelfReport.objects.bulk_update(reports, ["at"], batch_size=2_000)
    record_audit(actor=actor, action="accountability.import", target=strategy, counts=plan.counts)


@transaction.atomic
def import_rows(
    *,
    actor: Any,
    strategy: Strategy,
    rows: Sequence[Mapping[str, str]],
    progress: Callable[[int], None] | None = None,
) -> Plan:
    """Check and store ``rows`` in one transaction (the strategy locked); any problem raises
    :class:`ImportRejected` with the full report and nothing is stored."""
    Strategy.objects.select_for_update().filter(pk=strategy.pk).first()
    plan = plan_import(actor=actor, strategy=strategy, rows=rows, progress=progress)
    if plan.problems:
        raise ImportRejected(plan.problems)
    if plan.changes:
        _apply(plan)
    return plan


def run_import_job(*, job_id: int) -> ImportJob | None:
    """The work of ``import_compliance_task``: check the job's rows (progress saved every
    :data:`PROGRESS_EVERY` rows), then store them in one transaction, or record the report.
    Idempotent: a job that is no longer waiting or running is left alone."""
    job = ImportJob.objects.select_related("strategy", "created_by").filter(pk=job_id).first()
    if job is None or job.status not in (ImportStatus.PENDING, ImportStatus.RUNNING):
        return job
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.RUNNING, rows_done=0)
    actor = job.created_by
    rows = job.data

    def progress(done: int) -> None:
        # seen by others only outside the import's transaction: the first, checking pass
        ImportJob.objects.filter(pk=job.pk).update(rows_done=done)

    plan = plan_import(actor=actor, strategy=job.strategy, rows=rows, progress=progress)
    status, errors, summary = ImportStatus.DONE, [], {}
    if plan.problems:
        status, errors = ImportStatus.REJECTED, [p.as_dict() for p in plan.problems[:MAX_REPORTED]]
    else:
        try:
            summary = import_rows(actor=actor, strategy=job.strategy, rows=rows).counts
        except ImportRejected as exc:
            status, errors = (
                ImportStatus.REJECTED,
                [p.as_dict() for p in exc.problems[:MAX_REPORTED]],
            )
        except Exception as exc:  # noqa: BLE001 - recorded on the job for the importer
            status = ImportStatus.FAILED
            errors = [{"row": 0, "field": "", "message": f"{type(exc).__name__}: {exc}"[:500]}]
    ImportJob.objects.filter(pk=job.pk).update(
        status=status,
        errors=errors,
        summary=summary,
        rows_done=len(rows),
        data=[],
        finished_at=timezone.now(),
    )
    job.refresh_from_db()
    return job
