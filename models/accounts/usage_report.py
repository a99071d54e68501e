"""Usage drawn and exported: an SVG bar chart (like the campaign charts), and the same table as CSV or XLSX."""

from __future__ import annotations

import asyncio
from decimal import Decimal
from html import escape

from models.accounts.usage import Usage
from models.campaigns.charts import _svg
from models.money import money_text
from models.spreadsheet import BOM, SheetLocale, csv_text
from models.workbook import rows_xlsx

WIDTH = 640
BAR = 22
LABEL_WIDTH = 150
SENT, FAILED = "#0f7b5f", "#b42318"


def usage_svg(usage: Usage, *, title: str, desc: str, currency: str) -> str:
    """One row per group: sent (green) and failed (red) side by side, then the cost; scaled to the largest row."""
    largest = max((row.sent + row.failed for row in usage.rows), default=0) or 1
    plot = WIDTH - LABEL_WIDTH - 170
    parts = []
    for index, row in enumerate(usage.rows):
        y = 6 + index * (BAR + 8)
        sent = round(plot * row.sent / largest)
        failed = round(plot * row.failed / largest)
        end = LABEL_WIDTH + sent + failed + 6
        parts.append(
            f'<text x="0" y="{y + 16}" font-size="13" fill="#1d2430">{escape(row.label[:22])}</text>'
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{sent}" height="{BAR}" fill="{SENT}" class="bar bar-sent" '
            f'data-key="{escape(row.key)}" data-value="{row.sent}"></rect>'
            f'<rect x="{LABEL_WIDTH + sent}" y="{y}" width="{failed}" height="{BAR}" fill="{FAILED}" '
            f'class="bar bar-failed" data-key="{escape(row.key)}" data-value="{row.failed}"></rect>'
            f'<text x="{end}" y="{y + 16}" font-size="13" fill="#1d2430">'
            f"{row.sent:,} · {escape(money_text(row.cost))} {escape(currency)}</text>"
        )
    height = 12 + len(usage.rows) * (BAR + 8)
    return _svg(WIDTH, max(height, 30), "usage-chart", title, desc, "".join(parts))


def usage_table(usage: Usage, *, headers: list[str], currency: str, total_label: str = "Total") -> list[list[object]]:
    """The header, one line per group, then the total; the cost an exact Decimal."""
    rows: list[list[object]] = [[*headers]]
    for row in usage.rows:
        rows.append([row.label, row.sent, row.delivered, row.failed, row.cost, currency])
    total = usage.total
    rows.append([total_label, total.sent, total.delivered, total.failed, total.cost, currency])
    return rows


def usage_csv(usage: Usage, *, headers: list[str], currency: str, total_label: str = "Total") -> str:
    """BOM + the table; cost as an exact decimal string."""
    rows = usage_table(usage, headers=headers, currency=currency, total_label=total_label)
    return BOM + csv_text([[money_text(c) if isinstance(c, Decimal) else c for c in row] for row in rows])


async def usage_xlsx(
    usage: Usage, *, headers: list[str], currency: str, sheet: SheetLocale, title: str, total_label: str = "Total"
) -> bytes:
    """The table as a workbook: counts as numbers, cost as a decimal cell with its 4 places (built off the loop)."""
    rows = usage_table(usage, headers=headers, currency=currency, total_label=total_label)
    return await asyncio.to_thread(rows_xlsx, rows, locale=sheet, title=title)
