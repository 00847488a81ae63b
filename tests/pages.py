"""Checks shared by the page tests: every response a `PageCheckingClient` receives must carry a
Content Security Policy without 'unsafe-inline', have no inline script or style, and point each
aria-describedby at an element on the page; plus helpers to read pages in assertions."""

import re
from html import unescape
from html.parser import HTMLParser

from django.test import Client


class _InlineFinder(HTMLParser):
    """Collects inline code and style, and the ids that aria-describedby points to."""

    def __init__(self):
        super().__init__()
        self.problems = []
        self.ids = set()
        self.described_by = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        if attrs.get("aria-describedby") is not None:
            self.described_by += [(tag, ref) for ref in attrs["aria-describedby"].split()]
        if "style" in attrs:
            self.problems.append(f"style= on <{tag}>")
        if tag == "style":
            self.problems.append("a <style> element")
        if tag == "script" and not attrs.get("src"):
            self.problems.append("an inline <script>")
        handlers = [name for name in attrs if name.startswith("on")]
        if handlers:
            self.problems.append(f"{', '.join(handlers)} on <{tag}>")
        if any((value or "").strip().lower().startswith("javascript:")
               for value in attrs.values()):
            self.problems.append(f"a javascript: link on <{tag}>")

    handle_startendtag = handle_starttag


def page_problems(response) -> list[str]:
    """What a browser enforcing our policy would block or allow that it should not."""
    problems = []
    policy = response.headers.get("Content-Security-Policy", "")
    if not policy:
        problems.append("no Content-Security-Policy header")
    elif "'unsafe-inline'" in policy or "'unsafe-eval'" in policy:
        problems.append(f"the policy allows unsafe code: {policy}")
    elif "script-src" not in policy or "style-src" not in policy:
        problems.append(f"the policy does not restrict scripts and styles: {policy}")
    if response.headers.get("Content-Type", "").startswith("text/html") and response.content:
        finder = _InlineFinder()
        finder.feed(response.content.decode())
        problems += finder.problems
        problems += missing_descriptions(response)
    return problems


def missing_descriptions(response) -> list[str]:
    """aria-describedby references to hints or errors that are not on the page."""
    finder = _InlineFinder()
    finder.feed(response.content.decode())
    return [f"aria-describedby on <{tag}> points to missing id {ref}"
            for tag, ref in finder.described_by if ref not in finder.ids]


class PageCheckingClient(Client):
    """A test client that checks every response it receives (redirects followed included)."""

    def request(self, **request):
        response = super().request(**request)
        problems = page_problems(response)
        assert not problems, f"{request.get('PATH_INFO')}: {'; '.join(problems)}"
        return response


def text(response) -> str:
    """The page's visible words, tags removed and spaces collapsed, for readable asserts."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html))).strip()


class _Elements(HTMLParser):
    def __init__(self):
        super().__init__()
        self.by_id = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs, tag=tag)
        if attrs.get("id"):
            self.by_id[attrs["id"]] = attrs

    handle_startendtag = handle_starttag


def elements(response) -> dict[str, dict]:
    """Each element with an id: {id: {attribute: value, "tag": tag}}."""
    parser = _Elements()
    parser.feed(response.content.decode())
    return parser.by_id


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html))).strip()


def assert_field_error(response, name: str, message: str) -> None:
    """The error is shown next to the field, linked to it for screen readers, and listed in
    the error summary with a link to the field."""
    html = response.content.decode()
    found = elements(response)
    error_id = f"id_{name}_error"
    assert error_id in found, f"no error element for {name}"
    shown = re.search(rf'id="{error_id}"[^>]*>(.*?)</p>', html, re.S).group(1)
    assert message in text_of(shown)
    field = found.get(f"id_{name}") or found.get(f"id_{name}_0")
    assert field.get("aria-invalid") == "true", f"{name} is not marked invalid"
    if field.get("type") == "radio":
        assert re.search(rf'<fieldset[^>]*aria-describedby="[^"]*\b{error_id}\b', html)
    else:
        assert error_id in field.get("aria-describedby", "").split()
        assert missing_descriptions(response) == []
    summary = re.search(r'<div class="error-summary".*?</div>', html, re.S).group(0)
    assert re.search(rf'href="#{field["id"]}">[^<]*{re.escape(message)}', unescape(summary))


