"""Rows of the authorisation matrix for accountability (see core/tests/authz.py).

``world_values(world)`` builds, on first use of a placeholder, the strategy and cycle it
needs (each cycle on a strategy of its own: a strategy has one cycle in progress at a time).
Keys are prefixed ``acc_``; others raise KeyError, so the ChainMap finds them elsewhere.
"""

import datetime as dt
from collections import ChainMap

from django.utils import timezone

from middleground.core.tests.authz import Row, by_persona, everyone

from . import authz_io

SECRETARIAT_WRITE = by_persona(anonymous=401, dave=403, bob=403, carol=403, alice=201)
DRAFT_SEEN = by_persona(anonymous=404, dave=404, bob=200, carol=404, alice=200)
REVIEW_SEEN = by_persona(anonymous=404, dave=404, bob=200, carol=200, alice=200)
DRAFT_MANAGE = by_persona(anonymous=404, dave=404, bob=403, carol=404, alice=200)


class _Values(dict):
    def __init__(self, world):
        super().__init__()
        self.world = world

    def __missing__(self, key):
        from middleground.accountability import services
        from middleground.accountability.models import CellResult

        from .factories import (
            draft_cycle,
            final_cycle,
            member,
            review_cycle,
            score_all,
            strategy_with_commitments,
        )

        w = self.world
        seoul = f"institution:{w.seoul.pk}"
        if key in ("acc_strategy_id", "acc_commitment_id", "acc_seoul_member_id"):
            strategy = strategy_with_commitments(w, title="Accountability authz")
            r1 = strategy.commitments.get(code="R1")
            self.update(
                acc_strategy_id=strategy.pk,
                acc_commitment_id=r1.pk,
                acc_seoul_member_id=member(r1, seoul).pk,
            )
        elif key in ("acc_draft_id", "acc_draft_r1_id", "acc_draft_seoul_id", "acc_alice_id"):
            cycle = draft_cycle(w, strategy_with_commitments(w, title="Draft authz"))
            score_all(w, cycle, {("R2", "partner:UN-Water"): 1})
            r1 = cycle.strategy.commitments.get(code="R1")
            self.update(
                acc_draft_id=cycle.pk,
                acc_draft_r1_id=r1.pk,
                acc_draft_seoul_id=member(r1, seoul).pk,
                acc_alice_id=w.users["alice"].pk,
            )
        elif key == "acc_disputed_cell_id":
            from middleground.accounts.models import Role, User

            cycle = draft_cycle(w, strategy_with_commitments(w, title="Disputed authz"))
            eve = User.objects.create_user(
                "eve-authz", "eve-authz@example.org", "pw-eve-authz-1", role=Role.EXPERT
            )
            r1 = cycle.strategy.commitments.get(code="R1")
            services.assign(
                actor=w.users["alice"], cycle=cycle, commitment=r1, assessor=eve, slot=2
            )
            score_all(w, cycle, {("R1", "partner:UN-Water"): 1})
            services.score(
                actor=eve,
                cycle=cycle,
                commitment=r1,
                member=member(r1, "partner:UN-Water"),
                score=-1,
                justification="Nothing published.",
            )
            self["acc_disputed_cell_id"] = CellResult.objects.get(
                cycle=cycle, commitment=r1, member__partner="UN-Water"
            ).pk
        elif key in ("acc_review_id", "acc_review_cell_id"):
            strategy = strategy_with_commitments(w, title="Review authz")
            cycle = review_cycle(w, strategy=strategy)
            self.update(
                acc_review_id=cycle.pk,
                acc_review_cell_id=CellResult.objects.get(
                    cycle=cycle, commitment__code="R1", member__institution=w.seoul
                ).pk,
            )
        elif key in ("acc_final_id", "acc_final_cell_id"):
            strategy = strategy_with_commitments(w, title="Final authz")
            cycle = final_cycle(w, strategy=strategy)
            self.update(
                acc_final_id=cycle.pk,
                acc_final_cell_id=CellResult.objects.get(
                    cycle=cycle, commitment__code="R1", member__partner="UN-Water"
                ).pk,
            )
        else:
            raise KeyError(key)
        return self[key]


class _PageValues(_Values):
    """The pages' placeholders (``acc_page_...``), built from the API rows' objects."""

    def __missing__(self, key):
        from middleground.accountability.models import CellResult, Cycle
        from middleground.strategies.models import Strategy

        if key == "acc_page_strategy_slug":
            self[key] = Strategy.objects.get(pk=self["acc_strategy_id"]).slug
        elif key == "acc_page_final_slug":
            self[key] = Cycle.objects.get(pk=self["acc_final_id"]).strategy.slug
        elif key == "acc_page_draft_cell_id":
            self[key] = CellResult.objects.get(
                cycle_id=self["acc_draft_id"],
                commitment_id=self["acc_draft_r1_id"],
                member_id=self["acc_draft_seoul_id"],
            ).pk
        elif key == "acc_page_seoul_id":
            self["acc_strategy_id"]  # binds seoul to a commitment
            self[key] = self.world.seoul.pk
        else:
            return super().__missing__(key)
        return self[key]


