"""The journal in Chromium against the real stack: Markdown rendered, a thread read as a
conversation, branches switched, and the settings page (see tests/test_ui.py for the setup)."""

import re

import pytest

from tests.test_ui import PASSWORD, browser, expect, page, sign_up, write_and_open

# The browser and its page are the fixtures of tests/test_ui.py, shared.
FIXTURES = (browser, page)

pytestmark = pytest.mark.usefixtures("jobs_ready")

MARKDOWN = """Today was **a good day** and _quiet_.

| meal | what |
| --- | --- |
| lunch | soup |

- [x] wrote
- [ ] slept

<b>raw html</b> and [the river](https://example.com/river)"""


def open_new_entry(page, text: str, shown: str) -> int:
    """Write a top-level entry whose list preview shows `shown`, open it; returns its id."""
    page.get_by_label("New entry").fill(text)
    page.get_by_role("button", name="Save entry").click()
    expect(page.get_by_label("New entry")).to_have_value("")
    page.locator(".entry-list a.preview", has_text=shown).click()
    expect(page).to_have_url(re.compile(r"/node/\d+$"))
    return int(page.url.rpartition("/")[2])


def reply_and_open(page, text: str) -> int:
    """Reply to the entry shown, then open the reply; returns its id."""
    page.get_by_label("Your reply").fill(text)
    page.get_by_role("button", name="Reply", exact=True).click()
    page.locator(".replies a.preview", has_text=text[:40]).click()
    expect(page.locator(".entry-content")).to_have_text(text)
    return int(page.url.rpartition("/")[2])


def api_post(page, path: str, body: dict) -> dict:
    """A request the page's own session makes (cookie and CSRF header), as another tab would."""
    token = page.request.get("/auth/csrf").json()["csrf_token"]
    answer = page.request.post(path, data=body, headers={"X-CSRF-Token": token})
    assert answer.ok, answer.text()
    return answer.json()


def test_markdown_is_rendered_and_raw_html_is_not(page):
    refused = []  # what the Content-Security-Policy blocked, as the browser reports it
    page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
    sign_up(page)
    open_new_entry(page, MARKDOWN, "Today was")
    content = page.locator(".entry-content")
    expect(content.locator("strong")).to_have_text("a good day")
    expect(content.locator("em")).to_have_text("quiet")
    expect(content.locator("table td")).to_have_text(["lunch", "soup"])
    expect(content.locator("input[type=checkbox]")).to_have_count(2)
    link = content.get_by_role("link", name="the river")
    expect(link).to_have_attribute("href", "https://example.com/river")
    expect(link).to_have_attribute("rel", "noopener noreferrer")
    expect(link).to_have_attribute("target", "_blank")
    # Raw HTML is left out, never turned into elements.
    expect(content.locator("b")).to_have_count(0)
    expect(content).not_to_contain_text("<b>")
    assert refused == []


def test_a_thread_reads_as_a_conversation_with_every_entry_above_in_full(page):
    sign_up(page)
    root = "The root of the conversation. " + "It goes on and on about the sea. " * 50
    second = "The second entry, longer than a preview: " + "every word of it stays on the page. " * 8
    root_id = open_new_entry(page, root, "The root of the conversation.")
    reply_and_open(page, second)
    third_id = reply_and_open(page, "The third entry, where I am.")

    thread = page.get_by_role("region", name="Thread")
    entries = thread.locator(".thread-entry")
    expect(entries).to_have_count(2)
    expect(entries.nth(1)).to_contain_text(second.strip())
    # The long root starts folded, whole on the page, and unfolds.
    expect(entries.nth(0)).to_contain_text(root.strip())
    expect(entries.nth(0).locator(".folded")).to_have_count(1)
    entries.nth(0).get_by_role("button", name="Show more").click()
    expect(entries.nth(0).locator(".folded")).to_have_count(0)

    # A deep link after a reload shows the same conversation.
    page.reload()
    expect(page.locator(".entry-content")).to_have_text("The third entry, where I am.")
    expect(page.get_by_role("region", name="Thread").locator(".thread-entry")).to_have_count(2)
    page.locator(".thread a").first.click()
    expect(page).to_have_url(re.compile(rf"/node/{root_id}$"))
    assert third_id != root_id


