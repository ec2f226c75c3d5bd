"""Evidence: a recommendation's citations, with the cited figures frozen, and their drift.

Citing a consultation statement, a Delphi item that reached consensus or a library document
freezes a *snapshot*: the source's title and text, its link, the figures as they stood, the
analysis version they came from and the time they were taken. Its fingerprint is the
SHA-256 of the snapshot's canonical JSON (``versioning.canonical_json``), so anyone can
check that the figures shown are the ones frozen (:func:`verify_snapshot`). The citation is
part of the text: citing and removing a citation make a new version.

Only sources whose results anyone may read are cited (a published strategy shows the
figures to everyone): the eligibility rules ask those apps' own selectors and permissions
with an anonymous user. The frozen figures never change; :func:`annotate` puts the live
figures beside them and flags a citation whose live result has moved
(:func:`drift`: by more than :data:`TOLERANCE` on a figure, or a changed document text).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.db.models import Case, IntegerField, OuterRef, Q, Subquery, Value, When
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from middleground.accounts.services import record_audit
from middleground.consultations import permissions as consultation_permissions
from middleground.consultations import selectors as consultation_selectors
from middleground.consultations.models import (
    AnalysisResult,
    Consultation,
    Statement,
    StatementStatus,
)
from middleground.core.errors import ServiceError, check_length
from middleground.delphi import permissions as delphi_permissions
from middleground.delphi import selectors as delphi_selectors
from middleground.delphi import stats as delphi_stats
from middleground.delphi.models import Item, ItemKind, Round, Study
from middleground.library import permissions as library_permissions
from middleground.library.models import Document

from . import permissions, versioning
from .models import Evidence, EvidenceKind, Paragraph, Strategy

#: a figure "has moved" when it changed by more than this (shares are 0–1)
TOLERANCE = 0.005
#: decimals kept in a snapshot: enough to show, stable through JSON and PostgreSQL
DECIMALS = 4
NOTE_MAX = 500
#: how many sources the cite page lists at once
LIST_LIMIT = 30

# How each figure reads: "share" (0–1, shown as a percentage), "score" (a decimal),
# "value" (a scale value: median, IQR) or "count" (shown, never judged as drift).
FIGURES: dict[str, list[tuple[str, str, Any]]] = {
    EvidenceKind.STATEMENT: [
        ("agreement", "share", gettext_lazy("agreement")),
        ("disagreement", "share", gettext_lazy("disagreement")),
        ("group_informed_consensus", "score", gettext_lazy("group-informed consensus")),
        ("bridging", "score", gettext_lazy("bridging")),
        ("declared_lowest", "share", gettext_lazy("lowest declared-group agreement (lower bound)")),
        ("votes", "count", gettext_lazy("votes")),
    ],
    EvidenceKind.DELPHI_ITEM: [
        ("median", "value", gettext_lazy("median")),
        ("iqr", "value", gettext_lazy("IQR")),
        ("q1", "value", gettext_lazy("first quartile")),
        ("q3", "value", gettext_lazy("third quartile")),
        ("agreement", "share", gettext_lazy("share in the agreement band")),
        ("desirability_median", "value", gettext_lazy("desirability median")),
        ("desirability_iqr", "value", gettext_lazy("desirability IQR")),
        ("feasibility_median", "value", gettext_lazy("feasibility median")),
        ("feasibility_iqr", "value", gettext_lazy("feasibility IQR")),
        ("answers", "count", gettext_lazy("answers")),
    ],
    EvidenceKind.DOCUMENT: [],
}


def _num(x: Any) -> float | None:
    if x is None:
        return None
    try:
        value = float(x)
    except (TypeError, ValueError):
        return None
    if value != value or value in (float("inf"), float("-inf")):  # NaN, infinite
        return None
    return round(value, DECIMALS)


def _now() -> str:
    return timezone.now().isoformat()


# --- snapshots ---------------------------------------------------------------------------


def _statement_row(result: dict[str, Any] | None, number: int) -> dict[str, Any] | None:
    if not result:
        return None
    return next((s for s in result.get("statements", []) if s.get("id") == number), None)


def _statement_figures(result: dict[str, Any], number: int) -> dict[str, Any] | None:
    row = _statement_row(result, number)
    if row is None:
        return None
    total = (row.get("agrees") or 0) + (row.get("disagrees") or 0) + (row.get("passes") or 0)
    declared = result.get("declared_groups") or {}
    per_group = next(
        (d.get("per_group") or {} for d in declared.get("statements", []) if d.get("id") == number),
        {},
    )
    groups = [
        {
            "label": label,
            "agree_rate": _num(v.get("agree_rate")),
            "agree_lower": _num(v.get("agree_lower")),
        }
        for label, v in sorted(per_group.items())
        if label != "small_groups"
    ]
    lows = [g["agree_lower"] for g in groups if g["agree_lower"] is not None]
    return {
        "figures": {
            "agreement": _num(row["agrees"] / total) if total else None,
            "disagreement": _num(row["disagrees"] / total) if total else None,
            "group_informed_consensus": _num(row.get("group_informed_consensus")),
            "bridging": _num(row.get("bridging_intercept")),
            "declared_lowest": min(lows) if lows else None,
            "votes": total,
        },
        "declared_groups": groups,
        "declared_consensus": number in (declared.get("consensus") or {}).get("agree", []),
    }


def _latest_results(consultation_ids: Iterable[int]) -> dict[int, AnalysisResult]:
    """The latest stored analysis of each consultation, in one query."""
    ids = set(consultation_ids)
    if not ids:
        return {}
    top = (
        AnalysisResult.objects.filter(consultation_id=OuterRef("consultation_id"))
        .order_by("-version")
        .values("version")[:1]
    )
    rows = AnalysisResult.objects.filter(consultation_id__in=ids, version=Subquery(top))
    return {r.consultation_id: r for r in rows}


def snapshot_statement(
    statement: Statement, latest: AnalysisResult | None = None, *, taken: bool = True
) -> dict[str, Any]:
    """The statement's figures in its consultation's latest analysis, as a plain dict."""
    consultation = statement.consultation
    if latest is None:
        latest = consultation_selectors.latest_result(consultation)
    computed = _statement_figures(latest.result, statement.number) if latest else None
    data: dict[str, Any] = {
        "kind": EvidenceKind.STATEMENT.value,
        "source_id": statement.pk,
        "title": consultation.title,
        "text": statement.text,
        "link": reverse("consultations:results", args=[consultation.slug]),
        "consultation": {"id": consultation.pk, "slug": consultation.slug},
        "statement_number": statement.number,
        "figures": (computed or {}).get("figures", {}),
        "declared_groups": (computed or {}).get("declared_groups", []),
        "declared_consensus": bool((computed or {}).get("declared_consensus")),
        "analysis_version": latest.version if latest else None,
        "computed_at": latest.computed_at.isoformat() if latest else None,
    }
    if taken:
        data["taken_at"] = _now()
    return data


def _last_closed_round(item: Item, rounds: list[Round]) -> Round | None:
    closed = [r for r in rounds if r.closed_at is not None and item.asked_in(r.number)]
    return max(closed, key=lambda r: r.number) if closed else None


def _delphi_figures(stats: dict[str, Any]) -> dict[str, Any]:
    if "summary" in stats:
        s = stats["summary"]
        band = s.get("percent_in_band")
        return {
            "median": _num(s.get("median")),
            "iqr": _num(s.get("iqr")),
            "q1": _num(s.get("q1")),
            "q3": _num(s.get("q3")),
            "agreement": _num(band / 100) if band is not None else None,
            "answers": stats.get("n", 0),
        }
    if "desirability" in stats:
        d, f = stats["desirability"], stats["feasibility"]
        return {
            "desirability_median": _num(d.get("median")),
            "desirability_iqr": _num(d.get("iqr")),
            "feasibility_median": _num(f.get("median")),
            "feasibility_iqr": _num(f.get("iqr")),
            "answers": stats.get("n", 0),
        }
    return {"answers": stats.get("n", 0)}


def _delphi_rule(stats: dict[str, Any]) -> tuple[str, list[str], str]:
    """The rule text, the criteria met and the consensus status of one item's statistics."""
    consensus = stats.get("consensus") or {}
    if "desirability" in consensus:  # a pair item: both scales are judged
        parts = [consensus["desirability"], consensus["feasibility"]]
    else:
        parts = [consensus] if consensus else []
    rule = parts[0].get("rule", "") if parts else ""
    met = [c["description"] for p in parts for c in p.get("criteria", []) if c.get("passed")]
    status = (
        "consensus"
        if stats.get("consensus_reached")
        else (parts[0].get("status", "") if parts else "")
    )
    return rule, met, status