def world_values(world) -> ChainMap:
    """This app's values, then import/export's (``authz_io``)."""
    return ChainMap(_PageValues(world), authz_io.world_values(world))


def _deadline(w) -> dict:
    return {"reply_deadline": (timezone.now() + dt.timedelta(days=5)).isoformat()}


CYCLE = "/api/v1/compliance/cycles/{cycle_id}"

ROWS = [
    Row("GET", "/api/v1/commitments", everyone(200)),
    Row(
        "POST",
        "/api/v1/commitments",
        SECRETARIAT_WRITE,
        payload=lambda w: {
            "strategy": w["acc_strategy_id"],
            "text": "Report basin data yearly.",
            "members": [{"kind": "partner", "name": "UNECE"}],
        },
    ),
    Row(
        "POST",
        "/api/v1/commitments/{commitment_id}/self-reports",
        by_persona(anonymous=401, dave=403, bob=403, carol=201, alice=403),
        params={"commitment_id": "acc_commitment_id"},
        payload=lambda w: {"member": w["acc_seoul_member_id"], "status": "on_track"},
    ),
    Row("GET", "/api/v1/compliance/cycles", everyone(200)),
    Row(
        "POST",
        "/api/v1/compliance/cycles",
        SECRETARIAT_WRITE,
        payload=lambda w: {"strategy": w["acc_strategy_id"], "kind": "interim"},
    ),
    Row("GET", CYCLE, everyone(200), params={"cycle_id": "acc_final_id"}),
    Row("GET", CYCLE, REVIEW_SEEN, params={"cycle_id": "acc_review_id"}),
    Row("GET", CYCLE, DRAFT_SEEN, params={"cycle_id": "acc_draft_id"}),
    Row("GET", CYCLE + "/scores.csv", everyone(200), params={"cycle_id": "acc_final_id"}),
    Row("GET", CYCLE + "/scores.csv", DRAFT_SEEN, params={"cycle_id": "acc_draft_id"}),
    Row(
        "POST",
        CYCLE + "/assignments",
        by_persona(anonymous=404, dave=404, bob=403, carol=404, alice=201),
        params={"cycle_id": "acc_draft_id"},
        payload=lambda w: {
            "commitment": w["acc_draft_r1_id"],
            "assessor": w["acc_alice_id"],
            "slot": 2,
        },
    ),
    Row(
        "POST",
        CYCLE + "/scores",
        by_persona(anonymous=404, dave=404, bob=201, carol=404, alice=403),
        params={"cycle_id": "acc_draft_id"},
        payload=lambda w: {
            "commitment": w["acc_draft_r1_id"],
            "member": w["acc_draft_seoul_id"],
            "score": 1,
            "justification": "Monthly data seen.",
            "sources": ["https://example.org/data"],
        },
    ),
    Row(
        "POST",
        CYCLE + "/review",
        DRAFT_MANAGE,
        params={"cycle_id": "acc_draft_id"},
        payload=_deadline,
    ),
    Row(
        "POST",
        CYCLE + "/finalise",
        by_persona(anonymous=404, dave=404, bob=403, carol=403, alice=200),
        params={"cycle_id": "acc_review_id"},
        payload=lambda w: {"overrides": []},
    ),
    Row(
        "POST",
        CYCLE + "/corrections",
        SECRETARIAT_WRITE,
        params={"cycle_id": "acc_final_id"},
        payload=lambda w: {
            "changes": [{"cell": w["acc_final_cell_id"], "score": 0, "note": "Misread."}],
            "note": "Erratum",
        },
    ),
    Row(
        "POST",
        "/api/v1/compliance/cells/{cell_id}/reconcile",
        DRAFT_MANAGE,
        params={"cell_id": "acc_disputed_cell_id"},
        payload=lambda w: {"score": 0, "note": "Published late."},
    ),
    Row(
        "POST",
        "/api/v1/compliance/cells/{cell_id}/reply",
        by_persona(anonymous=404, dave=404, bob=403, carol=201, alice=403),
        params={"cell_id": "acc_review_cell_id"},
        payload=lambda w: {"accepts": False, "text": "We published in March."},
    ),
]


# --------------------------------------------------------------------------- pages