def test_a_deep_thread_shows_its_earlier_part_on_demand(page):
    sign_up(page)
    parent = write_and_open(page, "The very first entry of a long thread.")
    for n in range(1, 52):
        entry = {"content": f"Entry number {n} of the thread.", "parent_id": parent}
        parent = api_post(page, "/api/nodes/", entry)["id"]
    page.goto(f"/#/node/{parent}")
    expect(page.locator(".entry-content")).to_have_text("Entry number 51 of the thread.")
    thread = page.get_by_role("region", name="Thread")
    expect(thread.locator(".thread-entry").last).to_contain_text("Entry number 50 of the thread.")
    expect(thread).not_to_contain_text("The very first entry")
    thread.get_by_role("button", name=re.compile(r"^Show earlier")).click()
    expect(thread.locator(".thread-entry").first).to_contain_text("The very first entry of a long thread.")
    expect(thread.get_by_role("button", name=re.compile(r"^Show earlier"))).to_have_count(0)
    expect(thread.locator(".thread-entry")).to_have_count(51)


def test_branch_and_switch_between_branches(page):
    sign_up(page)
    root_id = write_and_open(page, "Where the thread forks.")
    first = "The first way it could go."
    second = "The second way it could go."
    first_id = reply_and_open(page, first)
    page.locator(".thread a").first.click()
    expect(page).to_have_url(re.compile(rf"/node/{root_id}$"))
    second_id = reply_and_open(page, second)

    branches = page.get_by_role("navigation", name="Branches of this entry")
    expect(branches).to_contain_text("Branch 2 of 2")
    expect(branches.get_by_role("button", name="Next branch")).to_be_disabled()
    branches.get_by_role("button", name="Previous branch").click()
    expect(page).to_have_url(re.compile(rf"/node/{first_id}$"))
    expect(page.locator(".entry-content")).to_have_text(first)
    expect(branches).to_contain_text("Branch 1 of 2")
    branches.get_by_role("button", name="Next branch").click()
    expect(page).to_have_url(re.compile(rf"/node/{second_id}$"))
    expect(page.locator(".entry-content")).to_have_text(second)


def test_the_journal_shows_one_card_per_thread_newest_activity_first(page):
    sign_up(page)
    older = "A thread that gets a reply later."
    newer = "A thread written second."
    journal = page.get_by_role("link", name="Journal", exact=True)
    write_and_open(page, older)
    journal.click()
    write_and_open(page, newer)
    journal.click()
    cards = page.locator(".entry-list a.thread-card")
    expect(cards).to_have_count(2)
    expect(cards.first).to_contain_text(newer)

    cards.filter(has_text=older).click()
    reply_and_open(page, "The reply that makes the older thread the newest.")
    journal.click()
    expect(cards).to_have_count(2)  # the reply joins its thread's card
    expect(cards.first).to_contain_text(older)
    expect(cards.first).to_contain_text("2 entries")
    expect(cards.nth(1)).to_contain_text(newer)
    expect(cards.nth(1)).to_contain_text("1 entry")


def bearer_status(page, token: str) -> int:
    """How the API answers a script that uses the token (no cookie)."""
    context = page.context.browser.new_context(base_url=page.url.split("#")[0])
    try:
        return context.request.get("/auth/me", headers={"Authorization": f"Bearer {token}"}).status
    finally:
        context.close()


def test_settings_create_a_token_shown_once_then_revoke_it(page):
    sign_up(page)
    page.get_by_role("link", name="Settings", exact=True).click()
    expect(page.get_by_role("heading", name="Settings")).to_be_visible()
    expect(page.get_by_text("You have no API tokens.")).to_be_visible()

    page.get_by_label("Token name").fill("nightly backup")
    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_role("button", name="Create token").click()
    secret = page.get_by_label("New token")
    expect(secret).not_to_be_empty()
    token = secret.inner_text().strip()
    tokens = page.get_by_role("list", name="Your API tokens")
    expect(tokens).to_contain_text("nightly backup")
    expect(page.get_by_label("Your password")).to_have_value("")
    assert bearer_status(page, token) == 200

    # The secret is shown once: a reload lists the token without it.
    page.reload()
    expect(tokens).to_contain_text("nightly backup")
    expect(page.get_by_label("New token")).to_have_count(0)

    page.get_by_role("button", name="Revoke nightly backup").click()
    dialog = page.get_by_role("alertdialog", name="Revoke this token?")
    dialog.get_by_role("button", name="Revoke token").click()
    expect(dialog).to_have_count(0)
    expect(tokens.locator(".tag", has_text="revoked")).to_be_visible()
    expect(page.get_by_role("button", name="Revoke nightly backup")).to_have_count(0)
    assert bearer_status(page, token) == 401


