"""import_csv: every kind of file people export, every rule, and a failed import writing nothing."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from models.errors import IllegalTransition, ImportRejected, NotFoundOrNotYours, ValidationFailed
from models.recipients import ImportOptions, ImportReport, import_csv, preview
from models.recipients._csv import CsvSource
from models.recipients.campaign_table import variable_names
from models.statuses import CampaignStatus
from models.tables import Campaign, CampaignMessage, OptOut
from models.variables import decode
from settings import Settings
from tests.factories import NOW, make_campaign, recipient_rows

NAMES_CSV = "telefone,Nome,Cidade\n+55 11 98888-7777,Ana,São Paulo\n(21) 97777-6666,Bruno,Rio\n"


async def run_import(
    settings: Settings, campaign: Campaign, source: CsvSource, owner_id: int | None = None, **options: Any
) -> ImportReport:
    return await import_csv(
        campaign.id, source, ImportOptions(**options), owner_id=owner_id or campaign.owner, settings=settings, now=NOW
    )


async def stored(campaign: Campaign) -> list[dict[str, Any]]:
    rows = (
        await CampaignMessage.select(
            CampaignMessage.row_number,
            CampaignMessage.phone,
            CampaignMessage.raw_phone,
            CampaignMessage.variables,
            CampaignMessage.status,
            CampaignMessage.error,
        )
        .where(CampaignMessage.campaign == campaign.id)
        .order_by(CampaignMessage.row_number)
    )
    names = await variable_names(campaign.id)
    return [{**row, "variables": decode(names, row["variables"])} for row in rows]


async def counters(campaign: Campaign) -> Any:
    return (
        await Campaign.select(
            Campaign.total_recipients, Campaign.pending_count, Campaign.skipped_count, Campaign.updated_at
        )
        .where(Campaign.id == campaign.id)
        .first()
    )


@pytest.fixture
async def campaign(make_user: Any) -> Campaign:
    user = await make_user()
    return await make_campaign(user.id, None)


async def test_utf8_file_stores_phones_and_variables_named_by_their_header(settings, campaign):
    await run_import(settings, campaign, NAMES_CSV.encode())
    rows = await stored(campaign)
    assert [(r["row_number"], r["phone"], r["variables"]) for r in rows] == [
        (2, "5511988887777", {"Nome": "Ana", "Cidade": "São Paulo"}),
        (3, "5521977776666", {"Nome": "Bruno", "Cidade": "Rio"}),
    ]


async def test_the_number_as_written_is_kept_beside_the_normalised_one(settings, campaign):
    await run_import(settings, campaign, NAMES_CSV.encode())
    assert [r["raw_phone"] for r in await stored(campaign)] == ["+55 11 98888-7777", "(21) 97777-6666"]


async def test_utf8_with_bom_keeps_the_first_header_clean(settings, campaign):
    await run_import(settings, campaign, b"\xef\xbb\xbf" + NAMES_CSV.encode(), phone_column="telefone")
    assert (await stored(campaign))[0]["variables"] == {"Nome": "Ana", "Cidade": "São Paulo"}


async def test_windows_1252_with_semicolons_is_decoded(settings, campaign):
    data = "Telefone;Nome\r\n11988887777;João\r\n".encode("cp1252")
    await run_import(settings, campaign, data)
    assert (await stored(campaign))[0]["variables"] == {"Nome": "João"}


async def test_crlf_line_ends_leave_no_carriage_return_in_values(settings, campaign):
    await run_import(settings, campaign, NAMES_CSV.replace("\n", "\r\n").encode())
    assert [r["variables"]["Cidade"] for r in await stored(campaign)] == ["São Paulo", "Rio"]


async def test_quoted_fields_keep_their_commas_and_newlines(settings, campaign):
    data = b'phone,Address\n11988887777,"Rua A, 10\nApto 2"\n21977776666,Rua B\n'
    await run_import(settings, campaign, data)
    rows = await stored(campaign)
    assert [(r["row_number"], r["variables"]["Address"]) for r in rows] == [(2, "Rua A, 10\nApto 2"), (3, "Rua B")]


async def test_a_tab_separated_file_is_read(settings, campaign):
    await run_import(settings, campaign, b"phone\tName\n11988887777\tAna\n")
    assert (await stored(campaign))[0]["variables"] == {"Name": "Ana"}


async def test_a_header_less_file_names_variables_by_column_number(settings, campaign):
    await run_import(settings, campaign, b"Ana,11988887777\nBruno,21977776666\n", phone_column="2")
    rows = await stored(campaign)
    assert [(r["row_number"], r["phone"], r["variables"]) for r in rows] == [
        (1, "5511988887777", {"1": "Ana"}),
        (2, "5521977776666", {"1": "Bruno"}),
    ]


async def test_only_the_chosen_variable_columns_are_kept(settings, campaign):
    await run_import(settings, campaign, NAMES_CSV.encode(), variable_columns=["Nome"])
    assert (await stored(campaign))[0]["variables"] == {"Nome": "Ana"}


async def test_an_unknown_phone_column_names_the_columns_of_the_file(settings, campaign):
    with pytest.raises(ValidationFailed) as caught:
        await run_import(settings, campaign, NAMES_CSV.encode(), phone_column="Phone")
    assert caught.value.errors == {
        "phoneColumn": "No column “Phone” in the file; its columns are: telefone, Nome, Cidade."
    }


async def test_duplicates_written_differently_are_stored_once_and_reported(settings, campaign):
    report = await run_import(settings, campaign, b"phone\n+55 11 98888-7777\n11988887777\n")
    assert len(await stored(campaign)) == 1
    assert [(s.row, s.raw, s.kind.value) for s in report.skipped] == [(3, "11988887777", "duplicate")]


async def test_a_number_already_in_the_campaign_is_a_duplicate(settings, make_user):
    user = await make_user()
    campaign = await make_campaign(user.id, None, recipients=recipient_rows(["5511988887777"]))
    report = await run_import(settings, campaign, b"phone\n11988887777\n21977776666\n")
    assert (report.imported, report.counts["duplicate"]) == (1, 1)


async def test_invalid_rows_are_reported_with_row_number_value_and_reason(settings, campaign):
    report = await run_import(settings, campaign, b"phone,Nome\n11988887777,Ana\n5.51E+12,Bia\n123,Caio\n")
    assert [(s.row, s.raw, s.kind.value) for s in report.skipped] == [(3, "5.51E+12", "invalid"), (4, "123", "invalid")]
    assert "scientific notation" in report.skipped[0].reason


async def test_opted_out_numbers_are_stored_skipped_and_counted(settings, campaign):
    await OptOut(owner=campaign.owner, phone="5511988887777", created_at=NOW).save()
    report = await run_import(settings, campaign, NAMES_CSV.encode())
    rows = await stored(campaign)
    assert [(r["status"], r["error"]) for r in rows] == [("SKIPPED", "Opted out"), ("PENDING", "")]
    assert (report.imported, report.counts["optedOut"]) == (1, 1)


async def test_counters_move_by_what_the_import_stored(settings, campaign):
    await OptOut(owner=campaign.owner, phone="5511988887777", created_at=NOW).save()
    await run_import(settings, campaign, NAMES_CSV.encode())
    found = await counters(campaign)
    assert (found["total_recipients"], found["pending_count"], found["skipped_count"]) == (2, 1, 1)


async def test_an_empty_file_is_rejected(settings, campaign):
    with pytest.raises(ImportRejected, match="empty"):
        await run_import(settings, campaign, b"")


async def test_a_binary_file_is_rejected(settings, campaign):
    with pytest.raises(ImportRejected, match="binary"):
        await run_import(settings, campaign, b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00" * 20)


async def test_a_file_with_no_valid_recipient_is_rejected_and_writes_nothing(settings, campaign):
    with pytest.raises(ImportRejected, match="No valid recipient"):
        await run_import(settings, campaign, b"phone\n123\nabc\n")
    assert await stored(campaign) == []


async def test_more_recipients_than_the_limit_is_rejected_naming_it(settings, make_user):
    user = await make_user()
    campaign = await make_campaign(user.id, None, recipients=recipient_rows(["5511911112222"]))
    small = replace(settings, max_recipients=2)
    with pytest.raises(ImportRejected, match="at most 2"):
        await run_import(small, campaign, b"phone\n11988887777\n21977776666\n")


async def test_a_file_over_the_size_limit_is_refused_before_reading_and_writes_nothing(settings, campaign, tmp_path):
    path = Path(tmp_path) / "big.csv"
    path.write_bytes(b"phone\n" + b"11988887777\n" * 200)
    before = await counters(campaign)
    with pytest.raises(ImportRejected, match="larger than"):
        await run_import(replace(settings, max_upload_bytes=1024), campaign, path)
    assert (await stored(campaign), await counters(campaign)) == ([], before)


async def test_a_failed_insert_leaves_the_campaign_exactly_as_it_was(settings, make_user, monkeypatch):
    user = await make_user()
    campaign = await make_campaign(user.id, None, recipients=recipient_rows(["5521977776666"]))
    before = (await stored(campaign), await counters(campaign))

    async def stale_phones(campaign_id: int) -> set[str]:
        """As if a concurrent import wrote 5521977776666 after this one read the campaign's phones."""
        return set()

    monkeypatch.setattr("models.recipients._importing.existing_phones", stale_phones)
    with pytest.raises(Exception, match=r"(?i)unique"):  # the unique index refuses the insert after the counters moved
        await run_import(settings, campaign, b"phone\n11988887777\n21977776666\n")
    assert (await stored(campaign), await counters(campaign)) == before


