"""Charts of sums of money for the surplus pages. Shares use `voting.charts.bar_chart` as it
is; pounds need their own figure on each bar, so this draws the same accessible SVG (role
img, named by its <title> and <desc>, the figure as text beside every bar, presentation
attributes only because the CSP forbids inline styles) with the bars scaled to the largest
sum and labelled in pounds."""

from decimal import Decimal

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from voting import charts


def pounds(amount: Decimal) -> str:
    """£1,234.56, and a minus sign before the pound sign for a deficit."""
    sign = "−" if amount < 0 else ""
    return f"{sign}£{abs(amount):,.2f}"


def money_chart(chart_id: str, title: str, bars: list[tuple[str, Decimal]]) -> SafeString:
    """A horizontal bar chart of sums of money (a negative sum draws as an empty bar)."""
    room = charts.WIDTH - charts.VALUE_ROOM - 40  # sums are wider than percentages
    largest = max([amount for _, amount in bars if amount > 0], default=Decimal(1))
    parts, y = [], 8
    top = y
    for label, amount in bars:
        for line in charts.label_lines(label):
            y += charts.LINE
            parts.append(charts.svg_text(0, y - 4, line))
        y += 4
        length = round(float(max(amount, Decimal(0)) / largest) * room, 1)
        parts.append(format_html(
            '<rect x="0" y="{}" width="{}" height="{}" fill="{}"></rect>',
            y, max(length, 1), charts.BAR_HEIGHT, charts.BAR))
        parts.append(charts.svg_text(length + 8, y + charts.BAR_HEIGHT - 8, pounds(amount),
                                     bold=True))
        y += charts.BAR_HEIGHT + charts.GAP
    parts.append(format_html('<line x1="0" y1="{}" x2="0" y2="{}" stroke="{}" '
                             'stroke-width="2"></line>', top, y - charts.GAP, charts.AXIS))
    title_id, desc_id = f"{chart_id}-title", f"{chart_id}-desc"
    summary = "; ".join(f"{label}: {pounds(amount)}" for label, amount in bars)
    return format_html(
        '<svg id="{}" class="chart" role="img" aria-labelledby="{} {}" viewBox="0 0 {} {}" '
        'width="100%" preserveAspectRatio="xMinYMin meet" focusable="false" '
        'xmlns="http://www.w3.org/2000/svg"><title id="{}">{}</title><desc id="{}">{}</desc>'
        '{}</svg>',
        chart_id, title_id, desc_id, charts.WIDTH, y, title_id, title, desc_id, summary,
        mark_safe("".join(str(p) for p in parts)))
