"""Every page reachable by following links, for every demo login and for someone not signed
in: no page may answer 5xx. The demo is seeded once; each person starts at the home page and
follows every same-site link breadth-first, by GET only, within a budget of pages.

Links that change state when followed are never followed (signing out; the platform admin's
delete and history pages are left out with the rest of /admin/, which Django itself covers),
so the crawl can run inside a transaction that is rolled back at the end."""

import os
import re
import time
from collections import deque
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urldefrag, urlencode, urlsplit

import pytest
from django.core.management import call_command
from django.core.signals import got_request_exception
from django.db import transaction
from django.test import Client, override_settings

from coop import demo
from coop.models import User

pytestmark = pytest.mark.nets

FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]
PAGES_PER_PERSON = int(os.environ.get("CRAWL_PAGES", "400"))
VARIANTS_PER_PATH = 3  # ?page=2, ?q=… : a few of each, not every one
NEVER_FOLLOW = re.compile(r"^/(accounts/logout|admin/|static/|media/|stripe/)")
EVERYONE = [email for _, email in demo.LOGINS] + ["admin@demo.coop", None]


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs = []

    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.hrefs.append(href)


def same_site_path(href: str) -> str | None:
    """The path and query of a same-site link, or None for links elsewhere."""
    href, _ = urldefrag(href.strip())
    parts = urlsplit(href)
    if parts.scheme not in ("", "http", "https") or (parts.netloc not in ("", "testserver")):
        return None
    if not parts.path.startswith("/"):
        return None
    query = urlencode(sorted(parse_qsl(parts.query, keep_blank_values=True)))
    return parts.path + (f"?{query}" if query else "")


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHER):
        with transaction.atomic():
            call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
            yield
            transaction.set_rollback(True)


class Crawl:
    def __init__(self, client: Client, pages: int = PAGES_PER_PERSON):
        self.client = client
        self.pages = pages
        self.seen: set[str] = set()
        self.variants: dict[str, int] = {}
        self.failures: list[str] = []
        self.errors: list[str] = []
        self.visited = 0

    def wanted(self, path: str) -> bool:
        if path in self.seen or NEVER_FOLLOW.match(path):
            return False
        bare = path.split("?")[0]
        if "?" in path:
            if self.variants.get(bare, 0) >= VARIANTS_PER_PATH:
                return False
            self.variants[bare] = self.variants.get(bare, 0) + 1
        return True

    def run(self, start="/") -> None:
        queue = deque([(start, "(start)")])
        self.seen.add(start)
        while queue and self.visited < self.pages:
            path, came_from = queue.popleft()
            self.errors.clear()
            response = self.client.get(path)
            self.visited += 1
            if response.status_code >= 500:
                self.failures.append(f"{response.status_code} {path} (linked from {came_from})"
                                     f"{': ' + self.errors[0] if self.errors else ''}")
                continue
            for href in self.next_hrefs(response):
                found = same_site_path(href)
                if found and self.wanted(found):
                    self.seen.add(found)
                    queue.append((found, path))

    def next_hrefs(self, response) -> list[str]:
        if response.status_code in (301, 302, 303, 307, 308):
            return [response["Location"]]
        if not response.get("Content-Type", "").startswith("text/html"):
            return []
        parser = Links()
        parser.feed(response.content.decode())
        return parser.hrefs


@pytest.mark.parametrize("email", EVERYONE, ids=[e or "anonymous" for e in EVERYONE])
def test_no_reachable_page_answers_5xx(seeded, db, email, settings):
    settings.DEBUG = False
    client = Client(raise_request_exception=False)
    if email:
        client.force_login(User.objects.get(email=email))
    crawl = Crawl(client)

    def note(sender, request, **kwargs):
        import sys

        crawl.errors.append(repr(sys.exc_info()[1]))

    got_request_exception.connect(note)
    started = time.monotonic()
    try:
        crawl.run()
    finally:
        got_request_exception.disconnect(note)

    print(f"{email or 'anonymous'}: {crawl.visited} pages in {time.monotonic() - started:.0f} s")
    assert crawl.visited > (3 if email is None else 10)
    assert not crawl.failures, "\n".join(crawl.failures)
