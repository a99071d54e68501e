"""import_csv with a process pool: a large file is checked on every core, and the report and the stored rows are
exactly those of the same import run in its thread alone."""

from __future__ import annotations

import json
import multiprocessing
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any

import pytest

from models.contacts.importing import import_into_list
from models.contacts.lists import create_list
from models.errors import ImportRejected
from models.recipients import ImportOptions, ImportReport, current_pool, import_csv
from models.recipients._importing import SCREEN_CHUNK
from models.tables import Campaign, CampaignMessage, Contact, ListMember, OptOut
from settings import Settings
from tests.factories import NOW, make_campaign

ROWS = 2 * SCREEN_CHUNK + 500


class CountingPool(ProcessPoolExecutor):
    """A real process pool that remembers how many tasks it was given."""

    def __init__(self) -> None:
        super().__init__(max_workers=2, mp_context=multiprocessing.get_context("spawn"))
        self.submitted = 0

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Future[Any]:
        self.submitted += 1
        return super().submit(fn, *args, **kwargs)


@pytest.fixture(scope="module")
def pool() -> Iterator[CountingPool]:
    executor = CountingPool()
    yield executor
    executor.shutdown(wait=True)


def mixed_csv(rows: int, *, tail: str = "") -> bytes:
    """Valid numbers in several formats, with invalid, duplicate, opted-out and too-long rows spread through."""
    lines = ["telefone;Nome;Nota"]
    for index in range(rows):
        number = f"(11) 9{index:04d}-{index % 10_000:04d}"
        if index % 97 == 0:
            number = "abc"
        elif index % 101 == 0:
            number = "(11) 90001-0001"  # the same number as row 3: a duplicate
        note = "x" * 1_001 if index % 503 == 0 else f"n{index}"
        lines.append(f"{number};Pessoa {index};{note}")
    return ("\r\n".join(lines) + "\r\n" + tail).encode()


async def import_into(settings: Settings, owner_id: int, data: bytes, executor: Any) -> tuple[ImportReport, Any]:
    campaign = await make_campaign(owner_id, None)
    report = await import_csv(
        campaign.id, data, ImportOptions(), owner_id=owner_id, settings=settings, now=NOW, executor=executor
    )
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
    return report, rows


async def test_a_large_file_checked_in_worker_processes_gives_the_same_report_and_rows_as_one_thread(
    settings, make_user, pool
):
    user = await make_user()
    await OptOut(owner=user.id, phone="5511900050005", created_at=NOW).save()
    data = mixed_csv(ROWS)
    alone, alone_rows = await import_into(settings, user.id, data, executor=None)
    before = pool.submitted
    pooled, pooled_rows = await import_into(settings, user.id, data, executor=pool)

    assert pool.submitted - before == 3  # the file's three chunks each went to a worker process
    assert pooled.as_json() == alone.as_json()
    assert pooled_rows == alone_rows
    counts = pooled.as_json()["counts"]
    assert counts["invalid"] > ROWS // 100 and counts["duplicate"] > ROWS // 200 and counts["optedOut"] == 1
    assert pooled.imported == ROWS - len(pooled.skipped)


async def test_the_limit_met_in_an_early_chunk_is_reported_before_a_csv_error_further_down(settings, make_user, pool):
    user = await make_user()
    limited = Settings(**{**settings.__dict__, "max_recipients": SCREEN_CHUNK // 2})
    data = mixed_csv(ROWS, tail='"never closed;x;y\r\n')
    messages = []
    for executor in (None, pool):
        campaign = await make_campaign(user.id, None)
        with pytest.raises(ImportRejected) as refused:
            await import_csv(
                campaign.id, data, ImportOptions(), owner_id=user.id, settings=limited, now=NOW, executor=executor
            )
        messages.append(refused.value.message)
    assert messages[0] == messages[1]
    assert messages[0].startswith("Too many recipients")
    assert await Campaign.count() == 2 and await CampaignMessage.count() == 0


async def test_the_app_opens_its_import_pool_for_its_lifetime(app, client):
    assert current_pool() is not None
    response = await client.get("/healthz")
    assert response.json() == {"status": "ok"}


async def test_a_csv_error_in_the_last_chunk_names_the_same_row_with_or_without_the_pool(settings, make_user, pool):
    user = await make_user()
    data = mixed_csv(ROWS, tail='"never closed;x;y\r\n')
    messages = []
    for executor in (None, pool):
        campaign = await make_campaign(user.id, None)
        with pytest.raises(ImportRejected) as refused:
            await import_csv(
                campaign.id, data, ImportOptions(), owner_id=user.id, settings=settings, now=NOW, executor=executor
            )
        messages.append(refused.value.message)
    assert messages[0] == messages[1]
    assert messages[0].startswith(f"Row {ROWS + 2} opens a quote")


async def test_a_list_import_checked_in_worker_processes_gives_the_same_report_and_contacts_as_one_thread(
    settings, make_user, pool
):
    """One pipeline: a list's import goes through the same pool, its attributes encoded by the workers."""
    user = await make_user()
    data = mixed_csv(ROWS)
    found: list[tuple[dict[str, Any], list[tuple[str, dict[str, str]]]]] = []
    for executor in (None, pool):
        target = await create_list(f"List {len(found)}", owner_id=user.id, now=NOW)
        before = pool.submitted
        report = await import_into_list(
            target.id, data, ImportOptions(), owner_id=user.id, settings=settings, now=NOW, executor=executor
        )
        assert pool.submitted - before == (3 if executor else 0)
        members = (
            await Contact.select(Contact.phone, Contact.attributes)
            .where(Contact.id.is_in(ListMember.select(ListMember.contact).where(ListMember.contact_list == target.id)))
            .order_by(Contact.phone)
        )
        found.append((report.as_json(), [(row["phone"], _mapping(row["attributes"])) for row in members]))
    (alone, alone_members), (pooled, pooled_members) = found
    assert pooled == alone
    assert pooled_members == alone_members
    assert len(pooled_members) == pooled["imported"] and pooled["counts"]["duplicate"] > ROWS // 200
    assert pooled_members[0][1] == {"Nome": "Pessoa 1", "Nota": "n1"}


def _mapping(value: Any) -> dict[str, str]:
    return json.loads(value) if isinstance(value, str) else dict(value)
