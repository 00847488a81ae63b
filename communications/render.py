"""A message's body as HTML: simple formatting only (headings, lists, links, emphasis).

markdown-it (CommonMark) with raw HTML turned off, so nothing an officer types becomes markup,
and images turned off, so a letter or email never fetches anything. The plain-text email is the
body as written, which reads well as it is."""

from functools import cache

from django.utils.safestring import SafeString, mark_safe


@cache
def _parser():
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": False}).disable("image")


def to_html(text: str) -> SafeString:
    return mark_safe(_parser().render(text or ""))  # raw HTML is disabled above
