"""Harness for the browser tests: one Debian Chromium per session driven by sync Playwright,
pytest-django's live_server, sign-in by session cookie, and an axe-core check.

Chromium comes from Debian (`apt-get install chromium`), not from `playwright install`. Where it
is missing the tests are skipped with the reason; under CI (the CI variable set) they fail
instead, so a CI machine without a browser cannot pass by skipping everything.
"""

import os
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from tests.conftest import IN_CI

# Sync Playwright runs an asyncio loop in the test thread; Django would refuse ORM calls from it.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
TIMEOUT_MS = 10_000
BROWSER_DIR = Path(__file__).parent


def chromium_path() -> str | None:
    """PLAYWRIGHT_CHROMIUM if set, else Debian's /usr/bin/chromium; None if neither exists."""
    wanted = os.environ.get("PLAYWRIGHT_CHROMIUM") or "/usr/bin/chromium"
    found = wanted if os.path.isfile(wanted) else shutil.which(wanted)
    return found if found and os.access(found, os.X_OK) else None


def missing(reason: str):
    """Skip outside CI; fail under CI."""
    if IN_CI:
        pytest.fail(f"{reason} (CI is set, so this is a failure, not a skip)", pytrace=False)
    pytest.skip(reason)


def pytest_collection_modifyitems(config, items):
    """Everything under tests/browser is a browser test, so `-m "not browser"` leaves it out."""
    for item in items:
        if BROWSER_DIR in Path(str(item.path)).parents:
            if item.get_closest_marker("browser") is None:
                item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    path = chromium_path()
    if path is None:
        wanted = os.environ.get("PLAYWRIGHT_CHROMIUM") or "/usr/bin/chromium"
        missing(f"Chromium not found at {wanted} (set PLAYWRIGHT_CHROMIUM, or install "
                "Debian's: apt-get install -y chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing("the playwright package is not installed (pip install '.[test]')")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS,
                                             headless=True)
        yield browser
        browser.close()


def new_context(browser, live_server, **options):
    """A browser context on the live server, British English, with the suite's time limits."""
    context = browser.new_context(base_url=live_server.url, locale="en-GB", **options)
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    return context


@pytest.fixture
def context(browser, live_server):
    context = new_context(browser, live_server)
    yield context
    context.close()


@pytest.fixture
def page(context):
    return context.new_page()


@pytest.fixture
def nojs_context(browser, live_server):
    context = new_context(browser, live_server, java_script_enabled=False)
    yield context
    context.close()


@pytest.fixture
def sign_in(live_server):
    """sign_in(context, user): give the browser context a session for `user`, without going
    through allauth's email codes (django.test.Client.force_login, then copy the cookie)."""

    def do(context, user):
        client = Client()
        client.force_login(user)
        name = settings.SESSION_COOKIE_NAME
        context.add_cookies([{"name": name, "value": client.cookies[name].value,
                              "url": live_server.url}])
        return user

    return do


def format_violations(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} ({v.get('impact')}): {v['help']}  <{v.get('helpUrl', '')}>")
        for node in v["nodes"]:
            target = " ".join(str(t) for t in node.get("target", []))
            lines.append(f"    at {target}")
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            if summary:
                lines.append(f"      {summary[:300]}")
            html = (node.get("html") or "").replace("\n", " ")
            if html:
                lines.append(f"      {html[:200]}")
    return "\n".join(lines)


@pytest.fixture(scope="session")
def axe():
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


def broken_idrefs(incomplete: list[dict]) -> list[dict]:
    """axe files an ARIA reference to a missing id (aria-describedby="id_x_hint" with no
    id_x_hint) under "needs review", in case script adds the element later. These pages are
    rendered on the server, so such a reference is simply broken: count it as a violation."""
    found = []
    for result in incomplete:
        if result["id"] != "aria-valid-attr-value":
            continue
        nodes = [node for node in result["nodes"]
                 if any(check.get("data", {}).get("messageKey") == "noId"
                        for check in node.get("all", []) + node.get("any", []))]
        if nodes:
            found.append({**result, "help": "ARIA attributes must refer to ids on the page",
                          "nodes": nodes})
    return found


@pytest.fixture
def assert_accessible(axe):
    """assert_accessible(page, "name"): axe-core finds no WCAG 2.2 A/AA violation on the page
    (and no aria-describedby/labelledby pointing at a missing id)."""

    def check(page, name: str = ""):
        options = {"runOnly": {"type": "tag", "values": AXE_TAGS},
                   "resultTypes": ["violations", "incomplete"]}
        response = axe.run(page, options=options).response
        violations = response["violations"] + broken_idrefs(response.get("incomplete", []))
        assert not violations, (
            f"axe-core found {len(violations)} violation(s) on {name or page.url} "
            f"({page.url}):\n{format_violations(violations)}"
        )

    return check