def _delphi_stats(item: Item, rounds: list[Round] | None = None):
    if rounds is None:
        rounds = list(item.study.rounds.all())
    round = _last_closed_round(item, rounds)
    return round, (delphi_stats.item_round(item, round) if round is not None else None)


def snapshot_delphi_item(item: Item, *, taken: bool = True, computed=None) -> dict[str, Any]:
    """The item's statistics in the last closed round it was asked in, as a plain dict."""
    study = item.study
    round, stats = computed if computed is not None else _delphi_stats(item)
    rule, met, status = _delphi_rule(stats or {})
    data: dict[str, Any] = {
        "kind": EvidenceKind.DELPHI_ITEM.value,
        "source_id": item.pk,
        "title": study.title,
        "text": item.text,
        "link": reverse("delphi:results", args=[study.slug]),
        "study": {"id": study.pk, "slug": study.slug},
        "item_kind": item.kind,
        "figures": _delphi_figures(stats) if stats else {},
        "consensus_reached": bool(stats and stats.get("consensus_reached")),
        "consensus_status": status,
        "rule": rule,
        "criteria_met": met,
        "round": round.number if round else None,
        "round_closed_at": round.closed_at.isoformat() if round and round.closed_at else None,
        "study_version": study.version,
        "analysis_version": f"round {round.number} · study v{study.version}" if round else None,
    }
    if taken:
        data["taken_at"] = _now()
    return data


