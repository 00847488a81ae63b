"""Every page a visitor can reach, for every demo login and for anonymous visitors, passes axe-core
(WCAG 2.2 A/AA) at 1280 and at 320 CSS px, and none scrolls sideways at 320 px (people using
phones and screen magnifiers read one column).

The crawl seeds the demo, signs in, and follows same-site links breadth-first with GET only,
leaving out sign-out and files (CSV, PDF, XLSX, JSON). Many pages repeat one view with another id
(each ballot, each member); a few of each view are enough to hold the template, so each view is
visited at most VISITS_PER_VIEW times per login and VISITS_PER_VIEW_IN_ALL times in all. The
whole crawl must finish inside its time budget (CRAWL_BUDGET_SECONDS): running out is a failure,
because a crawl that silently stopped early would hide pages.
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
from tests.browser.conftest import AXE_TAGS, broken_idrefs, format_violations, new_context

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROLES = [None] + [email for _, email in demo.LOGINS]  # None: not signed in
WIDTHS = (1280, 320)
VISITS_PER_VIEW = int(os.environ.get("CRAWL_VISITS_PER_VIEW", "2"))
VISITS_PER_VIEW_IN_ALL = int(os.environ.get("CRAWL_VISITS_PER_VIEW_IN_ALL", "3"))
BUDGET_SECONDS = float(os.environ.get("CRAWL_BUDGET_SECONDS", "900"))
# Not pages: files, the API (the schemathesis net covers it; its HTML docs page is crawled),
# the platform admin, and links that sign out or change state.
SKIP = re.compile(
    r"(^/admin/|^/api/(?!docs/)|^/static/|^/media/|logout|/accounts/(confirm-email|password/reset/key"
    r"|login/code/confirm)|\.(csv|pdf|xlsx|json|svg|png|txt|ics)$|/export\.)")

FILE_QUERY = re.compile(r"(^|&)(format|fmt)=(csv|pdf|xlsx|json)\b")  # ?format=pdf: a file
PAGE_TIMEOUT_MS = 30_000  # a PDF or a big register page on a busy machine

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
        if not SKIP.search(parts.path) and not FILE_QUERY.search(parts.query):
            found.append(path)
    return found


def check_page(page, axe, path: str) -> list[str]:
    """axe at each width and the sideways-scroll check at 320 px; a list of problems."""
    problems = []
    # Open every disclosure, so what it hides (a list of receipt hashes, the folded menu) is
    # checked too.
    page.evaluate("() => document.querySelectorAll('details').forEach(d => { d.open = true; })")
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


class Crawl:
    """One crawl over every role: the views already checked (each is checked at most
    VISITS_PER_VIEW times per role and VISITS_PER_VIEW_IN_ALL times over all roles: a view
    looks much the same to the second member as to the first), the pages visited, and what
    was found, written to CRAWL_REPORT as it goes when that is set."""

    def __init__(self, page, axe, base: str):
        self.page, self.axe, self.base = page, axe, base
        self.started = time.monotonic()
        self.in_all = Counter()
        self.visited: list[str] = []
        self.problems: list[str] = []
        self.report = os.environ.get("CRAWL_REPORT")

    def note(self, problem: str) -> None:
        self.problems.append(problem)
        if self.report:
            with open(self.report, "a") as out:
                out.write(problem + "\n")

    def out_of_time(self) -> bool:
        return time.monotonic() - self.started > BUDGET_SECONDS

    def run(self, role: str, start: str = "/") -> int:
        """Breadth-first from `start` as the signed-in role; returns the pages checked."""
        queue, seen, mine, checked = deque([start]), {start}, Counter(), 0
        while queue:
            if self.out_of_time():
                self.note(f"the crawl ran out of its {BUDGET_SECONDS:.0f}s budget as {role} "
                          f"after {len(self.visited)} pages in all, {len(queue)} still queued")
                return checked
            path = queue.popleft()
            key = view_key(urlsplit(path).path)
            if key is None or mine[key] >= VISITS_PER_VIEW or (
                    self.in_all[key] >= VISITS_PER_VIEW_IN_ALL and path != start):
                continue
            mine[key] += 1
            self.in_all[key] += 1
            links = self.visit(role, path)
            if links is None:
                continue
            checked += 1
            for link in links:
                if link not in seen:
                    seen.add(link)
                    queue.append(link)
        return checked

    def visit(self, role: str, path: str) -> list[str] | None:
        """Load and check one page; its links, or None if it is not an HTML page."""
        page = self.page
        page.set_viewport_size({"width": 1280, "height": 900})
        try:
            response = page.goto(path, timeout=PAGE_TIMEOUT_MS)
        except PlaywrightError as error:
            if "Download is starting" in str(error):
                return None  # a file (CSV, PDF) behind a link with no file-like name
            self.note(f"[{role}] {path} did not load: {str(error).splitlines()[0]}")
            return None
        status = response.status if response else None
        if status is None or status >= 500:
            self.note(f"[{role}] {path} answered {status}")
            return None
        if not (response.headers.get("content-type") or "").startswith("text/html"):
            return None
        self.visited.append(path)
        links = same_site_links(page, self.base)
        for problem in check_page(page, self.axe, path):
            self.note(f"[{role}] {problem}")
        return links


@pytest.fixture
def demo_data(transactional_db):
    with emails_muted():
        demo.seed()


def test_every_page_passes_axe_and_fits_320px(demo_data, browser, live_server, sign_in, axe):
    """Anonymous first, then each demo login, each in a fresh browser context."""
    crawl = None
    counts = {}
    for email in ROLES:
        context = new_context(browser, live_server)
        try:
            if email:
                sign_in(context, User.objects.get(email=email))
            page = context.new_page()
            if crawl is None:
                crawl = Crawl(page, axe, live_server.url)
            crawl.page = page
            counts[email or "anonymous"] = crawl.run(email or "anonymous")
        finally:
            context.close()
    took = time.monotonic() - crawl.started
    print(f"\ncrawled {len(crawl.visited)} pages in {took:.0f}s "
          f"({took / max(len(crawl.visited), 1):.1f}s a page): {counts}")
    # Later logins mostly meet views already checked, so only the totals say much: the crawl
    # must have got past the front door for everyone.
    assert counts["anonymous"] >= 3 and all(counts.values()), counts
    assert len(crawl.visited) >= 100, f"only {len(crawl.visited)} pages were reached"
    assert not crawl.problems, (f"{len(crawl.problems)} problem(s) in {len(crawl.visited)} "
                                "pages:\n" + "\n".join(crawl.problems))
