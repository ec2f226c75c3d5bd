"""In a real browser: a translated title, the original one keyboard press away; the editor."""

import os
import re
from pathlib import Path

import pytest

from conftest import PASSWORD
from middleground.translations import services
from middleground.translations.models import ContentTranslation

pytestmark = pytest.mark.browser

RU_TITLE = "Реформа Совета Безопасности (тест)"


def shots_dir(tmp_path) -> Path:
    shots = Path(os.environ.get("MG_SHOTS_DIR", tmp_path))
    shots.mkdir(parents=True, exist_ok=True)
    return shots


def test_a_russian_reader_switches_to_the_original_by_keyboard(
    world, consultation, browser_page, live_server, tmp_path
):
    services.save_translations(
        actor=world.users["alice"], obj=consultation, language="ru", texts={"title": RU_TITLE}
    )
    page = browser_page
    page.context.add_cookies([{"name": "django_language", "value": "ru", "url": live_server.url}])
    page.goto(f"/consultations/{consultation.slug}/")
    assert page.get_by_role("heading", level=1).inner_text() == RU_TITLE
    original = page.locator(".translation-note .translation-original").first
    assert not original.is_visible()
    # Tab to the note's switch, as a keyboard user would, and open it with Enter.
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.tagName") == "SUMMARY":
            break
    else:
        pytest.fail("the 'Show original' switch cannot be reached with Tab")
    page.keyboard.press("Enter")
    assert original.is_visible()
    assert original.inner_text() == "Security Council reform (test)"
    assert original.get_attribute("lang") == "en"
    page.screenshot(path=str(shots_dir(tmp_path) / "consultation-ru-original-open.png"))
    assert page.csp_errors == []


def test_an_editor_enters_a_translation_side_by_side(world, consultation, browser_page, tmp_path):
    shots = shots_dir(tmp_path)
    page = browser_page
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/(me/)?$"))
    page.goto(f"/consultations/{consultation.slug}/")
    page.get_by_role("link", name="Translations").click()
    page.wait_for_url(re.compile(r"/translations/consultations\.consultation/\d+/"))
    page.get_by_role("link", name="Russian").click()
    page.get_by_label("Title in Russian").fill(RU_TITLE)
    page.screenshot(path=str(shots / "translation-editor-desktop.png"), full_page=True)
    page.get_by_role("button", name="Save the Russian translation").click()
    page.wait_for_url(re.compile(r"\?language=ru$"))
    assert page.get_by_role("status").inner_text().strip() == "The Russian translation is saved."
    assert ContentTranslation.objects.get().text == RU_TITLE
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(shots / "translation-editor-phone.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert page.csp_errors == []
