"""Real .xlsx files for tests and the bench, written with openpyxl (Arauto reads them with python-calamine)."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import Any

from openpyxl import Workbook

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx(rows: Iterable[Sequence[Any]], *, sheet: str = "Sheet1", others: Sequence[str] = ()) -> bytes:
    """A workbook whose first sheet `sheet` holds `rows` (cells keep their Python type: numbers, dates, text)."""
    book = Workbook(write_only=True)
    first = book.create_sheet(sheet)
    for row in rows:
        first.append(list(row))
    for name in others:
        book.create_sheet(name).append(["other sheet"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def csv_text(rows: Iterable[Sequence[Any]]) -> bytes:
    """The same rows as a CSV export (numbers written as digits), for comparing the two readers."""
    lines = [",".join(_csv_cell(cell) for cell in row) for row in rows]
    return ("\r\n".join(lines) + "\r\n").encode()


def _csv_cell(cell: Any) -> str:
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell)
