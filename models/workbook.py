"""XLSX files Arauto writes (openpyxl, write-only so rows go to disk as they come): text cells stay text (a value
starting with '=' is never a formula, a phone is never a number), times are date cells in the language's format,
money is an exact decimal cell. Appending and saving are CPU work: callers run them in a worker thread.
"""

from __future__ import annotations

import io
from datetime import datetime
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from models.spreadsheet import SheetLocale

SHEET_TITLE_MAX = 31  # Excel's limit on a sheet's name
MONEY_FORMAT = "0.0000"  # the 4 stored places (models/money.py)


def new_sheet(title: str) -> tuple[Workbook, WriteOnlyWorksheet]:
    workbook = Workbook(write_only=True)
    return workbook, workbook.create_sheet(title=safe_title(title))


def _cell(sheet: WriteOnlyWorksheet, value: Any, locale: SheetLocale) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, datetime):
        cell.number_format = locale.excel_datetime_format
    elif isinstance(value, Decimal):
        cell.number_format = MONEY_FORMAT
    elif isinstance(value, str):
        cell.data_type = "s"  # text, always: a value starting with '=' is never a formula
        cell.number_format = "@"
    return cell


def append(sheet: WriteOnlyWorksheet, rows: list[list[Any]], locale: SheetLocale) -> None:
    for row in rows:
        sheet.append([_cell(sheet, value, locale) for value in row])


def save(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def rows_xlsx(rows: list[list[Any]], *, locale: SheetLocale, title: str) -> bytes:
    """A one-sheet workbook of `rows` (small tables; run it in a worker thread)."""
    workbook, sheet = new_sheet(title)
    append(sheet, rows, locale)
    return save(workbook)


def safe_title(title: str) -> str:
    """Excel refuses []:*?/\\ in a sheet's name and more than 31 characters."""
    cleaned = "".join(" " if ch in "[]:*?/\\" else ch for ch in title).strip()
    return cleaned[:SHEET_TITLE_MAX] or "Report"
