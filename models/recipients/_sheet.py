"""Reading an Excel workbook (.xlsx) into the same rows the CSV reader gives, so the rest of the import is shared.

python-calamine (Rust) parses the sheet; each cell becomes text the way a CSV export would write it, except that a
number Excel stored as a number (5.511987654321E12, 11987654321.0) becomes its digits, and a cell Excel holds as a
number or a date keeps that fact (`NumberText`, `DateText`) so the phone screening can say so in the row's report.
"""

from __future__ import annotations

import os
import zipfile
from collections.abc import Generator
from datetime import date, datetime, time, timedelta
from typing import BinaryIO

from python_calamine import CalamineError, CalamineWorkbook

from models.errors import N_, ImportRejected, Message

XLSX_MAGIC = b"PK\x03\x04"
# A workbook is a zip: refuse one that would unpack to more than this many times its size limit (a zip bomb).
MAX_UNPACK_RATIO = 30
FALLBACK_UNPACK_BYTES = 512 * 1024 * 1024
_EXACT_INTEGER = 2**53  # above it a float no longer holds every integer: not a number Excel typed as digits


class NumberText(str):
    """A cell Excel stored as a number: a phone there may have lost a leading zero or its "+"."""

    __slots__ = ()
    REASON = Message(
        N_(
            "the cell holds a number, not text, so a leading zero or the + may have been lost; "
            "format the column as Text in the spreadsheet and type the number again"
        )
    )


class DateText(str):
    """A cell Excel formatted as a date or time: never a phone number."""

    __slots__ = ()
    REASON = Message(
        N_("the cell is formatted as a date in the spreadsheet; format the column as Text and type the number again")
    )


def is_xlsx(stream: BinaryIO) -> bool:
    """An .xlsx file starts like any zip; the stream is left at its start."""
    stream.seek(0)
    magic = stream.read(len(XLSX_MAGIC))
    stream.seek(0)
    return magic == XLSX_MAGIC


def sheet_records(
    stream: BinaryIO, sheet: str | None, max_bytes: int | None
) -> Generator[tuple[int, list[str]], None, None]:
    """(row number as Excel shows it, cells as text) for every non-blank row of `sheet` (default: the first)."""
    _check_unpacked_size(stream, max_bytes)
    try:
        workbook = CalamineWorkbook.from_filelike(stream)
    except (CalamineError, ValueError, OSError) as exc:
        raise ImportRejected(
            N_("The workbook cannot be read: %(error)s. Save it again as .xlsx, or as CSV."), error=exc
        ) from None
    names = list(workbook.sheet_names)
    if not names:
        raise ImportRejected(N_("The workbook has no sheet."))
    name = sheet if sheet else names[0]
    if name not in names:
        raise ImportRejected(
            N_("The workbook has no sheet named “%(name)s”; its sheets are: %(names)s."),
            name=name,
            names=", ".join(names),
        )
    try:
        found = workbook.get_sheet_by_name(name)
    except CalamineError as exc:
        raise ImportRejected(N_("The sheet “%(name)s” cannot be read: %(error)s."), name=name, error=exc) from None
    first_row = found.start[0] if found.start else 0
    for offset, cells in enumerate(found.iter_rows()):
        texts = [cell if type(cell) is str else cell_text(cell) for cell in cells]  # most cells: no call
        if any(text.strip() for text in texts):
            yield first_row + offset + 1, texts


def sheet_names(stream: BinaryIO) -> list[str]:
    try:
        return list(CalamineWorkbook.from_filelike(stream).sheet_names)
    except (CalamineError, ValueError, OSError):
        return []
    finally:
        stream.seek(0)


def workbook_sheets(path: str | os.PathLike[str]) -> list[str]:
    """The sheet names of the workbook at `path`, in order; [] for a CSV (the mapping step offers the choice)."""
    with open(path, "rb") as stream:
        return sheet_names(stream) if is_xlsx(stream) else []


def _check_unpacked_size(stream: BinaryIO, max_bytes: int | None) -> None:
    limit = max_bytes * MAX_UNPACK_RATIO if max_bytes else FALLBACK_UNPACK_BYTES
    try:
        with zipfile.ZipFile(stream) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        raise ImportRejected(
            N_("This is a binary file but not a valid .xlsx workbook: save it again as .xlsx, or export it as CSV.")
        ) from None
    finally:
        stream.seek(0)
    if unpacked > limit:
        raise ImportRejected(N_("The workbook unpacks to far more than its size; save it again, or export it as CSV."))


def cell_text(cell: object) -> str:
    """A cell as a CSV export would write it; numbers and dates keep what they were (see the classes above)."""
    if isinstance(cell, str):
        return cell
    if isinstance(cell, bool):
        return "TRUE" if cell else "FALSE"
    if isinstance(cell, float):
        if cell.is_integer() and abs(cell) < _EXACT_INTEGER:
            return NumberText(str(int(cell)))
        return NumberText(repr(cell))
    if isinstance(cell, int):
        return NumberText(str(cell))
    if isinstance(cell, (datetime, date, time)):
        return DateText(cell.isoformat())
    if isinstance(cell, timedelta):
        return DateText(str(cell))
    return "" if cell is None else str(cell)