def test_settings_keep_the_defaults_chosen_and_new_entries_start_from_them(page):
    sign_up(page)
    page.goto("/#/settings")
    privacy = page.get_by_label("New threads are visible to")
    expect(privacy).to_have_value("")
    privacy.select_option("public")
    page.get_by_label("Keep my new entries away from AI").check()
    page.get_by_role("button", name="Save defaults").click()
    expect(page.get_by_role("status").filter(has_text="Saved.")).to_be_visible()
    # New entries start from them, in this page load as in the next.
    page.get_by_role("link", name="Journal", exact=True).click()
    expect(page.get_by_label("Visible to")).to_have_value("public")
    expect(page.get_by_label("Keep away from AI")).to_be_checked()
    page.reload()
    expect(page.get_by_label("Visible to")).to_have_value("public")
    write_and_open(page, "Written with my own defaults.")
    expect(page.locator(".entry .tag-public")).to_be_visible()
    expect(page.locator(".entry .tag-no-ai")).to_be_visible()
    page.goto("/#/settings")
    expect(page.get_by_label("New threads are visible to")).to_have_value("public")
    expect(page.get_by_label("Keep my new entries away from AI")).to_be_checked()


def test_log_out_everywhere_ends_this_session_and_the_others(page):
    name = sign_up(page)
    other = page.context.browser.new_context(base_url=page.url.split("#")[0])
    try:
        login = other.request.post("/auth/login", data={"username": name, "password": PASSWORD})
        assert login.ok, login.text()
        assert other.request.get("/auth/me").status == 200

        page.goto("/#/settings")
        page.get_by_role("button", name="Log out everywhere").click()
        dialog = page.get_by_role("alertdialog", name="Log out everywhere?")
        dialog.get_by_role("button", name="Log out everywhere").click()
        expect(page.get_by_role("button", name="Log in")).to_be_visible()
        assert other.request.get("/auth/me").status == 401
        page.reload()
        expect(page.get_by_role("button", name="Log in")).to_be_visible()
    finally:
        other.close()


@pytest.mark.parametrize(("scheme", "paper"), [("light", "rgb(250, 247, 242)"), ("dark", "rgb(26, 25, 23)")])
def test_the_theme_follows_the_system(browser, live_server, scheme, paper):
    context = browser.new_context(base_url=live_server.url, color_scheme=scheme)
    try:
        tab = context.new_page()
        tab.goto("/")
        expect(tab.get_by_role("button", name="Log in")).to_be_visible()
        assert tab.evaluate("() => getComputedStyle(document.body).backgroundColor") == paper
        assert tab.evaluate("() => getComputedStyle(document.documentElement).colorScheme") == scheme
    finally:
        context.close()


def test_delete_all_my_data_asks_for_the_word_then_leaves_an_empty_journal(page):
    sign_up(page)
    entry_id = write_and_open(page, "Words I will take back.")
    page.get_by_role("link", name="Settings", exact=True).click()
    panel = page.get_by_role("region", name="Delete all my data")
    expect(panel).to_contain_text("What stays: your account")
    delete = panel.get_by_role("button", name="Delete all my data")
    panel.get_by_label("Type DELETE to confirm").fill("delete")
    expect(delete).to_be_disabled()

    panel.get_by_label("Type DELETE to confirm").fill("DELETE")
    delete.click()
    expect(panel.get_by_role("status")).to_have_text("Deleted 1 entry, 0 jobs and 0 profiles.")
    status = page.evaluate("async (id) => (await fetch(`/api/nodes/${id}`)).status", entry_id)
    assert status == 404  # gone, not merely hidden: there is no "deleted" page for it

    page.get_by_role("link", name="Journal", exact=True).click()
    expect(page.get_by_text("Nothing here yet")).to_be_visible()


def test_settings_change_the_password_and_list_the_sessions(page):
    name = sign_up(page)
    page.get_by_role("link", name="Settings", exact=True).click()
    sessions = page.get_by_role("list", name="Your sessions")
    expect(sessions).to_contain_text("this browser")

    page.get_by_label("Current password").fill(PASSWORD)
    page.get_by_label("New password").fill("a brand new passphrase")
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_role("status")).to_contain_text("Password changed")
    expect(sessions).to_contain_text("this browser")  # this browser stays logged in

    page.get_by_role("button", name="Log out", exact=True).click()
    page.get_by_label("Username").fill(name)
    page.get_by_label("Password").fill("a brand new passphrase")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Your journal")).to_be_visible()
