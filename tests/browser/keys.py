"""Helpers for driving pages with the keyboard alone, shared by the browser tests."""

import re

import pytest

# What has focus, described for assertions and failure messages.
ACTIVE = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  return {tag: el.tagName.toLowerCase(), id: el.id, name: el.getAttribute('name'),
          type: el.getAttribute('type'), value: el.value ?? null,
          text: (el.innerText || '').trim().slice(0, 80), cls: el.className || '',
          href: el.getAttribute('href')};
}"""
RECEIPT = re.compile(r"^[A-Z0-9]{4}(-[A-Z0-9]{4}){3}$")


def active(page):
    return page.evaluate(ACTIVE)


def tab_to(page, predicate, what: str, limit: int = 60):
    """Press Tab until `predicate(active element)` holds; fail after `limit` presses."""
    seen = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        el = active(page)
        if el and predicate(el):
            return el
        seen.append(el and (el["id"] or el["name"] or el["text"] or el["tag"]))
    pytest.fail(f"Tab never reached {what}; focus went through: {seen}")


def button(label):
    return lambda el: el["tag"] == "button" and el["text"] == label


def main_text(page) -> str:
    return " ".join(page.locator("main").inner_text().split())


def ballot_path(ballot, tail=""):
    return f"/s/{ballot.society.slug}/ballots/{ballot.pk}/{tail}"
