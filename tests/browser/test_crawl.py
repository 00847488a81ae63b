"""Every page a visitor can reach, for every demo login and for anonymous visitors, passes axe-core
(WCAG 2.2 A/AA) at 1280 and at 320 CSS px, and none scrolls sideways at 320 px (people using
phones and screen magnifiers read one column).

The crawl seeds the demo, signs in, and follows same-site links breadth-first with GET only,
leaving out sign-out and files (CSV, PDF, XLSX, JSON). Many pages repeat one view with another id
(each ballot, each member); a few of each view are enough to hold the template, so each view is
visited at most VISITS_PER_VIEW times per login. The crawl must finish inside its time budget
(CRAWL_BUDGET_SECONDS, per login): a crawl that silently stopped early would hide pages.
"""

import os
import re
import time
from collections import Counter, deque
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest
from django.urls import Resolver404, resolve
from playwright.sync_api import Error as PlaywrightError

from coop import demo
from coop.models import User
from coop.notify import emails_muted
from tests.browser.conftest import AXE_TAGS, broken_idrefs, format_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROLES = [None] + [email for _, email in demo.LOGINS]
WIDTHS = (1280, 320)
VISITS_PER_VIEW = int(os.environ.get("CRAWL_VISITS_PER_VIEW", "3"))
BUDGET_SECONDS = float(os.environ.get("CRAWL_BUDGET_SECONDS", "240"))
# Not pages: files, the API (the schemathesis net covers it; its HTML docs page is crawled),
# the platform admin, and links that sign out or change state.
SKIP = re.compile(
    r"(^/admin/|^/api/(?!docs/)|^/static/|^/media/|logout|/accounts/(confirm-email|password/reset/key"
    r"|login/code/confirm)|\.(csv|pdf|xlsx|json|svg|png|txt|ics)$|/export\.)")

AXE_OPTIONS = {"runOnly": {"type": "tag", "values": AXE_TAGS},
               "resultTypes": ["violations", "incomplete"]}

LINKS_JS = "() => Array.from(document.querySelectorAll('a[href]'), a => a.href)"
SIDEWAYS_JS = """() => {
  const root = document.documentElement;
  const wide = Array.from(document.querySelectorAll('body *'))
    .filter(el => el.getBoundingClientRect().right > root.clientWidth + 1)
    .slice(0, 3)
    .map(el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
               + (el.className && typeof el.className === 'string'
                  ? '.' + el.className.trim().split(/\\s+/).join('.') : ''));
  return {scroll: root.scrollWidth, client: root.clientWidth, wide};
}"""


def view_key(path: str) -> str | None:
    """The view a path resolves to (so /ballots/3/ and /ballots/4/ count as one), or None."""
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.route or match.view_name


def same_site_links(page, base: str) -> list[str]:
    found = []
    for href in page.evaluate(LINKS_JS):
        url, _ = urldefrag(urljoin(page.url, href))
        parts = urlsplit(url)
        if f"{parts.scheme}://{parts.netloc}" != base:
            continue
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        if not SKIP.search(parts.path):
            found.append(path)
    return found


def check_page(page, axe, path: str) -> list[str]:
    """axe at each width and the sideways-scroll check at 320 px; a list of problems."""
    problems = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        response = axe.run(page, options=AXE_OPTIONS).response
        violations = response["violations"] + broken_idrefs(response.get("incomplete", []))
        if violations:
            problems.append(f"{path} at {width}px:\n{format_violations(violations)}")
        if width == 320:
            found = page.evaluate(SIDEWAYS_JS)
            if found["scroll"] > found["client"]:
                problems.append(f"{path} scrolls sideways at 320px (page {found['scroll']}px "
                                f"wide; too wide: {', '.join(found['wide'])})")
    return problems


def crawl(page, axe, base: str, start: str = "/") -> tuple[list[str], list[str]]:
    """Breadth-first from `start`; returns (pages visited, problems)."""
    started = time.monotonic()
    queue, seen, per_view = deque([start]), {start}, Counter()
    visited, problems = [], []
    while queue:
        if time.monotonic() - started > BUDGET_SECONDS:
            problems.append(f"the crawl ran out of its {BUDGET_SECONDS:.0f}s budget after "
                            f"{len(visited)} pages with {len(queue)} still queued")
            break
        path = queue.popleft()
        key = view_key(urlsplit(path).path)
        if key is None or per_view[key] >= VISITS_PER_VIEW:
            continue
        per_view[key] += 1
        page.set_viewport_size({"width": 1280, "height": 900})
        try:
            response = page.goto(path)
        except PlaywrightError as error:
            if "Download is starting" in str(error):
                continue  # a file (CSV, PDF) behind a link with no file-like name
            raise
        status = response.status if response else None
        if status is None or status >= 500:
            problems.append(f"{path} answered {status}")
            continue
        if not (response.headers.get("content-type") or "").startswith("text/html"):
            continue
        visited.append(path)
        links = same_site_links(page, base)
        problems += check_page(page, axe, path)
        for link in links:
            if link not in seen:
                seen.add(link)
                queue.append(link)
    return visited, problems


@pytest.fixture
def demo_data(transactional_db):
    with emails_muted():
        demo.seed()


@pytest.mark.parametrize("email", ROLES, ids=[r or "anonymous" for r in ROLES])
def test_every_page_passes_axe_and_fits_320px(email, demo_data, context, sign_in, axe,
                                             live_server):
    if email:
        sign_in(context, User.objects.get(email=email))
    page = context.new_page()
    visited, problems = crawl(page, axe, live_server.url)
    print(f"\n{email or 'anonymous'}: {len(visited)} pages crawled")
    assert len(visited) >= (3 if email is None else 5), f"the crawl reached only {visited}"
    assert not problems, (f"{len(problems)} problem(s) crawling as {email or 'anonymous'} "
                          f"({len(visited)} pages):\n" + "\n".join(problems))
