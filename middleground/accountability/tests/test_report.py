"""The PDF compliance report: its text (extracted with pypdf) carries the figures."""

import io
import os
import re
from pathlib import Path

import pytest
from django.urls import reverse
from pypdf import PdfReader

from middleground.accountability import report, services
from middleground.accountability.models import CellResult

from .factories import final_cycle, review_cycle, strategy_with_commitments

pytestmark = pytest.mark.django_db


def _pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


def test_final_report_has_title_method_summaries_and_decisions(world, as_persona):
    cycle = review_cycle(world)
    cell = CellResult.objects.get(
        cycle=cycle, commitment__code="R2", member__institution=world.seoul
    )
    services.reply(actor=world.users["carol"], cell=cell, accepts=False, text="Published in March.")
    cycle = services.finalise(
        actor=world.users["alice"], cycle=cycle, overrides={cell.pk: (1, "Evidence accepted.")}
    )
    response = as_persona("anonymous").get(reverse("accountability:report", args=[cycle.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = _pdf_text(response.content)
    if os.environ.get("MG_SHOTS"):
        Path(os.environ["MG_SHOTS"], "report.pdf").write_bytes(response.content)
    assert cycle.strategy.title in text
    assert "Interim compliance report" in text
    assert cycle.sha256 in text.replace(" ", "")
    assert "(average + 1) / 2" in text
    # seoul: R1 +1, R2 +1 (overridden) -> +1.00, 100%; UN-Water -1, +1 -> +0.00, 50%
    assert "+1.00 100%" in text
    assert "+0.00 50%" in text
    assert "Published in March." in text and "Evidence accepted." in text
    assert "Evidence for R1" in text  # the assessors' justifications
    assert "SIMULATED" not in text


def test_draft_report_is_marked_and_simulated_label(world):
    cycle = final_cycle(world)
    cycle.simulated = True  # the label follows the flag (a final cycle's flag is not frozen)
    text = _pdf_text(report.cycle_report(world.users["dave"], cycle))
    assert "SIMULATED" in text
    review = review_cycle(world, strategy=strategy_with_commitments(world, title="Draft report"))
    draft_text = _pdf_text(report.cycle_report(world.users["alice"], review))
    assert "DRAFT" in draft_text and "fingerprint" not in draft_text
