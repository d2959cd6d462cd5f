"""The journal in Chromium against the real stack, continued: earlier versions of an entry,
drafts that follow the writer to another browser, the first screen a stranger sees (see
tests/test_ui.py for the setup)."""

from pathlib import Path

import pytest

from tests.test_ui import PASSWORD, ROOT, browser, expect, log_in, log_out, page, sign_up, write_and_open

# The browser and its page are the fixtures of tests/test_ui.py, shared.
FIXTURES = (browser, page)

pytestmark = pytest.mark.usefixtures("jobs_ready")


@pytest.fixture
def other_context(browser, live_server):
    """A second browser profile (its own cookies and storage), like another device."""
    contexts = []

    def make():
        context = browser.new_context(base_url=live_server.url, viewport={"width": 1100, "height": 900})
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def open_login(page) -> None:
    page.goto("/#/login")
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()


def edit_entry(page, text: str) -> None:
    page.get_by_role("button", name="Edit").click()
    page.get_by_label("Entry text").fill(text)
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".entry-content")).to_have_text(text)


def test_the_author_compares_an_earlier_version_word_by_word_and_restores_it(page):
    sign_up(page)
    node_id = write_and_open(page, "The river was cold this morning.")
    edit_entry(page, "The river was warm this evening.")

    page.get_by_role("button", name="Versions").click()
    versions = page.get_by_role("region", name="Earlier versions")
    expect(versions.locator(".text-diff")).to_have_text("The river was coldwarm this morningevening.")
    expect(versions.locator("del")).to_have_text(["cold", "morning"])
    expect(versions.locator("ins")).to_have_text(["warm", "evening"])

    versions.get_by_role("button", name="Restore this version").click()
    expect(page.locator(".entry-content")).to_have_text("The river was cold this morning.")
    expect(versions).to_have_count(0)
    # The text it replaced was kept: it is now an earlier version in its turn.
    page.reload()
    page.get_by_role("button", name="Versions").click()
    expect(page.get_by_role("region", name="Earlier versions").get_by_role("listitem")).to_have_count(2)
    assert page.url.endswith(f"/node/{node_id}")


def saved_draft(page, place: str, text: str) -> None:
    """Type `text` into the box and wait until the server has it as the draft at `place`."""
    with page.expect_response(lambda r: r.url.endswith(f"/api/drafts/{place}") and r.request.method == "PUT") as answer:
        box = page.get_by_label("Your reply") if place.startswith("reply:") else page.get_by_label("New entry")
        box.fill(text)
    assert answer.value.ok


def test_a_draft_follows_its_writer_to_another_browser_and_no_one_else(page, other_context):
    writer = sign_up(page)
    draft = "Half a thought about the garden, typed on the laptop."
    saved_draft(page, "new", draft)

    phone = other_context()
    open_login(phone)
    log_in(phone, writer)
    expect(phone.get_by_label("New entry")).to_have_value(draft)

    # Another account on that same browser finds nothing.
    phone.get_by_role("button", name="Log out").click()
    stranger = other_context()
    sign_up(stranger)
    expect(stranger.get_by_label("New entry")).to_have_value("")

    # Saving the entry ends the draft everywhere.
    page.get_by_role("button", name="Save entry").click()
    expect(page.get_by_label("New entry")).to_have_value("")
    later = other_context()
    open_login(later)
    log_in(later, writer)
    expect(later.locator(".entry-list a.preview", has_text="Half a thought")).to_be_visible()
    expect(later.get_by_label("New entry")).to_have_value("")


def test_a_reply_draft_follows_its_writer(page, other_context):
    writer = sign_up(page)
    node_id = write_and_open(page, "Something to answer later.")
    saved_draft(page, f"reply:{node_id}", "My answer, not finished.")

    phone = other_context()
    open_login(phone)
    log_in(phone, writer)
    phone.goto(f"/#/node/{node_id}")
    expect(phone.get_by_label("Your reply")).to_have_value("My answer, not finished.")


def test_a_stranger_lands_on_sign_up_sees_field_errors_next_to_fields_and_can_switch_to_log_in(page):
    page.goto("/")
    expect(page.get_by_role("region", name="What Write or Perish is")).to_be_visible()
    page.get_by_label("Username").fill("x")
    page.get_by_label("Password").fill("short")
    page.get_by_role("button", name="Create account").click()
    username = page.get_by_label("Username")
    expect(username).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#auth-username-error")).not_to_be_empty()
    expect(page.locator("#auth-password-error")).not_to_be_empty()
    expect(page.get_by_label("Password")).to_have_attribute("aria-describedby", "auth-password-error")
    expect(username).to_have_value("x")

    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    page.get_by_role("button", name="Create an account").click()
    name = sign_up(page)
    # Once someone has logged in here, the page opens at the login form.
    log_out(page)
    page.reload()
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    log_in(page, name)


