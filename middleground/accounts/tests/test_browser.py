import os

import pytest

pytestmark = pytest.mark.browser

# Sign-up and verification in the browser: notifications/tests/test_journey.py, through to
# the application and the decision in the bell.

#: set MG_SCREENSHOTS to a folder to keep screenshots of the pages
SHOTS = os.environ.get("MG_SCREENSHOTS", "")


def shoot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


@pytest.mark.django_db(transaction=True)
def test_it_sends_a_representative_to_the_totp_set_up_after_sign_in(world, browser_page, settings):
    from conftest import PASSWORD

    settings.MFA_REQUIRED_ROLES = ["secretariat", "representative"]
    page = browser_page
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("carol")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto("/network/institutions/")  # any page: the set-up comes first
    page.get_by_label("Password").fill(PASSWORD)  # allauth asks again before adding a factor
    page.get_by_role("button", name="Confirm").click()
    page.get_by_role("heading", name="Set up two-factor authentication").wait_for()
    shoot(page, "totp")
    assert page.get_by_role("img", name="QR code of the authenticator secret").is_visible()
    assert not page.csp_errors
