"""Demo Delphi study: water security in Central Asia, two rounds of simulated answers.

The answers are generated (seeded), marked as simulated on the study and on every
pseudonym, and the results are public. Safe to run twice.
"""

import random
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from middleground.accounts.models import User
from middleground.network.models import Expert, FocusArea, TaskForce

from . import services
from .models import Answer, Item, ItemKind, Panellist, Round, Study, StudyStatus
from .scales import default_labels

SLUG = "water-security-in-central-asia-demo"
TITLE = "Water security in Central Asia (demo)"
QUESTION = (
    "How can the states of the Aral Sea basin (Kazakhstan, Kyrgyzstan, Tajikistan, "
    "Turkmenistan, Uzbekistan) and Afghanistan share the Amu Darya and Syr Darya fairly as "
    "glaciers retreat and demand grows? This demo study shows how a panel of the alliance's "
    "water experts converges over two rounds. All answers are simulated."
)
RULES = {
    "min_answers": 8,
    "percent_agreement": {"low": 7, "high": 9, "min_percent": 70},
    "percent_disagreement": None,
    "max_iqr": 2,
    "max_sd": None,
    "combine": "all",
}
LIKERT = [
    ("A binding basin-wide water-data sharing agreement is achievable by 2030.", 6.2),
    (
        "Central Asian states should create a joint early-warning system for floods and mudflows.",
        7.8,
    ),
    ("The Qosh Tepa canal must be negotiated within a basin agreement including Afghanistan.", 7.0),
    ("Water pricing for irrigation would reduce waste without hurting small farmers.", 4.5),
]
RANK_OPTIONS = [
    {"id": "data", "label": "Shared hydrological data"},
    {"id": "irrigation", "label": "Irrigation efficiency"},
    {"id": "energy", "label": "Water–energy swaps (reservoirs for power)"},
    {"id": "afghanistan", "label": "Bringing Afghanistan into basin governance"},
]
PANEL_SIZE = 14


def _simulated_panel(study: Study, size: int, rng: random.Random) -> list[Panellist]:
    """Pseudonymous simulated panellists whose declared groups come from demo experts."""
    experts = list(
        Expert.objects.filter(is_demo=True, institution__isnull=False)
        .select_related("institution__country")
        .prefetch_related("institution__country__blocs")
        .order_by("pk")[: size * 3]
    )
    rng.shuffle(experts)
    panel = []
    for k in range(size):
        groups = {}
        inst = experts[k % len(experts)].institution if experts else None
        if inst is not None:
            groups = {
                "regional_group": inst.country.regional_group or None,
                "blocs": sorted(b.code for b in inst.country.blocs.all()),
                "institution_type": inst.kind,
            }
        panel.append(
            Panellist.objects.create(
                study=study, pseudonym=f"SIM-{k + 1:02d}", groups=groups, is_simulated=True
            )
        )
    return panel


def _clip(x: float, lo: int, hi: int) -> int:
    return int(max(lo, min(hi, round(x))))


