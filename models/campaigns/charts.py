"""Server-side SVG charts: pure functions from numbers to markup, every text escaped, readable in print.

No JavaScript library: the page embeds the returned SVG (it is built here from numbers and escaped labels only,
so the template may mark it safe). Each chart has a <title> and a <desc> that says the same in words.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from models.campaigns.send_history import Bucket
from models.timezones import format_local

# A narrow viewBox with large type: drawn at a phone's ~300 px the text still shows at 11 px or more, and the page's
# CSS caps the chart's width on wide screens so it does not grow huge either (static/app.css `.chart`).
WIDTH = 400
BAR_HEIGHT = 28
LABEL_WIDTH = 100
COUNT_WIDTH = 110
FONT_SIZE = 15
AXIS_FONT_SIZE = 15
COLOURS = {"sent": "#0f7b5f", "delivered": "#1849a9", "read": "#6941c6", "replied": "#b54708", "failed": "#b42318"}


@dataclass(frozen=True)
class FunnelStep:
    key: str
    label: str
    value: int


def _svg(width: int, height: int, chart_id: str, title: str, desc: str, body: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'class="chart" aria-labelledby="{chart_id}-title {chart_id}-desc">'
        f'<title id="{chart_id}-title">{escape(title)}</title><desc id="{chart_id}-desc">{escape(desc)}</desc>'
        f"{body}</svg>"
    )


def _percent(value: int, of: int) -> str:
    return f"{100 * value / of:.0f}%" if of else "0%"


def funnel_svg(steps: Sequence[FunnelStep], *, chart_id: str, title: str) -> str:
    """Horizontal bars, one per step, scaled to the largest; each labelled with its count and share of the first."""
    largest = max((step.value for step in steps), default=0) or 1
    first = steps[0].value if steps else 0
    plot = WIDTH - LABEL_WIDTH - COUNT_WIDTH
    parts = []
    for row, step in enumerate(steps):
        y = 8 + row * (BAR_HEIGHT + 10)
        length = round(plot * step.value / largest)
        share = _percent(step.value, first)
        colour = COLOURS.get(step.key, "#475467")
        parts.append(
            f'<text x="0" y="{y + 19}" font-size="{FONT_SIZE}" fill="#1d2430">{escape(step.label)}</text>'
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{max(length, 1)}" height="{BAR_HEIGHT}" fill="{colour}" '
            f'class="bar bar-{escape(step.key)}" data-value="{step.value}"></rect>'
            f'<text x="{LABEL_WIDTH + max(length, 1) + 8}" y="{y + 19}" font-size="{FONT_SIZE}" fill="#1d2430">'
            f"{step.value:,} ({share})</text>"
        )
    height = 16 + len(steps) * (BAR_HEIGHT + 10)
    desc = "; ".join(f"{step.label}: {step.value} ({_percent(step.value, first)})" for step in steps)
    return _svg(WIDTH, height, chart_id, title, desc, "".join(parts))


def sends_per_minute_svg(
    buckets: Sequence[Bucket], *, chart_id: str, title: str, empty_text: str, timezone: str = "UTC"
) -> str:
    """Vertical bars of messages per minute from the first send to the last, with the peak marked on the axis."""
    height, top, bottom, left = 200, 16, 28, 44
    plot_w, plot_h = WIDTH - left - 8, height - top - bottom
    if not buckets:
        body = (
            f'<text x="{WIDTH // 2}" y="{height // 2}" text-anchor="middle" font-size="{AXIS_FONT_SIZE}" '
            'fill="#5d6776">'
            f"{escape(empty_text)}</text>"
        )
        return _svg(WIDTH, height, chart_id, title, empty_text, body)
    peak = max(bucket.per_minute for bucket in buckets) or 1.0
    step = plot_w / len(buckets)
    parts = [
        f'<line x1="{left}" y1="{top + plot_h}" x2="{WIDTH - 8}" y2="{top + plot_h}" stroke="#5d6776"></line>',
        f'<text x="{left - 6}" y="{top + 10}" text-anchor="end" font-size="{AXIS_FONT_SIZE}" '
        f'fill="#1d2430">{peak:.0f}</text>',
        f'<text x="{left - 6}" y="{top + plot_h}" text-anchor="end" font-size="{AXIS_FONT_SIZE}" '
        'fill="#1d2430">0</text>',
    ]
    for index, bucket in enumerate(buckets):
        bar_h = plot_h * bucket.per_minute / peak
        parts.append(
            f'<rect x="{left + index * step + 1:.1f}" y="{top + plot_h - bar_h:.1f}" width="{max(step - 2, 1):.1f}" '
            f'height="{bar_h:.1f}" fill="{COLOURS["sent"]}" class="bar" data-value="{bucket.sends}">'
            f"<title>{escape(format_local(bucket.start, timezone))}: {bucket.sends}</title></rect>"
        )
    first, last = buckets[0].start, buckets[-1].start
    parts.append(
        f'<text x="{left}" y="{height - 8}" font-size="{AXIS_FONT_SIZE}" fill="#1d2430">'
        f"{escape(format_local(first, timezone))}</text>"
        f'<text x="{WIDTH - 8}" y="{height - 8}" text-anchor="end" font-size="{AXIS_FONT_SIZE}" fill="#1d2430">'
        f"{escape(format_local(last, timezone))}</text>"
    )
    total = sum(bucket.sends for bucket in buckets)
    desc = (
        f"{total} messages sent between {format_local(first, timezone)} and {format_local(last, timezone)} "
        f"({timezone}); peak {peak:.0f} per minute."
    )
    return _svg(WIDTH, height, chart_id, title, desc, "".join(parts))
