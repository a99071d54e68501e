"""CSV text for spreadsheets: every CSV Arauto writes (campaign report, import report, opt-outs) goes through here.

A cell a spreadsheet would run as a formula (starting with = + - @, tab or CR: OWASP's CSV-injection list) gets an
apostrophe in front, whatever follows: `-2+3` is a formula too, not a negative number to keep.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

BOM = "\ufeff"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell: Any) -> str:
    """The cell as text, made inert for spreadsheets."""
    text = "" if cell is None else str(cell)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_text(rows: Iterable[Iterable[Any]]) -> str:
    """Rows as CSV text (CRLF line ends, every cell neutralised)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerows([neutralise(cell) for cell in row] for row in rows)
    return buffer.getvalue()
