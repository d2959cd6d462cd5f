"""Addresses, public reading, the keyboard and phone widths in Chromium against the real stack
(see tests/test_ui.py for the setup): clean URLs that survive a reload, old /#/ addresses
redirected, a writer's public page and a public entry read without an account, keyboard
shortcuts and focus, the theme switch, and the main pages at 390 px wide.

Set WOP_SCREENSHOTS=/some/folder to keep the phone-width screenshots (CI keeps them as artifacts)."""

import os
import re
from pathlib import Path

import pytest
import requests

from tests.test_ui import browser, expect, log_in, page, sign_up, write_and_open
from tests.test_ui_journal import api_post
from tests.test_ui_journal2 import AXE, axe_problems

# The browser and its page are the fixtures of tests/test_ui.py, shared.
FIXTURES = (browser, page)

pytestmark = pytest.mark.usefixtures("jobs_ready")

PHONE = {"width": 390, "height": 844}
TOUCH_MIN = 44


def test_the_server_answers_app_routes_with_the_app_and_unknown_api_paths_with_json(live_server):
    for path in ("/settings", "/node/123", "/@alice", "/feed", "/no/such/page"):
        answer = requests.get(live_server.url + path, headers={"Accept": "text/html"}, timeout=10)
        assert answer.status_code == 200, path
        assert '<div id="root">' in answer.text, path
    api = requests.get(live_server.url + "/api/no-such-thing", headers={"Accept": "text/html"}, timeout=10)
    assert api.status_code == 404
    assert api.json()["error"]
    asset = requests.get(live_server.url + "/assets/no-such-file.js", timeout=10)
    assert asset.status_code == 404
    assert '<div id="root">' not in asset.text
    # A client that asks for JSON only is not sent a page.
    as_json = requests.get(live_server.url + "/settings", headers={"Accept": "application/json"}, timeout=10)
    assert as_json.status_code == 404


def test_a_deep_link_survives_a_reload_and_old_hash_addresses_are_redirected(page):
    sign_up(page)
    node_id = write_and_open(page, "An entry with an address of its own.")
    assert "#" not in page.url
    page.reload()
    expect(page).to_have_url(re.compile(rf"/node/{node_id}$"))
    expect(page.locator(".entry-content")).to_have_text("An entry with an address of its own.")

    page.goto("/settings")
    expect(page.get_by_role("heading", name="Settings")).to_be_visible()
    page.go_back()
    expect(page).to_have_url(re.compile(rf"/node/{node_id}$"))
    expect(page.locator(".entry-content")).to_have_text("An entry with an address of its own.")

    page.goto(f"/#/node/{node_id}")  # a link made before addresses were clean
    expect(page).to_have_url(re.compile(rf"/node/{node_id}$"))
    expect(page.locator(".entry-content")).to_have_text("An entry with an address of its own.")

    # Links inside the app change the page without loading it again.
    page.evaluate("() => { window.__samePage = true; }")
    page.get_by_role("link", name="Settings").click()
    expect(page).to_have_url(re.compile(r"/settings$"))
    assert page.evaluate("() => window.__samePage") is True

    page.goto("/no/such/page")
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    page.get_by_role("link", name="Back to your journal").click()
    expect(page.get_by_role("heading", name="Your journal")).to_be_visible()


