"""The settings page's e-mail address in Chromium against the real stack (see tests/test_ui.py for
the setup): changed, kept across a reload, and a bad address explained in plain words."""

import pytest

from tests.test_ui import browser, expect, page, sign_up

# The browser and its page are the fixtures of tests/test_ui.py, shared.
FIXTURES = (browser, page)

pytestmark = pytest.mark.usefixtures("jobs_ready")

BAD_EMAIL = "Enter an e-mail address like name@example.com"


def saved_email(page) -> str | None:
    """The address the server has for the page's account."""
    return page.evaluate("async () => (await (await fetch('/auth/me')).json()).user.email")


def test_settings_change_the_email_address_and_refuse_a_bad_one_in_plain_words(page):
    sign_up(page)
    page.get_by_role("link", name="Settings", exact=True).click()
    panel = page.get_by_role("region", name="E-mail")
    expect(panel).to_contain_text("You have no e-mail address here.")

    field = panel.get_by_label("E-mail address")
    field.fill("writer@example.com")
    panel.get_by_role("button", name="Save e-mail address").click()
    expect(panel.get_by_role("status")).to_have_text("E-mail address saved.")
    page.reload()
    expect(panel).to_contain_text("Your address is writer@example.com.")
    expect(field).to_have_value("writer@example.com")
    assert saved_email(page) == "writer@example.com"

    field.fill("writer at example dot com")
    panel.get_by_role("button", name="Save e-mail address").click()
    expect(panel.locator(".field-error")).to_have_text(BAD_EMAIL)
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(panel).not_to_contain_text("@-sign")  # the validator's own words stay out of sight
    expect(panel.get_by_role("status")).to_have_count(0)
    expect(panel).to_contain_text("Your address is writer@example.com.")
    assert saved_email(page) == "writer@example.com"

    # Leaving the page and coming back shows the address as it is now; removing it removes it.
    page.get_by_role("link", name="Journal", exact=True).click()
    page.get_by_role("link", name="Settings", exact=True).click()
    expect(field).to_have_value("writer@example.com")
    panel.get_by_role("button", name="Remove e-mail address").click()
    expect(panel.get_by_role("status")).to_have_text("E-mail address removed.")
    page.get_by_role("link", name="Journal", exact=True).click()
    page.get_by_role("link", name="Settings", exact=True).click()
    expect(panel).to_contain_text("You have no e-mail address here.")
    assert saved_email(page) is None
