import os
import re

import pytest
from django.core import mail

from middleground.accounts.models import User

pytestmark = pytest.mark.browser

#: set MG_SCREENSHOTS to a folder to keep screenshots of the pages
SHOTS = os.environ.get("MG_SCREENSHOTS", "")


def shoot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


@pytest.mark.django_db(transaction=True)
def test_it_signs_up_verifies_through_the_mail_and_reaches_the_application_form(
    world, browser_page
):
    page = browser_page
    page.goto("/network/institutions/")
    page.get_by_role("link", name="Apply for membership").click()
    page.get_by_role("link", name="Sign up").last.click()
    page.get_by_label("Username").fill("newcomer")
    page.get_by_label("Email").fill("newcomer@example.org")
    page.locator("#id_password1").fill("a-long-river-crossing-7")
    page.locator("#id_password2").fill("a-long-river-crossing-7")
    shoot(page, "signup")
    page.get_by_role("button", name="Sign up").click()
    page.get_by_role("heading", name="Check your e-mail").wait_for()
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", str(mail.outbox[-1].body))
    assert link
    page.goto(link.group(0))
    shoot(page, "verify")
    page.get_by_role("button", name="Verify my address").click()
    page.wait_for_url(re.compile(r"/network/apply/$"))
    assert User.objects.get(username="newcomer").email_verified
    assert page.get_by_role("link", name="newcomer").is_visible()
    assert not page.csp_errors


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
