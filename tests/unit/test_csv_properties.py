"""Property tests of the CSV import's synchronous core (what `import_csv` runs in its worker thread).

On any bytes it either refuses the file with a DomainError (a message for the user, answered 400) or accounts for
every row it read: each one is imported or listed in the report, once (issue 10, finding 14).
"""

from __future__ import annotations

import io

from hypothesis import given, settings
from hypothesis import strategies as st

from models.errors import DomainError
from models.recipients._csv import detect_format, records
from models.recipients._mapping import ImportOptions, RecipientRows
from models.recipients._screening import Screener

PROPERTY_SETTINGS = settings(derandomize=True, max_examples=300, deadline=None, database=None)
CSV_BYTES = st.sampled_from([b",", b";", b"\t", b'"', b"\r\n", b"\n", b"\r", b" ", b"a", b"\xc3\xa9", b"\xe9",
                             b"+55 11 98888-7777", b"11988887777", b"123", b"Nome", b"\xef\xbb\xbf", b"\x00"])


def import_outcome(data: bytes, has_header: bool | None = None) -> tuple[set[int], list[int]] | DomainError:
    """The data rows read (their numbers, header left out) and the rows accounted for, or the refusal."""
    try:
        rows = RecipientRows(io.BytesIO(data), ImportOptions(has_header=has_header, default_region="BR"))
        screener = Screener(region="BR", limit=100_000)
        while chunk := rows.next_chunk(7):
            screener.screen(chunk)
        stream = io.BytesIO(data)
        read = [number for number, _ in records(stream, detect_format(stream))]
    except DomainError as refused:
        return refused
    data_rows = set(read[1:] if rows.has_header else read)
    accounted = list(screener.accepted.rows)
    accounted += [s.row for s in screener.skipped if s.row not in set(screener.accepted.rows)]
    return data_rows, accounted


def check_every_row_is_accounted_for(data: bytes) -> None:
    outcome = import_outcome(data)
    if isinstance(outcome, DomainError):
        assert outcome.message
        return
    data_rows, accounted = outcome
    assert sorted(accounted) == sorted(data_rows)


@PROPERTY_SETTINGS
@given(st.binary(max_size=400))
def test_arbitrary_bytes_are_refused_with_a_message_or_every_row_is_accounted_for(data: bytes) -> None:
    check_every_row_is_accounted_for(data)


@PROPERTY_SETTINGS
@given(st.lists(CSV_BYTES, max_size=60).map(b"".join))
def test_csv_like_bytes_are_refused_with_a_message_or_every_row_is_accounted_for(data: bytes) -> None:
    check_every_row_is_accounted_for(data)


@PROPERTY_SETTINGS
@given(st.lists(st.lists(st.sampled_from(["11988887777", "+55 21 97777-6666", "x", "", "Ana"]), min_size=2,
                         max_size=3), min_size=1, max_size=12))
def test_a_quote_free_file_accounts_for_every_non_blank_line(table: list[list[str]]) -> None:
    lines = ["telefone;Nome", *(";".join(cells) for cells in table)]
    outcome = import_outcome("\r\n".join(lines).encode(), has_header=True)
    if isinstance(outcome, DomainError):
        assert outcome.message
        return
    _, accounted = outcome
    assert len(accounted) == sum(1 for cells in table if any(cell.strip() for cell in cells))