def snapshot_document(document: Document, *, taken: bool = True) -> dict[str, Any]:
    """The document's identity and a fingerprint of its text, as a plain dict."""
    excerpt = " ".join((document.body or "").split()[:60])
    data: dict[str, Any] = {
        "kind": EvidenceKind.DOCUMENT.value,
        "source_id": document.pk,
        "title": document.title,
        "text": excerpt,
        "link": document.get_absolute_url(),
        "source": document.source,
        "published": document.published.isoformat() if document.published else None,
        "authors": list(document.authors or []),
        "figures": {},
        "content_hash": document.content_hash
        or versioning.fingerprint(f"{document.title}\n{document.body or ''}"),
        "added_at": document.created_at.isoformat() if document.created_at else None,
        "analysis_version": None,
    }
    data["analysis_version"] = data["content_hash"][:12]
    if taken:
        data["taken_at"] = _now()
    return data


# --- what may be cited ----------------------------------------------------------------


ANONYMOUS = AnonymousUser()


def _public_consultation(consultation: Consultation) -> bool:
    return consultation_permissions.can_view(ANONYMOUS, consultation)


def _public_study(study: Study) -> bool:
    return delphi_permissions.can_see_results(ANONYMOUS, study)


def _public_document(document: Document) -> bool:
    return library_permissions.can_read(ANONYMOUS, document)


def _source_id(value: Any) -> int:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        number = 0
    if number <= 0:
        raise ServiceError(_("Choose the source to cite."), field="source_id")
    return number


def eligible_statement(source_id: Any) -> Statement:
    pk = _source_id(source_id)
    statement = Statement.objects.select_related("consultation").filter(pk=pk).first()
    if statement is None:
        raise ServiceError(_("There is no consultation statement with this id."), field="source_id")
    if not _public_consultation(statement.consultation):
        raise ServiceError(
            _("Only statements of public consultations, whose results are public, can be cited."),
            field="source_id",
        )
    if statement.status != StatementStatus.ACCEPTED:
        raise ServiceError(_("Only accepted statements can be cited."), field="source_id")
    latest = consultation_selectors.latest_result(statement.consultation)
    row = _statement_row(latest.result if latest else None, statement.number)
    if row is None or row.get("moderated_out"):
        raise ServiceError(
            _("This statement is not in the consultation's latest analysis yet."),
            field="source_id",
        )
    return statement


