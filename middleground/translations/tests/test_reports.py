"""Reports and their PDFs show translated content too, and say that they do."""

import io

import pypdf

from conftest import client_for
from middleground.consultations.tests.test_results import voted  # noqa: F401 - fixture
from middleground.delphi.models import StudyStatus
from middleground.delphi.tests.factories import closed_one_item_study, make_panellist
from middleground.translations import services

RU_STUDY = "Водная безопасность (тест)"
RU_ITEM = "Бассейновые советы нужны"
RU_STATEMENT = "Утверждение номер один."


def pdf_text(body: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(body))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def closed_study(world):
    panel = [make_panellist(f"expert{i}", world.astana) for i in range(4)]
    study = closed_one_item_study(
        world.users["alice"],
        panel,
        [4, 4, 5, 5],
        text="Basin councils are needed",
        title="Water security (test)",
    )
    assert study.status == StudyStatus.CLOSED
    return study, study.items.get()


def test_delphi_results_report_and_pdf_read_in_the_readers_language(world):
    study, item = closed_study(world)
    alice = world.users["alice"]
    services.save_translations(actor=alice, obj=study, language="ru", texts={"title": RU_STUDY})
    services.save_translations(actor=alice, obj=item, language="ru", texts={"text": RU_ITEM})
    client = client_for(world, "alice")
    for page in ("results/", "report/"):
        ru = client.get(f"/delphi/{study.slug}/{page}", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
        assert (
            f'<span lang="ru">{RU_STUDY}</span>' in ru and f'<span lang="ru">{RU_ITEM}</span>' in ru
        )
        assert "Basin councils are needed" in ru  # the original, one click away in the note
        en = client.get(f"/delphi/{study.slug}/{page}", HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert RU_ITEM not in en and RU_STUDY not in en
    ru_pdf = pdf_text(
        client.get(f"/delphi/{study.slug}/report.pdf", HTTP_ACCEPT_LANGUAGE="ru").content
    )
    assert RU_STUDY in ru_pdf and RU_ITEM in ru_pdf
    assert "перевод" in ru_pdf.lower() or "translation from" in ru_pdf  # the notice
    en_pdf = pdf_text(
        client.get(f"/delphi/{study.slug}/report.pdf", HTTP_ACCEPT_LANGUAGE="en").content
    )
    assert "Basin councils are needed" in en_pdf and RU_ITEM not in en_pdf
    assert "translation from" not in en_pdf


def test_the_consultation_pdf_shows_translated_statements_with_the_notice(world, voted):  # noqa: F811
    statement = voted.statements.get(number=1)
    services.save_translations(
        actor=world.users["alice"], obj=statement, language="ru", texts={"text": RU_STATEMENT}
    )
    client = client_for(world, "alice")
    ru = pdf_text(
        client.get(f"/consultations/{voted.slug}/report.pdf", HTTP_ACCEPT_LANGUAGE="ru").content
    )
    assert RU_STATEMENT in ru and "Statement number 1." not in ru
    assert "Statement number 2." in ru  # untranslated statements stay as written
    en = pdf_text(
        client.get(f"/consultations/{voted.slug}/report.pdf", HTTP_ACCEPT_LANGUAGE="en").content
    )
    assert "Statement number 1." in en and RU_STATEMENT not in en
    assert "translation from" not in en
