"""Every API that creates translatable content takes and gives its ``language``."""

import pytest
from django.test import Client

from middleground.network.tests.test_api import post_json, token_for

CASES = [
    (
        "/api/v1/consultations",
        {"title": "Реформа (тест)", "question": "Как реформировать Совет?"},
    ),
    ("/api/v1/delphi/studies", {"title": "Водная безопасность", "question": "Что делать?"}),
    (
        "/api/v1/network/institutions",
        {"name": "Институт (тест)", "kind": "think_tank", "country": "kz"},
    ),
]


@pytest.mark.parametrize(("path", "payload"), CASES)
def test_content_is_created_read_and_changed_with_its_language(world, path, payload):
    client = Client()
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token_for(client, 'alice')}"}
    created = post_json(client, path, {**payload, "language": "ru"}, **auth)
    assert created.status_code == 201, created.content
    assert created.json()["language"] == "ru"
    url = f"{path}/{created.json()['id']}"
    assert client.get(url, **auth).json()["language"] == "ru"
    changed = post_json(client, url, {"language": "kk"}, method="PATCH", **auth)
    assert changed.status_code == 200, changed.content
    assert changed.json()["language"] == "kk"
    refused = post_json(client, url, {"language": "xx"}, method="PATCH", **auth)
    assert refused.status_code == 400 and refused.json()["field"] == "language"
    assert client.get(url, **auth).json()["language"] == "kk"


def test_a_task_force_takes_its_language_and_left_out_it_is_the_creators(world):
    client = Client()
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token_for(client, 'alice')}"}
    payload = {
        "name": "Рабочая группа (тест)",
        "focus_area": "water-security",
        "chair": world.astana.pk,
        "mandate": "Мандат",
    }
    created = post_json(
        client, "/api/v1/network/task-forces", {**payload, "language": "ru"}, **auth
    )
    assert created.status_code == 201, created.content
    assert created.json()["language"] == "ru"
    plain = post_json(
        client, "/api/v1/network/task-forces", {**payload, "name": "Second (test)"}, **auth
    )
    assert plain.json()["language"] == "en"  # alice's language