def test_a_visitor_reads_a_writers_public_page_and_public_entry_but_not_a_private_one(page, browser, live_server):
    writer = sign_up(page)
    public = api_post(page, "/api/nodes/", {"content": "Open to the world: the river at dawn.", "privacy": "public"})
    private = api_post(page, "/api/nodes/", {"content": "Only mine: a private worry.", "privacy": "private"})
    api_post(page, "/api/nodes/", {"content": "A public reply under it.", "parent_id": public["id"]})

    visitor = browser.new_context(base_url=live_server.url, viewport={"width": 1100, "height": 900})
    visitor.set_default_timeout(15_000)
    try:
        tab = visitor.new_page()
        tab.goto(f"/@{writer}")
        expect(tab.get_by_role("heading", name=writer)).to_be_visible()
        cards = tab.locator(".entry-list a.thread-card")
        expect(cards).to_have_count(1)
        expect(cards.first).to_contain_text("Open to the world")
        expect(tab.get_by_text("Only mine")).to_have_count(0)
        expect(tab.get_by_role("link", name="Sign up")).to_be_visible()
        expect(tab.get_by_role("button", name="Create account")).to_have_count(0)  # no sign-up wall

        cards.first.click()
        expect(tab).to_have_url(re.compile(rf"/node/{public['id']}$"))
        expect(tab.locator(".entry-content")).to_have_text("Open to the world: the river at dawn.")
        expect(tab.locator(".replies")).to_contain_text("A public reply under it.")
        expect(tab.get_by_label("Your reply")).to_have_count(0)
        expect(tab.get_by_role("link", name="Create an account")).to_be_visible()

        tab.goto(f"/node/{private['id']}")
        expect(tab.get_by_role("heading", name="Entry not found")).to_be_visible()
        expect(tab.get_by_text("Only mine")).to_have_count(0)

        tab.goto("/@no-such-writer-here")
        expect(tab.get_by_role("heading", name="Page not found")).to_be_visible()

        # Pages that are someone's own ask the visitor to sign up or log in.
        tab.goto("/settings")
        expect(tab.get_by_role("button", name=re.compile("Create account|Log in")).first).to_be_visible()
    finally:
        visitor.close()


def test_the_keyboard_saves_navigates_and_moves_focus(page):
    sign_up(page)
    page.get_by_label("New entry").fill("Saved with the keyboard, about apples.")
    page.get_by_label("New entry").press("Control+Enter")
    expect(page.locator(".entry-list a.thread-card", has_text="about apples")).to_be_visible()
    expect(page.get_by_label("New entry")).to_have_value("")
    page.get_by_label("New entry").fill("Another one, about pears.")
    page.get_by_label("New entry").press("Control+Enter")
    expect(page.locator(".entry-list a.thread-card", has_text="about pears")).to_be_visible()

    # The first Tab reaches the skip link, which leads past the header to the page's heading.
    page.reload()
    expect(page.get_by_role("heading", name="Your journal")).to_be_visible()
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    skip.press("Enter")
    expect(page.get_by_role("heading", name="Your journal")).to_be_focused()

    # Ctrl+K: quick navigation, filtered by typing, Enter opens, focus goes to the page's heading.
    page.keyboard.press("Control+k")
    dialog = page.get_by_role("dialog", name="Go to a thread")
    expect(dialog).to_be_visible()
    finder = dialog.get_by_role("combobox")
    expect(finder).to_be_focused()
    finder.fill("apples")
    expect(dialog.get_by_role("option")).to_have_count(1)
    finder.press("Enter")
    expect(dialog).to_have_count(0)
    expect(page).to_have_url(re.compile(r"/node/\d+$"))
    expect(page.locator(".entry-content")).to_have_text("Saved with the keyboard, about apples.")
    expect(page.locator("main h1")).to_be_focused()

    # Escape closes it; Ctrl+Enter saves an edit too.
    page.keyboard.press("Control+k")
    expect(dialog).to_be_visible()
    page.keyboard.press("Escape")
    expect(dialog).to_have_count(0)
    page.get_by_role("button", name="Edit").click()
    page.get_by_label("Entry text").fill("Edited with the keyboard.")
    page.get_by_label("Entry text").press("Control+Enter")
    expect(page.locator(".entry-content")).to_have_text("Edited with the keyboard.")

    # A focused control has a visible outline.
    page.get_by_role("link", name="Feed").focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")
    outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("none", ""), outline


def test_the_theme_can_be_chosen_and_is_kept_and_follows_the_writer_to_another_browser(page, browser, live_server):
    name = sign_up(page)
    page.get_by_role("link", name="Settings").click()
    page.get_by_role("radio", name="Dark").check()
    assert page.evaluate("() => getComputedStyle(document.body).backgroundColor") == "rgb(26, 25, 23)"
    page.reload()
    expect(page.get_by_role("radio", name="Dark")).to_be_checked()
    assert page.evaluate("() => getComputedStyle(document.body).backgroundColor") == "rgb(26, 25, 23)"
    page.get_by_role("radio", name="Light").check()
    assert page.evaluate("() => getComputedStyle(document.body).backgroundColor") == "rgb(250, 247, 242)"

    # Kept with the account too: another browser the writer logs in to takes it.
    with page.expect_response(lambda r: r.url.endswith("/api/me/preferences") and r.request.method == "PUT") as saved:
        page.get_by_role("radio", name="Dark").check()
    assert saved.value.ok
    other = browser.new_context(base_url=live_server.url)
    other.set_default_timeout(15_000)
    try:
        tab = other.new_page()
        tab.goto("/login")
        expect(tab.locator("html")).not_to_have_attribute("data-theme", "dark")
        log_in(tab, name)
        expect(tab.locator("html")).to_have_attribute("data-theme", "dark")
        # Kept in that browser as well, so its next page load is painted dark from the start.
        assert tab.evaluate("() => localStorage.getItem('wop:theme')") == "dark"
        tab.goto("/settings")
        expect(tab.get_by_role("radio", name="Dark")).to_be_checked()
    finally:
        other.close()


