"""One entry to a recipients file's rows, whatever its kind: a workbook (.xlsx) or a CSV in any detected format."""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass
from typing import BinaryIO

from models.recipients._csv import detect_format, records
from models.recipients._sheet import is_xlsx, sheet_records

XLSX = "XLSX"


@dataclass(frozen=True, slots=True)
class FileRows:
    """What was detected (an encoding, or XLSX) and the (row number, cells) of every non-blank row."""

    encoding: str
    delimiter: str
    records: Generator[tuple[int, list[str]], None, None]


def read_rows(stream: BinaryIO, *, sheet: str | None = None, max_bytes: int | None = None) -> FileRows:
    """A workbook's sheet (`sheet`, else the first) or the CSV's records: the same rows for the rest of the import."""
    if is_xlsx(stream):
        return FileRows(XLSX, "", sheet_records(stream, sheet, max_bytes))
    fmt = detect_format(stream)
    return FileRows(fmt.encoding, fmt.delimiter, records(stream, fmt))
