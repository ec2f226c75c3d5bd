"""Translations are attached to the authentic text as such: copied from its published
version, translated by the lead, published beside it, never endorsed themselves."""

import datetime as dt

import pytest
from django.utils import timezone

from middleground.core.errors import ServiceError
from middleground.strategies import endorsements, services, versioning
from middleground.strategies.models import Strategy, StrategyStatus

from .factories import drafting_strategy, open_strategy

pytestmark = pytest.mark.django_db


def test_a_translation_copies_the_published_text_and_is_marked_as_such(world, as_persona):
    original = open_strategy(world)
    bob = world.users["bob"]
    translation = services.create_translation(
        actor=bob, strategy=original, language="ru", title="Стратегия данных о воде"
    )
    assert translation.translation_of == original and translation.language == "ru"
    source = versioning.paragraphs_of(original.latest_published().content)
    copied = versioning.paragraphs_of(translation.latest_version().content)
    assert [p["text"] for p in copied] == [p["text"] for p in source]
    assert all(p["evidence"] == [] for p in copied)  # the evidence stays with the authentic text
    page = as_persona("bob").get(original.get_absolute_url()).content.decode()
    assert translation.get_absolute_url() in page and "being translated" in page
    assert (
        "is not authentic" in as_persona("bob").get(translation.get_absolute_url()).content.decode()
    )
    # a drafting translation is not public
    assert as_persona("anonymous").get(translation.get_absolute_url()).status_code == 404

    paragraph = translation.paragraphs.order_by("pk").first()
    services.edit_paragraph(
        actor=bob, strategy=translation, paragraph=paragraph, text="Данные о воде разрознены."
    )
    services.publish_translation(actor=bob, translation=translation)
    translation.refresh_from_db()
    assert translation.status == original.status and versioning.verify(translation.latest_version())
    assert as_persona("anonymous").get(translation.get_absolute_url()).status_code == 200


@pytest.mark.parametrize(
    ("language", "field", "words"),
    [("en", "language", "already in this language"), ("x!", "language", "language code")],
)
def test_bad_translations_are_refused_and_nothing_is_stored(world, language, field, words):
    original = drafting_strategy(world)
    before = Strategy.objects.count()
    with pytest.raises(ServiceError) as err:
        services.create_translation(
            actor=world.users["bob"], strategy=original, language=language, title="T"
        )
    assert err.value.field == field and words in err.value.message
    assert Strategy.objects.count() == before


def test_only_the_lead_translates_and_a_translation_is_never_endorsed(world):
    original = drafting_strategy(world)
    with pytest.raises(ServiceError):
        services.create_translation(
            actor=world.users["carol"], strategy=original, language="ru", title="T"
        )
    translation = services.create_translation(
        actor=world.users["bob"], strategy=original, language="kk", title="Стратегия"
    )
    with pytest.raises(ServiceError) as err:
        services.create_translation(
            actor=world.users["bob"], strategy=original, language="kk", title="Again"
        )
    assert "already a translation" in err.value.message
    with pytest.raises(ServiceError) as err:
        services.publish_translation(actor=world.users["bob"], translation=translation)
    assert "authentic text first" in err.value.message
    with pytest.raises(ServiceError) as err:
        endorsements.open_call(
            actor=world.users["bob"],
            strategy=translation,
            deadline=timezone.now() + dt.timedelta(days=3),
        )
    assert "authentic text" in err.value.message
    translation.refresh_from_db()
    assert translation.status == StrategyStatus.DRAFTING