def eligible_delphi_item(source_id: Any):
    """The item and its (round, statistics); refused unless its results are public and it
    reached consensus in the last closed round it was asked in."""
    pk = _source_id(source_id)
    item = Item.objects.select_related("study").filter(pk=pk).first()
    if item is None:
        raise ServiceError(_("There is no Delphi item with this id."), field="source_id")
    if not _public_study(item.study):
        raise ServiceError(
            _("Only items of Delphi studies whose results are published can be cited."),
            field="source_id",
        )
    round, stats = _delphi_stats(item)
    if round is None:
        raise ServiceError(
            _("This item has no closed round yet: its results are not final."), field="source_id"
        )
    if not (stats and stats.get("consensus_reached")):
        raise ServiceError(
            _("This item did not reach consensus in its last closed round (round %(n)s).")
            % {"n": round.number},
            field="source_id",
        )
    return item, (round, stats)


def eligible_document(source_id: Any) -> Document:
    pk = _source_id(source_id)
    document = Document.objects.filter(pk=pk).first()
    if document is None:
        raise ServiceError(_("There is no library document with this id."), field="source_id")
    if not _public_document(document):
        raise ServiceError(_("Only public library documents can be cited."), field="source_id")
    return document


def build_snapshot(kind: str, source_id: Any) -> dict[str, Any]:
    """The snapshot a citation of this source would freeze now (refused if not eligible)."""
    if kind == EvidenceKind.STATEMENT:
        return snapshot_statement(eligible_statement(source_id))
    if kind == EvidenceKind.DELPHI_ITEM:
        item, computed = eligible_delphi_item(source_id)
        return snapshot_delphi_item(item, computed=computed)
    if kind == EvidenceKind.DOCUMENT:
        return snapshot_document(eligible_document(source_id))
    raise ServiceError(_("Choose what kind of evidence to cite."), field="kind")


# --- live figures and drift --------------------------------------------------------------


def _live_statements(ids: set[int]) -> dict[int, dict[str, Any] | None]:
    statements = {
        s.pk: s for s in Statement.objects.select_related("consultation").filter(pk__in=ids)
    }
    public = {pk: s for pk, s in statements.items() if _public_consultation(s.consultation)}
    latest = _latest_results({s.consultation_id for s in public.values()})
    out: dict[int, dict[str, Any] | None] = dict.fromkeys(ids)
    for pk, s in public.items():
        result = latest.get(s.consultation_id)
        if result is not None and _statement_row(result.result, s.number) is not None:
            out[pk] = snapshot_statement(s, result, taken=False)
    return out


def _live_items(ids: set[int]) -> dict[int, dict[str, Any] | None]:
    items = list(Item.objects.select_related("study").filter(pk__in=ids))
    studies = {i.study_id for i in items}
    rounds: dict[int, list[Round]] = {}
    for r in Round.objects.filter(study_id__in=studies):
        rounds.setdefault(r.study_id, []).append(r)
    out: dict[int, dict[str, Any] | None] = dict.fromkeys(ids)
    for item in items:
        if _public_study(item.study):
            computed = _delphi_stats(item, rounds.get(item.study_id, []))
            if computed[0] is not None:
                out[item.pk] = snapshot_delphi_item(item, taken=False, computed=computed)
    return out


def _live_documents(ids: set[int]) -> dict[int, dict[str, Any] | None]:
    out: dict[int, dict[str, Any] | None] = dict.fromkeys(ids)
    for d in Document.objects.filter(pk__in=ids).defer("minhash", "search_text"):
        if _public_document(d):
            out[d.pk] = snapshot_document(d, taken=False)
    return out


LIVE = {
    EvidenceKind.STATEMENT: _live_statements,
    EvidenceKind.DELPHI_ITEM: _live_items,
    EvidenceKind.DOCUMENT: _live_documents,
}


def live_many(pairs: Iterable[tuple[str, int]]) -> dict[tuple[str, int], dict[str, Any] | None]:
    """Live snapshots (without ``taken_at``) of many sources, a few queries per kind. A source
    that is gone or no longer public has ``None``."""
    by_kind: dict[str, set[int]] = {}
    for kind, source_id in pairs:
        by_kind.setdefault(kind, set()).add(int(source_id))
    out: dict[tuple[str, int], dict[str, Any] | None] = {}
    for kind, ids in by_kind.items():
        fetch = LIVE.get(kind)  # type: ignore[call-overload]
        found = fetch(ids) if fetch else dict.fromkeys(ids)
        out.update({(kind, pk): value for pk, value in found.items()})
    return out


