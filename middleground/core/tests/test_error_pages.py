"""Error pages (issue 19, item 8): the site's layout and language, a way back, no debug page."""

import pytest
from django.test import RequestFactory
from django.utils import translation
from django.views.defaults import server_error


def _in_layout(page: str) -> None:
    assert 'class="site-header"' in page
    assert 'href="/"' in page or 'href="/">' in page  # the way back home


@pytest.mark.django_db
def test_a_missing_page_is_the_sites_own(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    page = response.content.decode()
    _in_layout(page)
    assert "Page not found" in page
    assert "Go to the home page" in page
    assert "/accounts/login/?next=/no-such-page/" in page  # a visitor may need to sign in


@pytest.mark.django_db
def test_the_missing_page_speaks_the_visitors_language(client):
    response = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="kk")
    assert response.status_code == 404
    assert '<html lang="kk">' in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/no-such-page/", "/network/institutions/no-such-institution/"])
def test_no_debug_page_for_a_plain_404_under_debug(client, settings, path):
    """./mg start runs with DEBUG=1: an unknown address and a view's Http404 both get the
    site's page, not Django's technical one."""
    settings.DEBUG = True
    response = client.get(path)
    assert response.status_code == 404
    page = response.content.decode()
    assert "Page not found" in page
    _in_layout(page)
    assert "DEBUG = True" not in page
    assert "URLconf" not in page


@pytest.mark.django_db
def test_the_missing_slash_still_redirects_under_debug(client, settings):
    settings.DEBUG = True
    response = client.get("/network/institutions")
    assert response.status_code == 301
    assert response["Location"] == "/network/institutions/"


@pytest.mark.django_db
def test_the_api_keeps_its_json_404_under_debug(client, settings, world):
    settings.DEBUG = True
    response = client.get("/api/v1/network/institutions/999999")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")


def test_forbidden_is_the_sites_page_with_a_way_back(world, as_persona):
    response = as_persona("bob").get("/accounts/audit/")
    assert response.status_code == 403
    page = response.content.decode()
    _in_layout(page)
    assert "You may not do this" in page
    assert "/me/" in page  # bob's own page


def test_a_server_error_page_needs_no_database_or_request_context():
    # no django_db mark: any query here raises
    request = RequestFactory().get("/anything/")
    with translation.override("ru"):
        response = server_error(request)  # what Django calls on an uncaught exception
    assert response.status_code == 500
    page = response.content.decode()
    assert '<html lang="ru">' in page
    _in_layout(page)
    with translation.override("ru"):  # in the active language, from the catalog
        assert translation.gettext("Something went wrong") in page
        assert translation.gettext("Go to the home page") in page
    assert "Something went wrong" not in page
