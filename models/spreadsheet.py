"""Every file Arauto writes for a spreadsheet goes through here: CSV text, its formula neutralising, and how a
language's spreadsheet program reads it.

A cell a spreadsheet would run as a formula (starting with = + - @, tab or CR: OWASP's CSV-injection list) gets an
apostrophe in front, whatever follows: `-2+3` is a formula too, not a negative number to keep.

A pt-BR Excel splits a CSV on `;` (the comma is its decimal separator) and reads dates as dd/mm/yyyy; an English one
splits on `,`. Either one reads a cell of 10 or more digits as a number: a phone such as 5511987654321 would show as
5,51199E+12 and, past 15 digits, lose its last ones. `phone_text` writes the number so both Excel and LibreOffice
keep it as text, and the XLSX export stores it as a text cell.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

BOM = "\ufeff"  # UTF-8 files start with it, or Excel reads them as Windows-1252 and garbles accents
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class PhoneCell(str):
    """A cell we wrote on purpose (`phone_text`); the formula neutraliser leaves it as it is."""


def neutralise(cell: Any) -> str:
    """The cell as text, made inert for spreadsheets; our own PhoneCell is left as written."""
    if isinstance(cell, PhoneCell):
        return cell
    text = "" if cell is None else str(cell)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_text(rows: Iterable[Iterable[Any]], *, delimiter: str = ",") -> str:
    """Rows as CSV text (CRLF line ends, every cell neutralised; pt-BR Excel: `delimiter=";"`)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n", delimiter=delimiter)
    writer.writerows([neutralise(cell) for cell in row] for row in rows)
    return buffer.getvalue()


def phone_text(digits: str) -> str:
    """A phone (E.164 digits, ours, never user text) as a CSV cell spreadsheets keep as text."""
    return f'="{digits}"' if digits.isdigit() else digits


@dataclass(frozen=True)
class SheetLocale:
    """The separators and date formats of one language's spreadsheets, with the words for headers and codes."""

    delimiter: str = ","
    decimal: str = "."
    datetime_format: str = "%Y-%m-%d %H:%M:%S"  # CSV text (strftime)
    excel_datetime_format: str = "yyyy-mm-dd hh:mm:ss"  # XLSX date cells
    labels: Mapping[str, str] = field(default_factory=dict)

    def label(self, key: str) -> str:
        """The caller's translated word for a header key or a stored code; the key itself when there is none."""
        return self.labels.get(key, key)


_FORMATS = {
    "pt-BR": {
        "delimiter": ";",
        "decimal": ",",
        "datetime_format": "%d/%m/%Y %H:%M:%S",
        "excel_datetime_format": "dd/mm/yyyy hh:mm:ss",
    },
    "en": {},
}


def sheet_locale(locale: str, labels: Mapping[str, str] | None = None) -> SheetLocale:
    return SheetLocale(**_FORMATS.get(locale, {}), labels=dict(labels or {}))