def live_figures(kind: str, source_id: int) -> dict[str, Any] | None:
    """The source's current snapshot (figures and analysis version), or None if the source
    is gone or no longer public."""
    return live_many([(kind, source_id)]).get((kind, int(source_id)))


def drift(frozen: dict[str, Any], live: dict[str, Any] | None) -> dict[str, Any]:
    """Per figure: frozen, live and change; ``moved`` when one changed by more than
    :data:`TOLERANCE` (counts are reported, not judged), when a figure appeared or
    disappeared, or when a document's text changed."""
    kind = frozen.get("kind", "")
    out: dict[str, Any] = {
        "available": live is not None,
        "frozen_version": frozen.get("analysis_version"),
        "live_version": live.get("analysis_version") if live else None,
        "version_changed": live is not None
        and live.get("analysis_version") != frozen.get("analysis_version"),
        "figures": [],
        "moved": False,
    }
    out["frozen_label"] = version_label(kind, out["frozen_version"])
    out["live_label"] = version_label(kind, out["live_version"])
    if live is None:
        return out
    old, new = frozen.get("figures") or {}, live.get("figures") or {}
    for key, style, label in FIGURES.get(kind, []):
        if key not in old and key not in new:
            continue
        a, b = old.get(key), new.get(key)
        change = round(b - a, DECIMALS) if a is not None and b is not None else None
        if style == "count":
            moved = False
        elif a is None or b is None:
            moved = (a is None) != (b is None)
        else:
            moved = abs(b - a) > TOLERANCE
        out["figures"].append(
            {
                "key": key,
                "label": str(label),
                "style": style,
                "frozen": a,
                "live": b,
                "change": change,
                "moved": moved,
                "frozen_text": format_figure(style, a),
                "live_text": format_figure(style, b),
                "change_text": format_change(style, change),
            }
        )
    moved = any(f["moved"] for f in out["figures"])
    if kind == EvidenceKind.DOCUMENT:
        moved = frozen.get("content_hash") != live.get("content_hash")
    out["moved"] = moved
    return out


# --- words -------------------------------------------------------------------------------


def format_figure(style: str, value: Any) -> str:
    if value is None:
        return "—"
    if style == "share":
        return "%s %%" % round(100 * value)  # noqa: UP031 - "78 %"
    if style == "count":
        return str(int(value))
    if style == "score":
        return f"{value:.2f}"
    return f"{value:g}"


def format_change(style: str, change: Any) -> str:
    if change is None:
        return ""
    if style == "share":
        points = round(100 * change, 1)
        return _("%(sign)s%(n)s points") % {"sign": "+" if points > 0 else "", "n": f"{points:g}"}
    if style == "count":
        return f"{int(change):+d}"
    return f"{change:+.2f}" if style == "score" else f"{change:+g}"


def describe(snapshot: dict[str, Any]) -> str:
    """The frozen figures in words: "78 % agree; group-informed consensus 0.61; …"."""
    f = snapshot.get("figures") or {}
    kind = snapshot.get("kind")
    parts: list[str] = []
    if kind == EvidenceKind.STATEMENT:
        if f.get("agreement") is not None:
            parts.append(_("%(pct)s agree") % {"pct": format_figure("share", f["agreement"])})
        if f.get("group_informed_consensus") is not None:
            parts.append(
                _("group-informed consensus %(v)s")
                % {"v": format_figure("score", f["group_informed_consensus"])}
            )
        if f.get("bridging") is not None:
            parts.append(_("bridging %(v)s") % {"v": format_figure("score", f["bridging"])})
        if f.get("declared_lowest") is not None:
            parts.append(
                _("lowest declared-group agreement %(pct)s (lower bound)")
                % {"pct": format_figure("share", f["declared_lowest"])}
            )
        parts.append(_("%(n)s votes") % {"n": f.get("votes", 0)})
    elif kind == EvidenceKind.DELPHI_ITEM:
        if f.get("median") is not None:
            parts.append(
                _("median %(m)s, IQR %(iqr)s")
                % {
                    "m": format_figure("value", f["median"]),
                    "iqr": format_figure("value", f.get("iqr")),
                }
            )
        if f.get("desirability_median") is not None:
            parts.append(
                _("desirability median %(d)s, feasibility median %(f)s")
                % {
                    "d": format_figure("value", f["desirability_median"]),
                    "f": format_figure("value", f.get("feasibility_median")),
                }
            )
        if f.get("agreement") is not None:
            parts.append(
                _("%(pct)s in the agreement band") % {"pct": format_figure("share", f["agreement"])}
            )
        parts.append(_("%(n)s answers") % {"n": f.get("answers", 0)})
        if snapshot.get("consensus_reached"):
            parts.append(_("consensus in round %(r)s") % {"r": snapshot.get("round")})
    elif kind == EvidenceKind.DOCUMENT:
        if snapshot.get("source"):
            parts.append(snapshot["source"])
        if snapshot.get("published"):
            parts.append(snapshot["published"])
    return "; ".join(parts)