async def test_a_running_campaign_refuses_recipients_naming_its_status(settings, make_user):
    user = await make_user()
    campaign = await make_campaign(user.id, None, status=CampaignStatus.RUNNING)
    with pytest.raises(IllegalTransition, match="RUNNING"):
        await run_import(settings, campaign, NAMES_CSV.encode())


async def test_another_users_campaign_is_not_found(settings, campaign, make_user):
    other = await make_user()
    with pytest.raises(NotFoundOrNotYours):
        await run_import(settings, campaign, NAMES_CSV.encode(), owner_id=other.id)


async def test_preview_detects_format_header_and_first_rows(db):
    found = preview("Telefone;Nome\r\n11988887777;João\r\n".encode("cp1252"))
    assert (found.encoding, found.delimiter, found.has_header, found.columns, found.rows) == (
        "cp1252",
        ";",
        True,
        ["Telefone", "Nome"],
        [["11988887777", "João"]],
    )


async def test_preview_of_a_header_less_file_names_columns_by_number(db):
    found = preview(b"11988887777,Ana\n21977776666,Bia\n")
    assert (found.has_header, found.columns, len(found.rows)) == (False, ["1", "2"], 2)


async def test_a_scheduled_campaign_still_accepts_recipients(settings, make_user):
    user = await make_user()
    campaign = await make_campaign(user.id, None, status=CampaignStatus.SCHEDULED)
    report = await run_import(settings, campaign, NAMES_CSV.encode())
    assert report.imported == 2


async def test_an_unknown_default_region_is_a_validation_error_on_the_field(settings, campaign):
    with pytest.raises(ValidationFailed) as caught:
        await run_import(settings, campaign, NAMES_CSV.encode(), default_region="XX")
    assert list(caught.value.errors) == ["defaultRegion"]
