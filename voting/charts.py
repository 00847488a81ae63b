"""Accessible bar charts drawn on the server as inline SVG.

The page's Content Security Policy forbids inline styles, so the chart uses SVG presentation
attributes (fill=, font-size=) only. Each chart is `role="img"` named by its own <title> and
<desc>, every bar carries its figure as text (colour is never the only cue), and the page
puts the same figures in a table right after it. Labels are escaped here, so the markup is
safe to put in a template as it is."""

import textwrap
from dataclasses import dataclass
from fractions import Fraction

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from .selectors import percent

WIDTH = 640
BAR_HEIGHT = 28
LINE = 20  # height of one line of label text
GAP = 18
LABEL_CHARS = 60
VALUE_ROOM = 80  # space to the right of the longest bar for its figure
# Colours chosen for contrast on white: text 19:1, bars (brand green) 9:1, the marker 7:1.
TEXT = "#0b0c0c"
BAR = "#1d4f40"
MARKER = "#b3261e"
AXIS = "#6f777b"


@dataclass
class Bar:
    label: str
    share: Fraction  # 0..1


def label_lines(label: str) -> list[str]:
    """A bar's label wrapped to the chart's width (shared with surplus charts)."""
    return textwrap.wrap(label, LABEL_CHARS) or [""]


def svg_text(x, y, content, *, anchor="start", bold=False, fill=TEXT) -> str:
    """One line of text in the chart's font (escaped; shared with surplus charts)."""
    weight = ' font-weight="700"' if bold else ""
    return format_html('<text x="{}" y="{}" fill="{}" font-size="16" text-anchor="{}"{}>{}</text>',
                       x, y, fill, anchor, mark_safe(weight), content)


def bar_chart(chart_id: str, title: str, bars: list[Bar], *, description: str = "",
              marker: Fraction | None = None, marker_label: str = "") -> SafeString:
    """A horizontal bar chart of shares (0 to 100%). `marker` draws a dashed line, for
    example at a resolution's threshold, labelled `marker_label`."""
    plot = WIDTH - VALUE_ROOM
    parts, y = [], 8
    if marker is not None:
        y += LINE + 4  # room for the marker's label above the bars
    top = y
    for bar in bars:
        for line in label_lines(bar.label):
            y += LINE
            parts.append(svg_text(0, y - 4, line))
        y += 4
        length = round(float(bar.share) * plot, 1)
        parts.append(format_html(
            '<rect x="0" y="{}" width="{}" height="{}" fill="{}"></rect>',
            y, max(length, 1), BAR_HEIGHT, BAR))
        parts.append(svg_text(length + 8, y + BAR_HEIGHT - 8, f"{percent(bar.share)}%", bold=True))
        y += BAR_HEIGHT + GAP
    parts.append(format_html('<line x1="0" y1="{}" x2="0" y2="{}" stroke="{}" '
                             'stroke-width="2"></line>', top, y - GAP, AXIS))
    if marker is not None:
        x = round(float(marker) * plot, 1)
        parts.append(format_html(
            '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="3" '
            'stroke-dasharray="6 4"></line>', x, top - 2, x, y - GAP + 2, MARKER))
        anchor = "end" if marker > Fraction(4, 5) else "middle"
        parts.append(svg_text(x, top - 8, marker_label, anchor=anchor, bold=True, fill=MARKER))
    height = y
    title_id, desc_id = f"{chart_id}-title", f"{chart_id}-desc"
    summary = description or "; ".join(f"{b.label}: {percent(b.share)}%" for b in bars)
    return format_html(
        '<svg id="{}" class="chart" role="img" aria-labelledby="{} {}" viewBox="0 0 {} {}" '
        'width="100%" preserveAspectRatio="xMinYMin meet" focusable="false" '
        'xmlns="http://www.w3.org/2000/svg"><title id="{}">{}</title><desc id="{}">{}</desc>'
        '{}</svg>',
        chart_id, title_id, desc_id, WIDTH, height, title_id, title, desc_id, summary,
        mark_safe("".join(str(p) for p in parts)))