def version_label(kind: str, version: Any) -> str:
    """An analysis version in words: "analysis v3", "round 2 · study v1", a text hash."""
    if version is None:
        return "—"
    if kind == EvidenceKind.STATEMENT:
        return _("analysis v%(v)s") % {"v": version}
    if kind == EvidenceKind.DOCUMENT:
        return _("text %(h)s") % {"h": version}
    return str(version)


def frozen_at(snapshot: dict[str, Any]) -> str:
    kind = snapshot.get("kind")
    if kind == EvidenceKind.STATEMENT and snapshot.get("analysis_version") is not None:
        return _("frozen at analysis v%(v)s") % {"v": snapshot["analysis_version"]}
    if kind == EvidenceKind.DELPHI_ITEM and snapshot.get("round") is not None:
        return _("frozen at round %(r)s of study v%(v)s") % {
            "r": snapshot["round"],
            "v": snapshot.get("study_version"),
        }
    if kind == EvidenceKind.DOCUMENT:
        return _("text fingerprint %(h)s") % {"h": snapshot.get("analysis_version")}
    return ""


def moved_text(d: dict[str, Any]) -> str:
    """ "agreement 78 % → 71 %; bridging 0.42 → 0.30", for the figures that moved."""
    parts = [
        f"{f['label']} {f['frozen_text']} → {f['live_text']}" for f in d["figures"] if f["moved"]
    ]
    if not parts and d.get("moved"):
        return _("the document's text has changed since it was cited")
    return "; ".join(parts)


# --- annotate and verify ------------------------------------------------------------------


def verify_snapshot(item: dict[str, Any]) -> bool:
    """True when ``item["sha256"]`` is the fingerprint of ``item["snapshot"]``."""
    snapshot = item.get("snapshot")
    if not isinstance(snapshot, dict) or not item.get("sha256"):
        return False
    return versioning.fingerprint(versioning.canonical_json(snapshot)) == item["sha256"]


def _detail_urls(hashes: set[str]) -> dict[str, str]:
    if not hashes:
        return {}
    rows = Evidence.objects.filter(sha256__in=hashes).values_list(
        "sha256", "pk", "paragraph__strategy__slug"
    )
    out: dict[str, str] = {}
    for sha, pk, slug in rows.order_by("pk"):
        out.setdefault(sha, reverse("strategies:evidence", args=[slug, pk]))
    return out


