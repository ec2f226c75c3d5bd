"""The translated fields on each app's main pages, and the content language of new records."""

from django.core.cache import cache

from conftest import client_for
from middleground.consultations import services as consultation_services
from middleground.consultations.models import Consultation, Participant, Vote
from middleground.delphi import services as delphi_services
from middleground.delphi.models import Study
from middleground.forum.tests.factories import event as make_event
from middleground.library import services as library_services
from middleground.network import services as network_services
from middleground.translations import services
from middleground.translations.languages import html_lang

NOTE_START = '<details class="translation-note'


def translate(actor, obj, language="ru", **texts):
    services.save_translations(actor=actor, obj=obj, language=language, texts=texts)


def russian_page(world, url, persona="anonymous") -> str:
    response = client_for(world, persona).get(url, HTTP_ACCEPT_LANGUAGE="ru")
    assert response.status_code == 200
    return response.content.decode()


def test_institution_and_task_force_pages_show_translated_descriptions(world):
    world.seoul.description = "A centre for policy research."
    world.seoul.save()
    carol, alice = world.users["carol"], world.users["alice"]
    translate(carol, world.seoul, description="Центр политических исследований.")
    translate(alice, world.task_force, name="Рабочая группа по воде", mandate="Обмен данными.")
    html = russian_page(world, world.seoul.get_absolute_url())
    assert '<p lang="ru">Центр политических исследований.</p>' in html
    assert 'lang="en">A centre for policy research.</div>' in html
    html = russian_page(world, world.task_force.get_absolute_url())
    assert '<h1 lang="ru">Рабочая группа по воде</h1>' in html
    assert '<p lang="ru">Обмен данными.</p>' in html
    assert html.count(NOTE_START) == 2
    # carol edits her institution: she is offered its translation page; bob is not
    link = f"/translations/network.institution/{world.seoul.pk}/"
    assert link in russian_page(world, world.seoul.get_absolute_url(), "carol")
    assert link not in russian_page(world, world.seoul.get_absolute_url(), "bob")


def test_delphi_study_page_and_answer_form_show_translated_title_and_items(world):
    alice = world.users["alice"]
    study = delphi_services.create_study(
        actor=alice, data={"title": "Water in 2040", "question": "Where will water stand?"}
    )
    item = delphi_services.add_item(
        actor=alice, study=study, kind="text", text="What should change first?"
    )
    Study.objects.filter(pk=study.pk).update(is_published=True)
    translate(alice, study, title="Вода в 2040 году")
    translate(alice, item, text="Что следует изменить в первую очередь?")
    html = russian_page(world, study.get_absolute_url(), "alice")
    assert '<h1 lang="ru">Вода в 2040 году</h1>' in html
    assert '<span lang="ru">Что следует изменить в первую очередь?</span>' in html
    assert 'lang="en">What should change first?</div>' in html
    assert f"/translations/delphi.item/{item.pk}/" in html
    assert f"/translations/delphi.study/{study.pk}/" in html


def test_forum_event_and_session_pages_show_translated_names_and_descriptions(world):
    alice = world.users["alice"]
    event = make_event(world, description="Two days in Astana.")
    session = event.sessions.first()
    translate(alice, event, name="Астанинский форум", description="Два дня в Астане.")
    translate(alice, session, title="Пленарное заседание")
    html = russian_page(world, event.get_absolute_url())
    assert '<h1 lang="ru">Астанинский форум</h1>' in html
    assert '<div lang="ru"><p>Два дня в Астане.</p></div>' in html
    assert 'lang="ru">Пленарное заседание</a>' in html
    html = russian_page(world, session.get_absolute_url())
    assert '<h1 lang="ru">Пленарное заседание</h1>' in html
    assert NOTE_START in html


def test_library_document_page_shows_a_translated_title(world):
    alice = world.users["alice"]
    (document,) = library_services.ingest_file(
        actor=alice, data=b"# Water brief\n\nRivers of Central Asia.\n", filename="brief.md"
    )
    translate(alice, document, title="Записка о воде")
    html = russian_page(world, document.get_absolute_url())
    assert '<h1 lang="ru">Записка о воде</h1>' in html
    # a language the ingestion could not tell ("und") is an empty lang attribute: unknown
    lang = html_lang(document.language)
    assert f'class="translation-original" lang="{lang}">Water brief</div>' in html


def test_new_content_is_in_its_creators_language_unless_the_form_says_otherwise(world):
    alice = world.users["alice"]
    alice.preferred_language = "kk"
    alice.save()
    study = delphi_services.create_study(actor=alice, data={"title": "Су", "question": "Қалай?"})
    assert study.language == "kk"
    task_force = network_services.save_task_force(
        actor=alice,
        data={
            "name": "Су тобы",
            "mandate": "Деректер",
            "focus_area": "water-security",
            "chair": world.astana.pk,
        },
    )
    assert task_force.language == "kk"
    client = client_for(world, "alice")
    form = client.get("/consultations/new/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert '<option value="ru" selected>' in form
    assert '<option value="other">' in form
    response = client.post(
        "/consultations/new/",
        {
            "title": "Water and peace",
            "question": "What unites us?",
            "language": "other",
            "visibility": "public",
            "anonymity": "named",
            "status": "draft",
            "moderation": "after",
            "declared_dimension": "regional_group",
        },
    )
    assert response.status_code == 302
    created = Consultation.objects.get(title="Water and peace")
    assert created.language == "other"
    html = client.get(created.get_absolute_url()).content.decode()
    assert '<h1 lang="">Water and peace</h1>' in html


def test_the_results_page_shows_translated_statements_with_the_original(world, make_consultation):
    cache.clear()
    consultation = make_consultation(statements=[f"Statement number {i}." for i in range(1, 5)])
    statements = list(consultation.statements.order_by("number"))
    for n in range(8):
        participant = Participant.objects.create(
            consultation=consultation, number=100 + n, simulated=True
        )
        for statement in statements:
            camp = 1 if n < 4 else -1
            value = 1 if statement.number == 1 else camp * (1 if statement.number % 2 else -1)
            Vote.objects.create(
                consultation=consultation,
                participant=participant,
                statement=statement,
                value=value,
                created_at=statement.created_at,
                updated_at=statement.created_at,
            )
    consultation_services.run_analysis(consultation_id=consultation.pk)
    translate(world.users["alice"], statements[0], text="Утверждение номер 1.")
    html = russian_page(world, f"/consultations/{consultation.slug}/results/")
    assert '<span lang="ru">Утверждение номер 1.</span>' in html
    assert 'lang="en">Statement number 1.</div>' in html
    assert "Statement number 2." in html  # untranslated statements as they are
