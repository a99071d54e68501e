"""Reading a CSV the way people export them: any of three encodings and three delimiters, header or not.

Everything here streams from a seekable binary file, so memory does not grow with the file's size.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import re
from collections.abc import Generator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import chain, islice
from typing import BinaryIO

from models.errors import N_, ImportRejected, Message

EMPTY_FILE = N_("The file is empty.")

CsvSource = str | os.PathLike[str] | bytes | BinaryIO
DELIMITERS = (",", ";", "\t")
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab"}
SAMPLE_BYTES = 64 * 1024
SCAN_BYTES = 1024 * 1024
PREVIEW_ROWS = 5
_END_OF_FILE = "\x00arauto: end of file\x00"
_PHONE_LIKE = re.compile(r"\d[\d\s().+-]{6,}")


@dataclass(frozen=True, slots=True)
class CsvFormat:
    """How the file is written: its encoding and delimiter."""

    encoding: str
    delimiter: str


@dataclass(frozen=True, slots=True)
class CsvPreview:
    """What the mapping step shows: the detected format, the header guess, column names and the first rows."""

    encoding: str
    delimiter: str
    has_header: bool
    header_guess: bool
    columns: list[str]
    rows: list[list[str]]

    @property
    def delimiter_name(self) -> str:
        return DELIMITER_NAMES.get(self.delimiter, "cells")


@contextmanager
def open_source(source: CsvSource, max_bytes: int | None) -> Iterator[BinaryIO]:
    """A seekable binary stream of `source`, refused before any reading when it is larger than `max_bytes`."""
    if isinstance(source, bytes):
        _check_size(len(source), max_bytes)
        yield io.BytesIO(source)
    elif isinstance(source, (str, os.PathLike)):
        _check_size(os.stat(source).st_size, max_bytes)
        with open(source, "rb") as stream:
            yield stream
    else:
        size = source.seek(0, io.SEEK_END)
        source.seek(0)
        _check_size(size, max_bytes)
        yield source


def too_large_message(max_bytes: int) -> Message:
    return Message(
        N_("The file is larger than the %(megabytes)s MB limit; split it into smaller files."),
        megabytes=f"{max_bytes / 1024 / 1024:.0f}",
    )


def _check_size(size: int, max_bytes: int | None) -> None:
    if max_bytes is not None and size > max_bytes:
        raise ImportRejected(too_large_message(max_bytes))


def detect_format(stream: BinaryIO) -> CsvFormat:
    """Encoding (UTF-8 with or without BOM, else Windows-1252) by scanning the bytes once; delimiter from a sample."""
    encoding = _detect_encoding(stream)
    stream.seek(0)
    sample = stream.read(SAMPLE_BYTES).decode(encoding, errors="replace")
    stream.seek(0)
    if not sample.strip():
        raise ImportRejected(EMPTY_FILE)
    return CsvFormat(encoding, _detect_delimiter(sample))


def _detect_encoding(stream: BinaryIO) -> str:
    first = stream.read(SCAN_BYTES)
    if not first.strip() or first.strip() == codecs.BOM_UTF8:
        raise ImportRejected(EMPTY_FILE)
    utf8: codecs.IncrementalDecoder | None = codecs.getincrementaldecoder("utf-8")()
    cp1252 = codecs.getincrementaldecoder("cp1252")()
    chunk = first
    while chunk:
        if b"\x00" in chunk:
            raise ImportRejected(N_("This is a binary file, not a CSV: export the sheet as CSV (comma or semicolon)."))
        utf8 = _feed(utf8, chunk)
        if utf8 is None and _feed(cp1252, chunk) is None:
            raise ImportRejected(N_("The file is not text in UTF-8 or Windows (Excel): export the sheet as CSV UTF-8."))
        chunk = stream.read(SCAN_BYTES)
    if utf8 is not None and _feed(utf8, b"", final=True) is not None:
        return "utf-8-sig" if first.startswith(codecs.BOM_UTF8) else "utf-8"
    return "cp1252"


def _feed(
    decoder: codecs.IncrementalDecoder | None, chunk: bytes, final: bool = False
) -> codecs.IncrementalDecoder | None:
    """The decoder if `chunk` decodes, None once it failed."""
    if decoder is None:
        return None
    try:
        decoder.decode(chunk, final)
    except UnicodeDecodeError:
        return None
    return decoder


def _detect_delimiter(sample: str) -> str:
    """The delimiter that splits the first lines into the same number (> 1) of columns most often."""
    if "\n" in sample[:-1]:
        sample = sample[: sample.rfind("\n")]  # drop a line cut by the sample's end
    best, best_score = ",", (0.0, 0)
    for delimiter in DELIMITERS:
        try:
            widths = [len(r) for r in islice(csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter), 50) if r]
        except csv.Error:  # the sample cut a quoted value: this delimiter gets no score
            continue
        if not widths:
            continue
        common = max(set(widths), key=widths.count)
        score = (widths.count(common) / len(widths), common)
        if common > 1 and score > best_score:
            best, best_score = delimiter, score
    return best


def records(stream: BinaryIO, fmt: CsvFormat) -> Generator[tuple[int, list[str]], None, None]:
    """(row number as in the file, cells) for every non-blank record; bad CSV becomes ImportRejected.

    The csv module reads a quote left open as a value running to the end of the file, silently swallowing every
    row after it. A sentinel line (with NUL, which `detect_format` never lets through) follows the file: it stays
    a record of its own unless an open quote swallowed it too, which is then refused naming the row.
    """
    text = io.TextIOWrapper(stream, encoding=fmt.encoding, newline="")
    try:
        reader = csv.reader(chain(text, [_END_OF_FILE + "\n"]), delimiter=fmt.delimiter)
        number = 0
        try:
            for number, record in enumerate(reader, start=1):
                if record == [_END_OF_FILE]:
                    return
                if any(_END_OF_FILE in cell for cell in record):
                    raise ImportRejected(_unclosed_quote(number))
                if any(cell.strip() for cell in record):
                    yield number, record
        except csv.Error as exc:
            raise ImportRejected(
                N_("Row %(row)s cannot be read as CSV: %(error)s."), row=number + 1, error=exc
            ) from None
    finally:
        if not stream.closed:  # a generator dropped after its file was closed has nothing left to hand back
            text.detach()


def _unclosed_quote(row: int) -> Message:
    return Message(
        N_(
            'Row %(row)s opens a quote (") that is never closed, so every row after it would be read as one value: '
            "close the quote or remove it, then upload the file again."
        ),
        row=row,
    )


def guess_header(first: list[str], following: list[list[str]]) -> bool:
    """A header row holds no phone-like value while the rows below it do (or it is alone)."""
    if any(_PHONE_LIKE.search(cell) for cell in first):
        return False
    return not following or any(_PHONE_LIKE.search(cell) for row in following for cell in row)


def column_names(first: list[str], has_header: bool, width: int) -> list[str]:
    """Header cells as written (stripped); a column without a usable name is named by its 1-based number."""
    names: list[str] = []
    for index in range(width):
        name = first[index].strip() if has_header and index < len(first) else ""
        names.append(name if name and name not in names else str(index + 1))
    return names


def preview(
    source: CsvSource, *, has_header: bool | None = None, max_bytes: int | None = None, sheet: str | None = None
) -> CsvPreview:
    """Detected format, header guess, column names and the first rows: what the mapping form needs (CSV or XLSX)."""
    from models.recipients._rows import read_rows  # the workbook reader builds on this module

    with open_source(source, max_bytes) as stream:
        found = read_rows(stream, sheet=sheet, max_bytes=max_bytes)
        head = [cells for _, cells in islice(found.records, PREVIEW_ROWS + 1)]
    if not head:
        raise ImportRejected(EMPTY_FILE)
    guessed = guess_header(head[0], head[1:])
    header = guessed if has_header is None else has_header
    width = max(len(row) for row in head)
    rows = head[1:] if header else head[:PREVIEW_ROWS]
    names = column_names(head[0], header, width)
    return CsvPreview(found.encoding, found.delimiter, header, guessed, names, rows)