def waiting_for_approval(app, user_id: int) -> None:
    """As if the account had signed up while the site required approval."""
    from wop.extensions import db
    from wop.models import User

    with app.app_context():
        db.session.get_one(User, user_id).approved = False
        db.session.commit()


def test_an_administrator_approves_deactivates_and_reactivates_accounts(page, app, make_user, other_context):
    admin = make_user(admin=True)
    newcomer = make_user()
    waiting_for_approval(app, newcomer.user["id"])

    page.goto("/#/login")
    log_in(page, admin.user["username"])
    page.get_by_role("link", name="Admin", exact=True).click()
    row = page.locator(f"tr[data-user='{newcomer.user['username']}']")
    state = row.locator("td").nth(3)
    expect(state).to_have_text("waiting for approval")
    row.get_by_role("button", name="Approve").click()
    expect(state).to_have_text("active")
    expect(row.get_by_role("button", name="Approve")).to_have_count(0)

    row.get_by_role("button", name="Deactivate").click()
    expect(state).to_have_text("deactivated")
    # The account can no longer log in.
    tab = other_context()
    tab.goto("/#/login")
    tab.get_by_label("Username").fill(newcomer.user["username"])
    tab.get_by_label("Password").fill(PASSWORD)
    tab.get_by_role("button", name="Log in").click()
    expect(tab.get_by_role("alert")).to_be_visible()

    row.get_by_role("button", name="Reactivate").click()
    expect(state).to_have_text("active")
    tab.get_by_role("button", name="Log in").click()
    expect(tab.get_by_role("heading", name="Your journal")).to_be_visible()

    # The workers and queues are shown; someone who is not an administrator has no Admin link.
    expect(page.get_by_role("region", name="Workers and queues")).to_contain_text("ready")
    expect(tab.get_by_role("link", name="Admin", exact=True)).to_have_count(0)


AXE = ROOT / "frontend" / "node_modules" / "axe-core" / "axe.min.js"
RUN_AXE = """async () => {
  const result = await axe.run(document, { resultTypes: ["violations"] });
  const problems = result.violations
    .filter((v) => v.impact === "critical" || v.impact === "serious")
    .map((v) => `${v.impact} ${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
  const others = result.violations.filter((v) => v.impact !== "critical" && v.impact !== "serious").map((v) => v.id);
  return { problems, passed: result.passes.length, others };
}"""


def axe_problems(page) -> list[str]:
    """The critical and serious accessibility violations axe-core finds on the page as shown."""
    page.add_script_tag(content=AXE.read_text())
    result = page.evaluate(RUN_AXE)
    assert result["passed"] > 0, "axe-core checked nothing"
    print(f"axe on {page.url}: {len(result['problems'])} critical/serious, minor or moderate: {result['others']}")
    return result["problems"]


@pytest.mark.skipif(not Path(AXE).is_file(), reason="axe-core is not installed (npm install in frontend/)")
def test_the_main_pages_have_no_critical_or_serious_accessibility_problems(browser, live_server, make_user):
    # The page's policy refuses inline scripts, which is how axe-core is added: for this test only.
    context = browser.new_context(base_url=live_server.url, bypass_csp=True)
    context.set_default_timeout(15_000)
    found = {}
    try:
        tab = context.new_page()
        tab.goto("/#/signup")
        expect(tab.get_by_role("button", name="Create account")).to_be_visible()
        found["sign-up"] = axe_problems(tab)

        sign_up(tab)
        write_and_open(tab, "An entry to check for accessibility.")
        found["entry page"] = axe_problems(tab)
        tab.goto("/#/")
        expect(tab.locator(".entry-list a.preview").first).to_be_visible()
        found["journal"] = axe_problems(tab)
        tab.goto("/#/feed")
        expect(tab.get_by_role("heading", name="Feed", exact=True)).to_be_visible()
        found["feed"] = axe_problems(tab)
        tab.goto("/#/settings")
        expect(tab.get_by_role("heading", name="Settings", exact=True)).to_be_visible()
        found["settings"] = axe_problems(tab)
        tab.goto("/#/profile")
        expect(tab.get_by_role("heading", name="Profile & export")).to_be_visible()
        found["profile"] = axe_problems(tab)

        log_out(tab)
        open_login(tab)
        log_in(tab, make_user(admin=True).user["username"])
        tab.goto("/#/admin")
        expect(tab.get_by_role("cell", name="llm", exact=True)).to_be_visible()
        found["admin"] = axe_problems(tab)
    finally:
        context.close()
    assert found == {name: [] for name in found}, found
