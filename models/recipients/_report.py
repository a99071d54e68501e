"""What an import did: how many recipients went in, and every row left out with its reason."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from models.errors import Message, say
from models.inbound import OPTED_OUT
from models.spreadsheet import BOM, SheetLocale, csv_text


class SkipKind(StrEnum):
    """Why a row did not become a PENDING recipient; the report counts rows per kind."""

    INVALID = "invalid"
    DUPLICATE = "duplicate"
    OPTED_OUT = "optedOut"


OPTED_OUT_ERROR = Message(OPTED_OUT)  # the one text (models/inbound), whoever skips the number


@dataclass(frozen=True, slots=True)
class SkippedRow:
    """One row left out: its number as in the file (header = row 1), the value as written, and why (a `Message`
    while the import runs; the translated text once the report went through `as_json(_)` and back)."""

    row: int
    raw: str
    reason: str
    kind: SkipKind
    variables: Mapping[str, str] = field(default_factory=dict)  # the row's other columns, by header


@dataclass
class ImportReport:
    """The answer to an import; `as_json()` for the API, `as_csv()` for the page's download link."""

    imported: int = 0
    skipped: list[SkippedRow] = field(default_factory=list)
    total_recipients: int = 0

    @property
    def counts(self) -> dict[str, int]:
        """Rows per skip kind, every kind present (zero when none)."""
        found = Counter(row.kind for row in self.skipped)
        return {kind.value: found[kind] for kind in SkipKind}

    @property
    def opted_out(self) -> int:
        return self.counts[SkipKind.OPTED_OUT.value]

    def nothing_added(self, no_rows: str, summary: str) -> Message:
        """Why a file added nothing: `no_rows` when it had no rows, else `summary` filled with the skips by kind
        (`invalid`, `duplicate`, `opted_out`, which the opt-out list's own import calls `known`) and the first
        problem (`row`, `reason`)."""
        if not self.skipped:
            return Message(no_rows)
        first, counts = self.skipped[0], self.counts
        return Message(
            summary,
            invalid=counts[SkipKind.INVALID.value],
            duplicate=counts[SkipKind.DUPLICATE.value],
            opted_out=self.opted_out,
            known=self.opted_out,
            row=first.row,
            reason=first.reason,
        )

    def as_json(self, translate: Callable[[str], str] | None = None) -> dict[str, Any]:
        """With `translate`, each row's reason in the caller's language; without, in English."""
        return {
            "imported": self.imported,
            "skippedCount": len(self.skipped),
            "counts": self.counts,
            "totalRecipients": self.total_recipients,
            "skipped": [
                {
                    "row": s.row,
                    "raw": s.raw,
                    "reason": say(s.reason, translate) if translate else str(s.reason),
                    "kind": s.kind.value,
                    "variables": dict(s.variables),
                }
                for s in self.skipped
            ],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ImportReport:
        """The report back from `as_json()` (the upload page keeps it between the import and its download)."""
        skipped = [
            SkippedRow(s["row"], s["raw"], s["reason"], SkipKind(s["kind"]), s.get("variables") or {})
            for s in data["skipped"]
        ]
        return cls(imported=data["imported"], skipped=skipped, total_recipients=data["totalRecipients"])

    def as_csv(self, sheet: SheetLocale | None = None) -> str:
        """The skipped rows as a CSV the user's spreadsheet opens (UTF-8 with BOM, its separator, its words):
        row, value, kind, reason, then the row's other columns, so it can be fixed and imported again."""
        sheet = sheet or SheetLocale()
        names = list(self.skipped[0].variables) if self.skipped else []
        header = [*(sheet.label(key) for key in ("row", "value", "kind", "reason")), *names]
        rows = (
            [s.row, s.raw, sheet.label(s.kind.value), s.reason, *(s.variables.get(name, "") for name in names)]
            for s in self.skipped
        )
        return BOM + csv_text([header, *rows], delimiter=sheet.delimiter)