# Every control a finger presses, as shown: its size, and whether the page is wider than the screen.
MEASURE = """(min) => {
  const small = [];
  const controls = document.querySelectorAll(
    'button, select, input:not([type="checkbox"]):not([type="radio"]), .nav a, a.button-link, ' +
      'a.thread-card, a.preview, label:has(> input[type="checkbox"]), label:has(> input[type="radio"])'
  );
  for (const el of controls) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.height === 0 || getComputedStyle(el).visibility === "hidden") continue;
    if (box.height >= min && box.width >= min) continue;
    const name = (el.textContent || el.getAttribute("aria-label") || "").trim().slice(0, 30);
    small.push(`${el.tagName} "${name}" ${Math.round(box.width)}x${Math.round(box.height)}`);
  }
  const header = document.querySelector("header.nav");
  return {
    small,
    overflow: document.documentElement.scrollWidth - window.innerWidth,
    headerHeight: header ? header.getBoundingClientRect().height : 0,
  };
}"""


@pytest.fixture
def screenshots(tmp_path) -> Path:
    folder = Path(os.environ.get("WOP_SCREENSHOTS") or tmp_path / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def test_the_main_pages_fit_a_phone(browser, live_server, screenshots):
    # axe-core is added as an inline script, which the page's policy refuses: bypassed for this test.
    context = browser.new_context(
        base_url=live_server.url, viewport=PHONE, is_mobile=True, has_touch=True, bypass_csp=True
    )
    context.set_default_timeout(15_000)
    try:
        tab = context.new_page()
        writer = sign_up(tab)
        write = tab.get_by_role("button", name="Write")
        expect(write).to_be_visible()
        long_word = "unbroken" * 8
        node_id = write_and_open(tab, f"A phone-sized entry with a long {long_word}.")
        api_post(tab, "/api/nodes/", {"content": "A reply, read on a phone.", "parent_id": node_id})
        pages = {
            "journal": ("/", "Your journal"),
            "entry": (f"/node/{node_id}", None),
            "feed": ("/feed", "Feed"),
            "writer": (f"/@{writer}", writer),
            "settings": ("/settings", "Settings"),
            "profile": ("/profile", None),
            "not-found": ("/no/such/page", "Page not found"),
        }
        problems = []
        for name, (path, heading) in pages.items():
            tab.goto(path)
            if heading:
                expect(tab.get_by_role("heading", name=heading, exact=True).first).to_be_visible()
            else:
                expect(tab.locator("main h1")).to_be_attached()
            tab.wait_for_load_state("networkidle")
            tab.screenshot(path=str(screenshots / f"phone-{name}.png"), full_page=True)
            measured = tab.evaluate(MEASURE, TOUCH_MIN)
            if measured["overflow"] > 0:
                problems.append(f"{name}: {measured['overflow']} px wider than the screen")
            if not 0 < measured["headerHeight"] <= 60:
                problems.append(f"{name}: the header is {measured['headerHeight']} px high, more than one row")
            problems += [f"{name}: {small} is smaller than {TOUCH_MIN} px" for small in measured["small"]]
        print(f"phone screenshots in {screenshots}")
        assert not problems, "\n".join(problems)

        # The write button leads to the new-entry box from anywhere.
        tab.goto("/settings")
        tab.get_by_role("button", name="Write").click()
        expect(tab.get_by_label("New entry")).to_be_focused()
        box = tab.get_by_role("button", name="Write").bounding_box()
        assert box and box["height"] >= TOUCH_MIN

        check_the_phone_menu(tab, screenshots)
    finally:
        context.close()


MENU_LINKS = ("Journal", "Feed", "Profile & export", "Settings")


def check_the_phone_menu(tab, screenshots: Path) -> None:
    """The page links and the account fold under "Menu"; Write and the jobs menu stay in the row."""
    tab.goto("/")
    expect(tab.get_by_role("heading", name="Your journal")).to_be_visible()
    menu_button = tab.get_by_role("button", name="Menu")
    expect(menu_button).to_have_attribute("aria-expanded", "false")
    menu = tab.locator(f"#{menu_button.get_attribute('aria-controls')}")
    for name in MENU_LINKS:
        expect(menu.get_by_role("link", name=name, exact=True)).to_be_hidden()
    header = tab.locator("header.nav").bounding_box()
    for control in (menu_button, tab.get_by_role("button", name="Write"), tab.get_by_role("button", name="Jobs")):
        box = control.bounding_box()
        assert box and header and box["y"] >= header["y"] and box["y"] + box["height"] <= header["y"] + header["height"]

    menu_button.click()
    expect(menu_button).to_have_attribute("aria-expanded", "true")
    reachable = [menu.get_by_role("link", name=name, exact=True) for name in MENU_LINKS]
    reachable += [
        menu.get_by_role("link", name=re.compile("Your public page")),
        menu.get_by_role("button", name="Log out"),
    ]
    for control in reachable:
        expect(control).to_be_visible()
    tab.screenshot(path=str(screenshots / "phone-menu.png"))
    measured = tab.evaluate(MEASURE, TOUCH_MIN)
    assert measured["small"] == [], measured["small"]
    assert measured["overflow"] <= 0, f"{measured['overflow']} px wider than the screen with the menu open"
    assert 0 < measured["headerHeight"] <= 60, f"the header is {measured['headerHeight']} px high with the menu open"
    assert axe_problems(tab) == []

    # Every link is reached from the keyboard, in order, right after the button.
    menu_button.focus()
    for name in MENU_LINKS:
        tab.keyboard.press("Tab")
        expect(menu.get_by_role("link", name=name, exact=True)).to_be_focused()
    # Escape closes it and gives the focus back to its button.
    tab.keyboard.press("Escape")
    expect(menu_button).to_have_attribute("aria-expanded", "false")
    expect(menu_button).to_be_focused()
    expect(menu.get_by_role("link", name="Settings", exact=True)).to_be_hidden()

    # Choosing a link goes there and closes the menu.
    menu_button.click()
    menu.get_by_role("link", name="Settings", exact=True).click()
    expect(tab.get_by_role("heading", name="Settings", exact=True)).to_be_visible()
    expect(menu_button).to_have_attribute("aria-expanded", "false")
    expect(menu.get_by_role("link", name="Feed", exact=True)).to_be_hidden()


@pytest.mark.skipif(not AXE.is_file(), reason="axe-core is not installed (npm install in frontend/)")
def test_public_pages_quick_navigation_and_not_found_have_no_critical_or_serious_accessibility_problems(
    browser, live_server
):
    # The page's policy refuses inline scripts, which is how axe-core is added: for this test only.
    context = browser.new_context(base_url=live_server.url, bypass_csp=True)
    context.set_default_timeout(15_000)
    found = {}
    try:
        tab = context.new_page()
        writer = sign_up(tab)
        public = api_post(tab, "/api/nodes/", {"content": "A public entry to check.", "privacy": "public"})
        tab.goto(f"/@{writer}")
        expect(tab.locator(".entry-list a.thread-card")).to_have_count(1)
        found["own public page"] = axe_problems(tab)
        tab.keyboard.press("Control+k")
        expect(tab.get_by_role("option")).to_have_count(1)
        found["quick navigation"] = axe_problems(tab)
        tab.keyboard.press("Escape")
        tab.goto("/no/such/page")
        expect(tab.get_by_role("heading", name="Page not found")).to_be_visible()
        found["not found"] = axe_problems(tab)

        tab.get_by_role("button", name="Log out").click()
        tab.goto(f"/@{writer}")
        expect(tab.locator(".entry-list a.thread-card")).to_have_count(1)
        found["writer page, visitor"] = axe_problems(tab)
        tab.goto(f"/node/{public['id']}")
        expect(tab.locator(".entry-content")).to_have_text("A public entry to check.")
        found["public entry, visitor"] = axe_problems(tab)
    finally:
        context.close()
    assert found == {name: [] for name in found}, found