def annotate(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each cited item (a dict from a version's content) with its live figures and drift:
    adds ``live``, ``drift``, ``moved``, ``moved_text``, ``summary``, ``frozen_at``,
    ``verified``, ``url`` (the source) and ``detail_url`` (the citation's page, while it is
    in the working text). A few queries per kind, whatever the number of items."""
    items = [dict(i) for i in items or []]
    pairs = [(i.get("kind", ""), int(i.get("source_id") or 0)) for i in items]
    live = live_many(pairs)
    urls = _detail_urls({i.get("sha256", "") for i in items if i.get("sha256")})
    for item, key in zip(items, pairs, strict=True):
        snapshot = item.get("snapshot") or {}
        current = live.get(key)
        d = drift(snapshot, current)
        item.update(
            live=current,
            drift=d,
            moved=d["moved"],
            moved_text=moved_text(d) if d["moved"] else "",
            summary=describe(snapshot),
            frozen_at=frozen_at(snapshot),
            verified=verify_snapshot(item),
            url=snapshot.get("link", ""),
            detail_url=urls.get(item.get("sha256", ""), ""),
            kind_label=str(EvidenceKind(item["kind"]).label)
            if item.get("kind") in EvidenceKind.values
            else item.get("kind", ""),
        )
    return items


def annotate_paragraphs(paragraphs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every paragraph's ``evidence`` annotated in one batch (a page of many paragraphs)."""
    flat = [e for p in paragraphs for e in p.get("evidence", [])]
    done = iter(annotate(flat))
    for p in paragraphs:
        p["evidence"] = [next(done) for _e in p.get("evidence", [])]
    return paragraphs


# --- reads for the pages ------------------------------------------------------------------


def get_paragraph(strategy: Strategy, key: Any) -> Paragraph:
    paragraph = strategy.paragraphs.filter(key=key, deleted=False).first()
    if paragraph is None:
        raise Http404
    return paragraph


def get_evidence(user: Any, strategy: Strategy, pk: int) -> Evidence:
    evidence = (
        Evidence.objects.select_related("paragraph", "cited_by")
        .filter(pk=pk, paragraph__strategy=strategy)
        .first()
    )
    if evidence is None:
        raise Http404
    return evidence


def _relevance(strategy: Strategy, *, focus: str, task_force: str) -> Case:
    """0 for the strategy's task force, 1 for its focus area, 2 for the rest."""
    return Case(
        When(Q(**{task_force: strategy.task_force_id}), then=Value(0)),
        When(Q(**{focus: strategy.focus_area_id}), then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )


def statement_consultations(strategy: Strategy) -> list[Any]:
    """Public consultations with an analysis, the strategy's task force and focus area first."""
    qs = consultation_selectors.consultations(ANONYMOUS).filter(analyses__isnull=False)
    qs = qs.annotate(relevance=_relevance(strategy, focus="focus_areas", task_force="task_force"))
    seen: set[int] = set()
    out: list[Any] = []
    for c in qs.order_by("relevance", "-created_at", "-pk")[: LIST_LIMIT * 3]:
        if c.pk not in seen:
            seen.add(c.pk)
            out.append(c)
    return out[:LIST_LIMIT]


def statement_candidates(consultation: Consultation) -> list[dict[str, Any]]:
    """The consultation's accepted statements in its latest analysis, with their figures."""
    if not _public_consultation(consultation):
        return []
    latest = consultation_selectors.latest_result(consultation)
    if latest is None:
        return []
    out = []
    for s in consultation_selectors.visible_statements(consultation).order_by("number"):
        row = _statement_row(latest.result, s.number)
        if row is None or row.get("moderated_out"):
            continue
        s.consultation = consultation
        snap = snapshot_statement(s, latest, taken=False)
        out.append(
            {
                "id": s.pk,
                "text": s.text,
                "number": s.number,
                "snapshot": snap,
                "summary": describe(snap),
                "frozen_at": frozen_at(snap),
            }
        )
    return out


def delphi_candidates(strategy: Strategy) -> list[dict[str, Any]]:
    """Published studies (task force and focus area first), each with its items that reached
    consensus in their last closed round."""
    qs = delphi_selectors.studies(ANONYMOUS).exclude(status="draft")
    qs = qs.annotate(relevance=_relevance(strategy, focus="focus_area", task_force="task_force"))
    out = []
    for study in qs.order_by("relevance", "-created_at", "-pk")[:LIST_LIMIT]:
        rounds = list(study.rounds.all())
        rows = []
        for item in study.items.all():
            if item.kind not in (ItemKind.LIKERT, ItemKind.NUMERIC, ItemKind.PAIR):
                continue
            item.study = study
            computed = _delphi_stats(item, rounds)
            if computed[1] and computed[1].get("consensus_reached"):
                snap = snapshot_delphi_item(item, taken=False, computed=computed)
                rows.append(
                    {
                        "id": item.pk,
                        "text": item.text,
                        "snapshot": snap,
                        "summary": describe(snap),
                        "frozen_at": frozen_at(snap),
                    }
                )
        if rows:
            out.append({"study": study, "items": rows})
    return out


def document_candidates(q: str = "") -> list[dict[str, Any]]:
    """Public originals (no duplicates), newest first, matching ``q`` in the title."""
    qs = library_permissions.visible_documents(ANONYMOUS).filter(duplicate_of__isnull=True)
    if q:
        qs = qs.filter(title__icontains=q)
    qs = qs.defer("minhash", "search_text", "body").order_by("-published", "-created_at", "-pk")
    return [
        {"id": d.pk, "title": d.title, "source": d.source, "published": d.published}
        for d in qs[:LIST_LIMIT]
    ]


# --- writes -------------------------------------------------------------------------------


@transaction.atomic
def cite(
    *,
    actor: Any,
    strategy: Strategy,
    paragraph: Paragraph,
    kind: str,
    source_id: Any,
    note: str = "",
) -> Evidence:
    """Cite a source on a recommendation, freezing its figures; makes a new version."""
    if not permissions.can_take_part(actor, strategy):
        raise ServiceError.forbidden()
    # lock the paragraph: two citations of one source at once cannot both pass the check
    locked = (
        Paragraph.objects.select_for_update().filter(pk=paragraph.pk, strategy=strategy).first()
    )
    if locked is None or locked.deleted:
        raise ServiceError(_("This paragraph is not part of the strategy."), field="paragraph")
    if not locked.is_recommendation:
        raise ServiceError(
            _("Evidence is cited on recommendations only, not on narrative paragraphs."),
            field="paragraph",
        )
    if kind not in EvidenceKind.values:
        raise ServiceError(_("Choose what kind of evidence to cite."), field="kind")
    note = check_length((note or "").strip(), NOTE_MAX, field="note")
    snapshot = build_snapshot(kind, source_id)
    if Evidence.objects.filter(
        paragraph=locked, kind=kind, source_id=snapshot["source_id"]
    ).exists():
        raise ServiceError(
            _("This source is already cited on this recommendation."), field="source_id"
        )
    evidence = Evidence.objects.create(
        paragraph=locked,
        kind=kind,
        source_id=snapshot["source_id"],
        snapshot=snapshot,
        sha256=versioning.fingerprint(versioning.canonical_json(snapshot)),
        note=note,
        cited_by=actor,
    )
    version = versioning.new_version(
        strategy,
        actor=actor,
        note=_("Evidence cited: %(title)s") % {"title": snapshot["title"][:200]},
    )
    record_audit(
        actor=actor,
        action="strategy.evidence.cite",
        target=strategy,
        paragraph=str(locked.key),
        kind=kind,
        source_id=snapshot["source_id"],
        sha256=evidence.sha256,
        version=version.number,
    )
    return evidence


def can_uncite(user: Any, strategy: Strategy, evidence: Evidence) -> bool:
    """The lead (or the secretariat) or the person who cited it, while the text is drafted."""
    if not permissions.can_take_part(user, strategy):
        return False
    return permissions.can_lead(user, strategy) or (
        evidence.cited_by_id is not None and evidence.cited_by_id == user.pk
    )


@transaction.atomic
def uncite(*, actor: Any, strategy: Strategy, evidence: Evidence) -> None:
    """Remove a citation from the working text; makes a new version (older ones keep it)."""
    if evidence.paragraph.strategy_id != strategy.pk:
        raise ServiceError(_("This citation is not part of the strategy."), field="evidence")
    if not can_uncite(actor, strategy, evidence):
        raise ServiceError.forbidden()
    title = (evidence.snapshot or {}).get("title", "")
    paragraph_key, kind, source_id, sha256 = (
        str(evidence.paragraph.key),
        evidence.kind,
        evidence.source_id,
        evidence.sha256,
    )
    evidence.delete()
    version = versioning.new_version(
        strategy, actor=actor, note=_("Citation removed: %(title)s") % {"title": title[:200]}
    )
    record_audit(
        actor=actor,
        action="strategy.evidence.uncite",
        target=strategy,
        version=version.number,
        paragraph=paragraph_key,
        kind=kind,
        source_id=source_id,
        sha256=sha256,
    )