PAGE = "/accountability"
LOGIN_MANAGE = by_persona(anonymous=302, dave=403, bob=403, carol=403, alice=200)
POST_DRAFT_MANAGE = by_persona(anonymous=302, dave=404, bob=403, carol=404, alice=200)

ROWS += [
    Row("GET", PAGE + "/", everyone(200), name="accountability:index"),
    Row(
        "GET",
        PAGE + "/{slug}/",
        everyone(200),
        name="accountability:dashboard",
        params={"slug": "acc_page_final_slug"},
    ),
    Row(
        "GET",
        PAGE + "/members/institution/{id}/",
        everyone(200),
        name="accountability:member",
        params={"id": "acc_page_seoul_id"},
    ),
    Row(
        "GET",
        PAGE + "/cells/{pk}/",
        everyone(200),
        name="accountability:cell",
        params={"pk": "acc_final_cell_id"},
    ),
    Row(
        "GET",
        PAGE + "/cells/{pk}/",
        REVIEW_SEEN,
        name="accountability:cell",
        params={"pk": "acc_review_cell_id"},
    ),
    Row(
        "POST",
        PAGE + "/cells/{pk}/score/",
        by_persona(anonymous=302, dave=404, bob=200, carol=404, alice=403),
        name="accountability:cell_score",
        params={"pk": "acc_page_draft_cell_id"},
    ),
    Row(
        "POST",
        PAGE + "/cells/{pk}/reconcile/",
        POST_DRAFT_MANAGE,
        name="accountability:cell_reconcile",
        params={"pk": "acc_disputed_cell_id"},
    ),
    Row(
        "POST",
        PAGE + "/cells/{pk}/reply/",
        by_persona(anonymous=302, dave=404, bob=403, carol=200, alice=403),
        name="accountability:cell_reply",
        params={"pk": "acc_review_cell_id"},
    ),
    Row(
        "GET",
        PAGE + "/cycles/{pk}/",
        everyone(200),
        name="accountability:cycle",
        params={"pk": "acc_final_id"},
    ),
    Row(
        "GET",
        PAGE + "/cycles/{pk}/",
        DRAFT_SEEN,
        name="accountability:cycle",
        params={"pk": "acc_draft_id"},
    ),
    Row(
        "POST",
        PAGE + "/cycles/{pk}/assign/",
        POST_DRAFT_MANAGE,
        name="accountability:cycle_assign",
        params={"pk": "acc_draft_id"},
    ),
    Row(
        "POST",
        PAGE + "/cycles/{pk}/review/",
        POST_DRAFT_MANAGE,
        name="accountability:cycle_review",
        params={"pk": "acc_draft_id"},
    ),
    Row(
        "POST",
        PAGE + "/cycles/{pk}/finalise/",
        by_persona(anonymous=302, dave=404, bob=403, carol=403, alice=302),
        name="accountability:cycle_finalise",
        params={"pk": "acc_review_id"},
    ),
    Row(
        "POST",
        PAGE + "/cycles/{pk}/correct/",
        LOGIN_MANAGE,
        name="accountability:cycle_correct",
        params={"pk": "acc_final_id"},
    ),
    Row(
        "GET",
        PAGE + "/cycles/{pk}/report.pdf",
        everyone(200),
        name="accountability:report",
        params={"pk": "acc_final_id"},
    ),
    Row(
        "GET",
        PAGE + "/cycles/{pk}/report.pdf",
        DRAFT_SEEN,
        name="accountability:report",
        params={"pk": "acc_draft_id"},
    ),
    Row(
        "GET",
        PAGE + "/commitments/{pk}/members/{member}/report/",
        by_persona(anonymous=302, dave=403, bob=403, carol=200, alice=403),
        name="accountability:self_report",
        params={"pk": "acc_commitment_id", "member": "acc_seoul_member_id"},
    ),
    Row(
        "GET",
        PAGE + "/{slug}/commitments/",
        LOGIN_MANAGE,
        name="accountability:commitments",
        params={"slug": "acc_page_strategy_slug"},
    ),
    Row(
        "POST",
        PAGE + "/{slug}/commitments/from-recommendations/",
        by_persona(anonymous=302, dave=403, bob=403, carol=403, alice=302),
        name="accountability:commitments_from_strategy",
        params={"slug": "acc_page_strategy_slug"},
    ),
    Row(
        "POST",
        PAGE + "/{slug}/cycles/open/",
        LOGIN_MANAGE,
        name="accountability:cycle_open",
        params={"slug": "acc_page_strategy_slug"},
    ),
]


# --------------------------------------------------------------------------- import / export

ROWS += authz_io.ROWS
