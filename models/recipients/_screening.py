"""Turn raw rows into recipients: normalise the phone, drop invalid and duplicate rows, mark opted-out numbers.

Two halves: `check_rows` (pure, the costly phone normalisation) runs in a worker process when the import has a
pool; `Screener.absorb` (duplicates, opt-outs, the name table: state of the whole import) runs in file order in
the importing thread. Without a pool both run in that thread, one chunk at a time.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from models.errors import N_, ImportRejected, Message
from models.phones import PhoneError, normalise
from models.recipients._report import OPTED_OUT_ERROR, SkipKind, SkippedRow
from models.recipients._sheet import DateText, NumberText
from models.variables import Layout, NameTable, value_problem

RAW_PHONE_MAX = 64  # CampaignMessage.raw_phone's length

# One row after the pure checks: (row, phone as written, variables, E.164 phone or "", why it is invalid or "",
# the variables as stored when the checks had the import's `Layout`, else "").
Checked = tuple[int, str, Mapping[str, str], str, str, str]


@dataclass(frozen=True, slots=True)
class RawRecipient:
    """A row as read: its number in the file, the phone as written, and its variables."""

    row: int
    phone: str
    variables: Mapping[str, str]


@dataclass
class AcceptedRows:
    """Rows ready for insertion, kept column by column (variables already JSON: values in the name table's order).

    Columns of plain str/int/bool, not one object per row: the garbage collector does not track str or int, so
    100,000 rows add a handful of tracked lists instead of 100,000 objects that would make every full collection
    a 100+ ms pause of every thread, the event loop's included.
    """

    rows: list[int] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    raw_phones: list[str] = field(default_factory=list)
    variables_json: list[str] = field(default_factory=list)
    opted_out: list[bool] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.rows)

    def add(self, row: int, phone: str, raw_phone: str, variables_json: str, opted_out: bool) -> None:
        self.rows.append(row)
        self.phones.append(phone)
        self.raw_phones.append(raw_phone)
        self.variables_json.append(variables_json)
        self.opted_out.append(opted_out)

    @property
    def opted_out_count(self) -> int:
        return sum(self.opted_out)

    def columns(self, start: int, stop: int) -> Iterator[tuple[int, str, str, str, bool]]:
        """Rows `start` to `stop` as (row, phone, raw_phone, variables_json, opted_out)."""
        window = slice(start, stop)
        return zip(
            self.rows[window],
            self.phones[window],
            self.raw_phones[window],
            self.variables_json[window],
            self.opted_out[window],
            strict=True,
        )


@dataclass
class Screener:
    """Remembers the numbers seen so far (this import and the campaign's existing recipients) and the names."""

    region: str
    limit: int
    existing_count: int = 0
    existing: set[str] = field(default_factory=set)
    opted_out: frozenset[str] = frozenset()
    names: NameTable = field(default_factory=NameTable)
    accepted: AcceptedRows = field(default_factory=AcceptedRows)
    skipped: list[SkippedRow] = field(default_factory=list)
    as_object: bool = False  # store variables as {name: value} (a contact's attributes), not in the names' order
    layout: Layout | None = None  # a file's: every row holds the same names, encoded by the checks
    _named: bool = False

    def lay_out(self, names: Sequence[str]) -> Layout:
        """The layout of a file whose rows all hold `names`, for the checks to encode each row's variables."""
        self.layout = self.names.layout(names, as_object=self.as_object)
        return self.layout

    def screen(self, rows: Iterable[RawRecipient]) -> None:
        """Screen one chunk in this thread; ImportRejected as soon as the campaign would exceed its limit."""
        self.absorb(check_rows(self.region, rows))

    def absorb(self, checked: Iterable[Checked]) -> None:
        """Take one chunk of checked rows, in file order; ImportRejected once the campaign would exceed its limit."""
        for row in checked:
            self._absorb_one(*row)
        if self.existing_count + len(self.accepted) > self.limit:
            raise ImportRejected(
                N_(
                    "Too many recipients: a campaign holds at most %(limit)s; it has %(count)s "
                    "and this import adds more than %(room)s."
                ),
                limit=self.limit,
                count=self.existing_count,
                room=self.limit - self.existing_count,
            )

    def _absorb_one(
        self, row: int, raw_phone: str, variables: Mapping[str, str], phone: str, problem: str, stored: str
    ) -> None:
        if problem:
            self.skipped.append(SkippedRow(row, str(raw_phone), problem, SkipKind.INVALID, variables))
            return
        if phone in self.existing:
            reason = Message(N_("duplicate of %(phone)s"), phone=phone)
            self.skipped.append(SkippedRow(row, raw_phone, reason, SkipKind.DUPLICATE, variables))
            return
        self.existing.add(phone)
        opted_out = phone in self.opted_out
        if opted_out:
            self.skipped.append(SkippedRow(row, raw_phone, OPTED_OUT_ERROR, SkipKind.OPTED_OUT, variables))
        if not stored:
            stored = self.names.encode(variables)
        elif not self._named:  # the names a checked file's rows hold, as `encode` would add them
            self.names.extend(self.layout.names if self.layout else variables)
            self._named = True
        self.accepted.add(row, phone, raw_phone.strip()[:RAW_PHONE_MAX], stored, opted_out)


def check_rows(region: str, rows: Iterable[RawRecipient], layout: Layout | None = None) -> list[Checked]:
    """The checks that need no state of the import: values' lengths, then the phone's normalisation; with the
    file's `layout`, a valid row's variables are encoded here too (in a worker process, not the importing thread)."""
    return [_check_one(raw, region, layout) for raw in rows]


def _check_one(raw: RawRecipient, region: str, layout: Layout | None) -> Checked:
    if problem := value_problem(raw.variables):
        return (raw.row, raw.phone, {}, "", problem, "")  # values too long to echo back in the report
    try:
        if isinstance(raw.phone, DateText):
            raise PhoneError(DateText.REASON)
        phone = normalise(raw.phone, region)
    except PhoneError as exc:
        reason = NumberText.REASON if isinstance(raw.phone, NumberText) else exc.reason
        return (raw.row, raw.phone, raw.variables, "", reason, "")
    stored = layout.encode(raw.variables.values()) if layout else ""
    return (raw.row, raw.phone, raw.variables, phone, "", stored)
