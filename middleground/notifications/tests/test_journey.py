"""The newcomer's journey the issue names, in the browser, with mail through a real SMTP server."""

import re

import pytest

from middleground.accounts.models import User
from middleground.network.models import MembershipApplication
from middleground.network.services import decide_application

pytestmark = pytest.mark.browser


@pytest.mark.django_db(transaction=True)
def test_a_newcomer_signs_up_verifies_by_mail_applies_and_finds_the_decision_in_the_bell(
    world, browser_page, smtp_server
):
    page = browser_page
    page.goto("/network/institutions/")
    page.get_by_role("link", name="Apply for membership").click()
    page.get_by_role("link", name="Sign up").last.click()
    page.get_by_label("Username").fill("newcomer")
    page.get_by_label("Email").fill("newcomer@example.org")
    page.locator("#id_password1").fill("a-long-river-crossing-7")
    page.locator("#id_password2").fill("a-long-river-crossing-7")
    page.get_by_role("button", name="Sign up").click()
    page.get_by_role("heading", name="Check your e-mail").wait_for()

    # the verification link comes from the mail the SMTP server received
    [message] = [m for m in smtp_server if "newcomer@example.org" in m["To"]]
    body = message.get_body(preferencelist=("plain",)).get_content()
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", body)
    assert link, body
    page.goto(link.group(0))
    page.get_by_role("button", name="Verify my address").click()
    page.wait_for_url(re.compile(r"/network/apply/$"))
    newcomer = User.objects.get(username="newcomer")
    assert newcomer.email_verified

    page.locator("#id_name").fill("Steppe Water Institute")
    page.locator("#id_country").select_option("KZ")
    page.locator("#id_motivation").fill("We study the Aral basin.")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    application = MembershipApplication.objects.get(submitted_by=newcomer)

    decide_application(actor=world.users["alice"], application=application, approve=True)
    page.goto("/")
    bell = page.locator("a.bell")
    assert "1" in bell.inner_text()
    bell.click()
    page.wait_for_url(re.compile(r"/notifications/$"))
    assert page.get_by_text("Steppe Water Institute").first.is_visible()
    assert not page.csp_errors