@transaction.atomic
def load_demo() -> dict:
    existing = Study.objects.filter(slug=SLUG).first()
    if existing is not None:
        return {"delphi_studies": Study.objects.filter(is_simulated=True).count()}
    alice = User.objects.filter(username="alice").first()
    if alice is None:
        return {"delphi_studies": 0}
    rng = random.Random(2026)  # noqa: S311 - simulated demo answers
    water = FocusArea.objects.filter(slug="water-security").first()
    study = Study.objects.create(
        title=TITLE,
        slug=SLUG,
        question=QUESTION,
        topics=["Hydrology", "Water law and diplomacy", "Agriculture"],
        focus_area=water,
        task_force=TaskForce.objects.filter(focus_area=water).first() if water else None,
        max_rounds=2,
        round_days=14,
        rules=RULES,
        is_simulated=True,
        created_by=alice,
    )
    items = []
    for i, (text, _centre) in enumerate(LIKERT, start=1):
        items.append(
            Item.objects.create(
                study=study,
                position=i,
                kind=ItemKind.LIKERT,
                text=text,
                config={"points": 9, "labels": default_labels(9)},
            )
        )
    numeric = Item.objects.create(
        study=study,
        position=len(items) + 1,
        kind=ItemKind.NUMERIC,
        text="By what year will the Amu Darya's summer flow fall 20% below its 1990s average?",
        config={
            "lower": 2030,
            "upper": 2100,
            "unit": "year",
            "bins": 7,
            "rules": {"min_answers": 8, "max_iqr": 10},
        },
    )
    ranking = Item.objects.create(
        study=study,
        position=len(items) + 2,
        kind=ItemKind.RANKING,
        text="Rank the priorities for the alliance's water task force.",
        config={"options": RANK_OPTIONS},
    )
    pair = Item.objects.create(
        study=study,
        position=len(items) + 3,
        kind=ItemKind.PAIR,
        text="A basin commission with a permanent secretariat in Almaty.",
        config={"points": 9, "labels": default_labels(9)},
    )
    panel = _simulated_panel(study, PANEL_SIZE, rng)
    now = timezone.now()
    services.launch_study(actor=alice, study=study, now=now - timedelta(days=40))
    r1 = study.rounds.get(number=1)
    first: dict[tuple[int, int], Any] = {}
    for p in panel:
        for item, (_text, centre) in zip(items, LIKERT, strict=True):
            v = _clip(rng.gauss(centre, 1.8), 1, 9)
            first[(p.pk, item.pk)] = v
            Answer.objects.create(
                panellist=p, item=item, round=r1, value=v, rationale=_reason(rng, v)
            )
        year = _clip(rng.gauss(2060, 12), 2030, 2100)
        first[(p.pk, numeric.pk)] = year
        Answer.objects.create(panellist=p, item=numeric, round=r1, value=float(year))
        order = [o["id"] for o in RANK_OPTIONS]
        rng.shuffle(order)
        if rng.random() < 0.6:  # most put data first
            order.remove("data")
            order.insert(0, "data")
        first[(p.pk, ranking.pk)] = order
        Answer.objects.create(panellist=p, item=ranking, round=r1, value=order)
        d, f = _clip(rng.gauss(7.5, 1.5), 1, 9), _clip(rng.gauss(4, 2), 1, 9)
        first[(p.pk, pair.pk)] = {"desirability": d, "feasibility": f}
        Answer.objects.create(
            panellist=p, item=pair, round=r1, value={"desirability": d, "feasibility": f}
        )
    services.close_round(actor=alice, round=r1, now=now - timedelta(days=26))
    study.refresh_from_db()
    r2 = services.open_next_round(actor=alice, study=study, now=now - timedelta(days=25))
    # Round two converges: each answer moves about halfway towards the round-one median.
    for item in [*items, numeric, ranking, pair]:
        item.refresh_from_db()
        if not item.asked_in(2):
            continue
        values = [first[(p.pk, item.pk)] for p in panel]
        for p in panel:
            old = first[(p.pk, item.pk)]
            if item.kind == ItemKind.LIKERT:
                med = sorted(values)[len(values) // 2]
                new = _clip(old + (med - old) * rng.uniform(0.4, 0.9), 1, 9)  # type: ignore[operator]
                value: object = new
                rationale = _reason(rng, new)
            elif item.kind == ItemKind.NUMERIC:
                med = sorted(values)[len(values) // 2]
                value = float(_clip(old + (med - old) * rng.uniform(0.5, 0.9), 2030, 2100))  # type: ignore[operator]
                rationale = ""
            elif item.kind == ItemKind.RANKING:
                order = list(old)  # type: ignore[call-overload]
                if order[0] != "data" and rng.random() < 0.7:
                    order.remove("data")
                    order.insert(0, "data")
                value, rationale = order, ""
            else:
                value = {
                    "desirability": _clip((old["desirability"] + 8) / 2, 1, 9),  # type: ignore[index]
                    "feasibility": _clip((old["feasibility"] + 4) / 2, 1, 9),  # type: ignore[index]
                }
                rationale = ""
            Answer.objects.create(
                panellist=p, item=item, round=r2, value=value, rationale=rationale
            )
    services.close_round(actor=alice, round=r2, now=now - timedelta(days=11))
    study.refresh_from_db()
    services.publish_results(actor=alice, study=study)
    assert study.status == StudyStatus.CLOSED
    _load_running_demo(alice, rng)
    return {"delphi_studies": Study.objects.filter(is_simulated=True).count()}


RUNNING_SLUG = "trusted-cross-border-data-flows-demo"


def _load_running_demo(alice: User, rng: random.Random) -> None:
    """A study in its second round with bob on the panel, to try the panellist's view."""
    bob = User.objects.filter(username="bob").first()
    if bob is None or Study.objects.filter(slug=RUNNING_SLUG).exists():
        return
    study = Study.objects.create(
        title="Trusted cross-border data flows (demo)",
        slug=RUNNING_SLUG,
        question=(
            "Which safeguards would let middle powers exchange data across borders while "
            "keeping public trust? Round one's answers are simulated; sign in as bob to "
            "answer round two."
        ),
        topics=["Data governance", "Cybersecurity"],
        focus_area=FocusArea.objects.filter(slug="digital-trust").first(),
        max_rounds=3,
        round_days=21,
        rules={"min_answers": 5, "percent_agreement": {"low": 6, "high": 7, "min_percent": 70}},
        is_simulated=True,
        # closed rounds are public as they close, so a strategy can cite round one's consensus
        is_published=True,
        created_by=alice,
    )
    likert = Item.objects.create(
        study=study,
        position=1,
        kind=ItemKind.LIKERT,
        text="A mutual-recognition scheme for data-protection regimes is achievable in five years.",
        config={"points": 7, "labels": default_labels(7)},
    )
    ranking = Item.objects.create(
        study=study,
        position=2,
        kind=ItemKind.RANKING,
        text="Rank the safeguards by importance.",
        config={
            "options": [
                {"id": "audit", "label": "Independent audits"},
                {"id": "redress", "label": "Cross-border redress for citizens"},
                {"id": "localisation", "label": "Local copies of critical data"},
            ]
        },
    )
    safeguards = Item.objects.create(
        study=study,
        position=3,
        kind=ItemKind.LIKERT,
        text="Any recognition scheme should start from a shared list of minimum safeguards.",
        config={"points": 7, "labels": default_labels(7)},
    )
    panel = _simulated_panel(study, 9, rng)
    me = services._seat(study, bob)
    services.launch_study(actor=alice, study=study, now=timezone.now() - timedelta(days=30))
    r1 = study.rounds.get(number=1)
    for p in [*panel, me]:
        v = _clip(rng.gauss(4.8, 1.4), 1, 7)
        reason = _reason(rng, v + 1, DATA_REASONS)
        if p == me:  # bob's reason is his alone: his page shows it apart from the others'
            reason = OWN_REASON
        Answer.objects.create(panellist=p, item=likert, round=r1, value=v, rationale=reason)
        order = ["audit", "redress", "localisation"]
        rng.shuffle(order)
        Answer.objects.create(panellist=p, item=ranking, round=r1, value=order)
    # near-agreement on the safeguards (9 of 10 rate them 6-7): consensus in round one, so the
    # item leaves the study and the digital-trust strategy can cite it (strategies.demo)
    for p, v in zip([*panel, me], [7, 6, 6, 7, 6, 5, 6, 7, 6, 6], strict=True):
        Answer.objects.create(panellist=p, item=safeguards, round=r1, value=v)
    services.close_round(actor=alice, round=r1, now=timezone.now() - timedelta(days=8))
    study.refresh_from_db()
    r2 = services.open_next_round(actor=alice, study=study, now=timezone.now() - timedelta(days=7))
    for p in panel[:6]:
        v = _clip(rng.gauss(5.5, 0.8), 1, 7)
        # simulated answers of the open round are shown at once, as one published batch
        Answer.objects.create(panellist=p, item=likert, round=r2, value=v, published_value=v)


REASONS_HIGH = [
    "Recent cooperation on the Syr Darya shows it can be done.",
    "Donors are ready to fund the monitoring network.",
    "The political cost of another drought year is too high to ignore.",
]
REASONS_LOW = [
    "Upstream and downstream interests still diverge sharply.",
    "Data are treated as a security matter in several capitals.",
    "Institutions lack staff to implement it.",
]


OWN_REASON = "Our regulator already recognises two neighbours' regimes; more could follow."
DATA_REASONS = (
    [
        "Several regional data-protection laws already follow the same model.",
        "Trade agreements now carry data chapters that could host such a scheme.",
    ],
    [
        "Surveillance laws differ too much for mutual recognition.",
        "Regulators have no shared body to certify each other's regimes.",
    ],
)


def _reason(
    rng: random.Random, value: int, reasons: tuple[list[str], list[str]] | None = None
) -> str:
    if rng.random() < 0.5:
        return ""
    high, low = reasons or (REASONS_HIGH, REASONS_LOW)
    return rng.choice(high if value >= 6 else low)


__all__ = ["load_demo", "Round"]
