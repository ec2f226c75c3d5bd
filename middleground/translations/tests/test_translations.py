"""User content in several languages: translations entered by people, shown marked as such."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import client_for
from middleground.accounts.models import AuditEvent
from middleground.consultations.models import Consultation
from middleground.core.errors import ServiceError
from middleground.translations import services
from middleground.translations.models import ContentTranslation
from middleground.translations.periodic import run
from middleground.translations.selectors import translations_for

RU_TITLE = "Реформа Совета Безопасности (тест)"
PAGE = "/translations/consultations.consultation/{pk}/"
API = "/api/v1/translations/consultations.consultation/{pk}"


def translate(world, obj, language="ru", **texts):
    return services.save_translations(
        actor=world.users["alice"], obj=obj, language=language, texts=texts
    )


def test_it_shows_a_russian_translation_in_russian_with_the_note_and_the_original(
    world, consultation
):
    translate(world, consultation, title=RU_TITLE)
    html = (
        client_for(world, "anonymous")
        .get(consultation.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="ru")
        .content.decode()
    )
    assert f'<h1 lang="ru">{RU_TITLE}</h1>' in html
    # the note, and the original one click away inside it, marked with its language
    note = html[html.index('<details class="translation-note') :]
    note = note[: note.index("</details>")]
    assert "<summary>" in note
    assert (
        '<div class="translation-original" lang="en">Security Council reform (test)</div>' in note
    )


def test_english_readers_see_the_original(world, consultation):
    translate(world, consultation, title=RU_TITLE)
    html = (
        client_for(world, "bob")
        .get(consultation.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en")
        .content.decode()
    )
    assert '<h1 lang="en">Security Council reform (test)</h1>' in html
    assert RU_TITLE not in html
    assert "translation-note" not in html


def test_an_untranslated_original_carries_its_language(world, make_consultation):
    consultation = make_consultation(title="Вода и безопасность", language="ru")
    html = (
        client_for(world, "anonymous")
        .get(consultation.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en")
        .content.decode()
    )
    assert '<h1 lang="ru">Вода и безопасность</h1>' in html
    assert "translation-note" not in html


def test_a_russian_original_translated_into_english_says_from_which_language(
    world, make_consultation
):
    consultation = make_consultation(title="Вода и безопасность", language="ru")
    translate(world, consultation, language="en", title="Water and security")
    html = (
        client_for(world, "anonymous")
        .get(consultation.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en")
        .content.decode()
    )
    assert '<h1 lang="en">Water and security</h1>' in html
    assert "Translated from Russian · Show original" in html
    assert '<div class="translation-original" lang="ru">Вода и безопасность</div>' in html


def test_the_vote_page_shows_translated_statements_and_question(world, consultation):
    statement = consultation.statements.get()
    translate(world, statement, text="Право вето следует ограничить.")
    translate(world, consultation, question="Как реформировать Совет Безопасности?")
    html = (
        client_for(world, "bob")
        .get(f"/consultations/{consultation.slug}/participate/", HTTP_ACCEPT_LANGUAGE="ru")
        .content.decode()
    )
    assert 'lang="ru">Право вето следует ограничить.</blockquote>' in html
    assert 'lang="en">The veto should be limited in cases of mass atrocities.</div>' in html
    assert '<p class="lead" lang="ru">Как реформировать Совет Безопасности?</p>' in html


def test_an_editor_enters_a_translation_on_the_page_side_by_side(world, consultation):
    client = client_for(world, "alice")
    url = PAGE.format(pk=consultation.pk)
    page = client.get(url + "?language=ru").content.decode()
    # the original on the left (with its language), the box for Russian on the right
    assert 'class="translation-original" lang="en"' in page
    assert 'name="title"' in page and 'lang="ru"' in page
    response = client.post(url, {"language": "ru", "title": f"  {RU_TITLE}\n", "question": ""})
    assert response.status_code == 302
    assert response["Location"] == url + "?language=ru"
    row = ContentTranslation.objects.get()
    assert (row.field, row.language, row.text) == ("title", "ru", RU_TITLE)
    assert row.translated_by == world.users["alice"]
    event = AuditEvent.objects.filter(action="translation.update").get()
    assert event.details["changes"]["title"] == {"before": "", "after": RU_TITLE}
    assert event.details["language"] == "ru"
    # an empty box removes the translation
    client.post(url, {"language": "ru", "title": "", "question": ""})
    assert not ContentTranslation.objects.exists()


def test_the_consultation_page_links_to_translations_for_its_managers_only(world, consultation):
    url = PAGE.format(pk=consultation.pk)
    assert url in client_for(world, "alice").get(consultation.get_absolute_url()).content.decode()
    assert url not in client_for(world, "bob").get(consultation.get_absolute_url()).content.decode()


@pytest.mark.parametrize("persona", ["dave", "bob", "carol"])
def test_people_without_permission_get_403_on_the_page_and_the_api(world, consultation, persona):
    client = client_for(world, persona)
    url = PAGE.format(pk=consultation.pk)
    assert client.get(url).status_code == 403
    assert client.post(url, {"language": "ru", "title": RU_TITLE}).status_code == 403
    body = json.dumps({"language": "ru", "fields": {"title": RU_TITLE}})
    response = client.put(API.format(pk=consultation.pk), body, content_type="application/json")
    assert response.status_code == 403
    assert not ContentTranslation.objects.exists()


def test_anonymous_is_sent_to_sign_in_and_refused_by_the_api(world, consultation):
    client = client_for(world, "anonymous")
    assert client.get(PAGE.format(pk=consultation.pk)).status_code == 302
    body = json.dumps({"language": "ru", "fields": {"title": RU_TITLE}})
    response = client.put(API.format(pk=consultation.pk), body, content_type="application/json")
    assert response.status_code == 401


def test_an_invisible_object_or_unknown_kind_is_not_found(world, make_consultation):
    hidden = make_consultation(visibility="invited")
    client = client_for(world, "dave")
    assert client.get(PAGE.format(pk=hidden.pk)).status_code == 404
    assert client.get(API.format(pk=hidden.pk)).status_code == 404
    assert client.get("/translations/accounts.user/1/").status_code == 404
    assert client_for(world, "alice").get(PAGE.format(pk=999999)).status_code == 404


def test_too_long_text_is_refused_with_the_field_named_and_nothing_stored(world, consultation):
    too_long = "я" * 201  # the title holds 200 characters
    client = client_for(world, "alice")
    response = client.post(
        PAGE.format(pk=consultation.pk),
        {"language": "ru", "title": too_long, "question": "Как реформировать Совет?"},
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == ["title"]
    assert "Title is too long: 201 characters, at most 200." in errors["title"][0]
    body = json.dumps({"language": "ru", "fields": {"question": "Вопрос", "title": too_long}})
    response = client.put(API.format(pk=consultation.pk), body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["field"] == "title"
    assert not ContentTranslation.objects.exists()  # the valid question was not kept either


def test_it_refuses_the_original_language_an_unknown_language_and_an_untranslatable_field(
    world, consultation
):
    for language, texts, field in [
        ("en", {"title": "Same language"}, "language"),
        ("de", {"title": "Reform des Sicherheitsrats"}, "language"),
        ("ru", {"slug": "reforma"}, "slug"),
    ]:
        with pytest.raises(ServiceError) as error:
            translate(world, consultation, language=language, **texts)
        assert error.value.field == field
    assert not ContentTranslation.objects.exists()


def test_a_one_line_field_keeps_no_line_breaks_and_control_characters_go(world, consultation):
    stored = translate(
        world, consultation, title="Реформа\r\n  Совета\x00", context="Строка 1\nСтрока 2"
    )
    assert stored == {"title": "Реформа Совета", "context": "Строка 1\nСтрока 2"}


def test_the_api_reads_and_writes_translations(world, consultation):
    client = client_for(world, "alice")
    body = json.dumps({"language": "ru", "fields": {"title": RU_TITLE}})
    response = client.put(API.format(pk=consultation.pk), body, content_type="application/json")
    assert response.status_code == 200
    answer = client_for(world, "anonymous").get(API.format(pk=consultation.pk)).json()
    assert answer == {
        "content_type": "consultations.consultation",
        "object_id": consultation.pk,
        "language": "en",
        "fields": ["title", "question", "context"],
        "translations": {"ru": {"title": RU_TITLE}},
    }


def test_the_list_page_fetches_translations_in_one_query(
    world, make_consultation, django_assert_max_num_queries
):
    def list_queries() -> int:
        client = client_for(world, "anonymous")
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/consultations/", HTTP_ACCEPT_LANGUAGE="ru").status_code == 200
        return len(queries)

    for n in range(2):
        translate(world, make_consultation(title=f"Consultation {n}"), title=f"Консультация {n}")
    with_two = list_queries()
    for n in range(2, 20):
        translate(world, make_consultation(title=f"Consultation {n}"), title=f"Консультация {n}")
    assert Consultation.objects.count() == 20
    client = client_for(world, "anonymous")
    with django_assert_max_num_queries(with_two):
        html = client.get("/consultations/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert all(f'lang="ru">Консультация {n}</a>' in html for n in range(20))


def test_translations_of_several_models_come_in_one_query(world, consultation):
    translate(world, consultation, title=RU_TITLE)
    services.save_translations(
        actor=world.users["carol"], obj=world.seoul, language="ru", texts={"description": "Центр"}
    )
    with CaptureQueriesContext(connection) as queries:
        found = translations_for([consultation, world.seoul, world.astana], "ru")
    assert len(queries) == 1
    assert sorted(map(dict, found.values()), key=str) == [
        {"description": "Центр"},
        {"title": RU_TITLE},
    ]


def test_the_translations_of_deleted_content_are_removed_periodically(world, make_consultation):
    kept, gone = make_consultation(title="Kept"), make_consultation(title="Gone")
    translate(world, kept, title="Оставлено")
    translate(world, gone, title="Удалено")
    gone.delete()
    assert run() == "translations of deleted content removed: 1"
    assert list(ContentTranslation.objects.values_list("text", flat=True)) == ["Оставлено"]
