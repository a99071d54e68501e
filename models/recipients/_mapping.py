"""Which column holds the phone and which become variables, and the rows of a CSV read through that mapping."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import chain, islice
from typing import BinaryIO

from models.errors import N_, ImportRejected, Message, ValidationFailed
from models.recipients._csv import EMPTY_FILE, PREVIEW_ROWS, column_names, guess_header
from models.recipients._rows import read_rows
from models.recipients._screening import Checked, RawRecipient, check_rows
from models.variables import MAX_VARIABLES, Layout, name_problem

PHONE_HEADERS = frozenset(
    {"phone", "telefone", "celular", "whatsapp", "numero", "número", "number", "mobile", "fone", "tel", "phone_number"}
)


@dataclass(frozen=True, slots=True)
class ImportOptions:
    """The mapping step's answers; None means "detect" (header, phone column) or "every other column"."""

    has_header: bool | None = None
    phone_column: str | None = None
    variable_columns: Sequence[str] | None = None
    default_region: str | None = None
    sheet: str | None = None  # a workbook's sheet by name; None: the first (ignored for a CSV)


def resolve_column(spec: str, columns: Sequence[str], field: str) -> int:
    """A header name exactly as written, or a 1-based column number; ValidationFailed naming the columns."""
    spec = spec.strip()
    if spec in columns:
        return columns.index(spec)
    if spec.isdigit() and 1 <= int(spec) <= len(columns):
        return int(spec) - 1
    listing = ", ".join(columns)
    raise ValidationFailed(
        {
            field: Message(
                N_("No column “%(column)s” in the file; its columns are: %(columns)s."), column=spec, columns=listing
            )
        }
    )


def default_phone_column(columns: Sequence[str]) -> int:
    """A column whose header says "phone" (in English or Portuguese), else the first."""
    for index, name in enumerate(columns):
        if name.strip().casefold() in PHONE_HEADERS:
            return index
    return 0


Record = tuple[int, list[str]]  # (row number as in the file, cells)


@dataclass(frozen=True, slots=True)
class RecordChunk:
    """Records kept flat (row numbers, widths, every cell in one list) while they wait for a worker: three objects
    for the garbage collector to walk instead of one list per row, so its full collections stay short."""

    numbers: list[int]
    widths: list[int]
    cells: list[str]

    def __len__(self) -> int:
        return len(self.numbers)

    def records(self) -> Iterator[Record]:
        start = 0
        for number, width in zip(self.numbers, self.widths, strict=True):
            yield number, self.cells[start : start + width]
            start += width


@dataclass(frozen=True, slots=True)
class ColumnMap:
    """Where the phone and each variable are in a record: small and picklable, so a worker process can map rows."""

    phone_index: int
    variables: tuple[tuple[int, str], ...]  # (column index, variable name)

    def recipient(self, number: int, cells: list[str]) -> RawRecipient:
        width = len(cells)
        phone = cells[self.phone_index] if self.phone_index < width else ""
        values = {name: (cells[i].strip() if i < width else "") for i, name in self.variables}
        return RawRecipient(number, phone, values)


def check_records(region: str, columns: ColumnMap, chunk: RecordChunk, layout: Layout | None = None) -> list[Checked]:
    """One chunk of records mapped, checked and encoded: the task an import's worker process runs."""
    return check_rows(region, (columns.recipient(number, cells) for number, cells in chunk.records()), layout)


class RecipientRows:
    """A CSV or XLSX read through its mapping, handed out in chunks; synchronous, so the import runs it in a thread."""

    def __init__(self, stream: BinaryIO, options: ImportOptions, max_bytes: int | None = None) -> None:
        self._records = read_rows(stream, sheet=options.sheet, max_bytes=max_bytes).records
        head = list(islice(self._records, PREVIEW_ROWS + 1))
        if not head:
            raise ImportRejected(EMPTY_FILE)
        first = head[0][1]
        guessed = guess_header(first, [cells for _, cells in head[1:]])
        self.has_header = guessed if options.has_header is None else options.has_header
        width = max(len(cells) for _, cells in head)
        self.columns = column_names(first, self.has_header, width)
        try:
            self.phone_index, self.variable_indexes = _mapping(self.columns, options)
            _check_variable_columns(self.columns, self.variable_indexes)
        except ValidationFailed:
            self._records.close()  # detach from the stream now, while it is still open
            raise
        self.column_map = ColumnMap(self.phone_index, tuple((i, self.columns[i]) for i in self.variable_indexes))
        self._rows: Iterator[Record] = chain(head[1:] if self.has_header else head, self._records)

    def next_chunk(self, size: int) -> list[RawRecipient]:
        """Up to `size` recipients; an empty list once the file is read."""
        return [self.column_map.recipient(number, cells) for number, cells in islice(self._rows, size)]

    def next_records(self, size: int) -> RecordChunk:
        """Up to `size` records as read (for `check_records` in a worker process); empty once the file is read."""
        chunk = RecordChunk([], [], [])
        for number, cells in islice(self._rows, size):
            chunk.numbers.append(number)
            chunk.widths.append(len(cells))
            chunk.cells.extend(cells)
        return chunk


def _check_variable_columns(columns: Sequence[str], indexes: Sequence[int]) -> None:
    """Bounded before a row is read: so many columns, or such long names, are refused naming the column."""
    if len(indexes) > MAX_VARIABLES:
        raise ValidationFailed(
            {
                "variableColumns": Message(
                    N_(
                        "The file has %(count)s columns besides the phone; at most %(limit)s can be variables: "
                        "choose the columns the message uses."
                    ),
                    count=len(indexes),
                    limit=MAX_VARIABLES,
                )
            }
        )
    for index in indexes:
        if problem := name_problem(columns[index]):
            raise ValidationFailed(
                {"variableColumns": Message(N_("Column %(number)s: %(problem)s"), number=index + 1, problem=problem)}
            )


def _mapping(columns: Sequence[str], options: ImportOptions) -> tuple[int, list[int]]:
    if options.phone_column not in (None, ""):
        phone = resolve_column(str(options.phone_column), columns, "phoneColumn")
    else:
        phone = default_phone_column(columns)
    if options.variable_columns is None:
        return phone, [i for i in range(len(columns)) if i != phone]
    chosen = [resolve_column(spec, columns, "variableColumns") for spec in options.variable_columns if spec.strip()]
    return phone, [i for i in dict.fromkeys(chosen) if i != phone]
