"""Recording a send's outcome right after the HTTP call: status and counters in one transaction, single atomic
UPDATEs, and only while the row is still this worker's claim (a message is never counted twice)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from piccolo.querystring import QueryString

from models.db import atomic
from models.sending._engine import on_postgres, rows_changed
from models.statuses import MessageStatus
from models.tables import Campaign, CampaignMessage

SENDING = MessageStatus.SENDING.value
SENT_CHUNK = 500  # records per UPDATE: 4 parameters each stay far below either engine's limit
# The price of the number that sent it (the message's own number; else the campaign's first), at the moment of the
# send, read by the same UPDATE that records the send (issue 15: a later price change does not rewrite history).
PRICE_NOW = QueryString(
    'COALESCE((SELECT s."cost_per_message" FROM "arauto_instance" s '
    'WHERE s."id" = "arauto_campaign_message"."instance_id"), '
    '(SELECT i."cost_per_message" FROM "arauto_campaign" c JOIN "arauto_instance" i ON i."id" = c."instance" '
    'WHERE c."id" = "arauto_campaign_message"."campaign"))'
)


def _still_mine(message_id: int, worker: str | None) -> Any:
    where: Any = (CampaignMessage.id == message_id) & (CampaignMessage.status == SENDING)
    return where if worker is None else where & (CampaignMessage.claimed_by == worker)


@dataclass(frozen=True)
class SentRecord:
    message_id: int
    key_id: str
    remote_jid: str
    sent_at: datetime


async def record_sent(
    message_id: int, *, key_id: str, remote_jid: str, now: datetime, worker: str | None
) -> int | None:
    """SENDING -> SENT (sent_count + 1, pending_count - 1); the campaign id, or None if the claim was not ours."""
    return (await record_sent_many([SentRecord(message_id, key_id, remote_jid, now)], worker=worker))[0]


async def record_sent_many(records: Sequence[SentRecord], *, worker: str | None) -> list[int | None]:
    """Several SENT outcomes in one transaction (a group commit): one UPDATE for every row (SENT_CHUNK at a time),
    then one counter UPDATE per campaign. Per record: its campaign id, or None when the claim was no longer this
    worker's (a record repeated in one batch counts once)."""
    ours: dict[int, int] = {}
    unique = list({record.message_id: record for record in reversed(records)}.values())  # the first one wins
    async with atomic():
        for start in range(0, len(unique), SENT_CHUNK):
            for row in await _mark_sent(unique[start : start + SENT_CHUNK], worker):
                ours[int(row["id"])] = int(row["campaign"])
        campaigns = [ours.pop(record.message_id, None) for record in records]
        for campaign_id, count in Counter(c for c in campaigns if c is not None).items():
            await Campaign.update(
                {
                    Campaign.sent_count: Campaign.sent_count + count,
                    Campaign.pending_count: Campaign.pending_count - count,
                }
            ).where(Campaign.id == campaign_id)
    return campaigns


async def _mark_sent(records: Sequence[SentRecord], worker: str | None) -> list[dict[str, Any]]:
    """SENDING -> SENT for every record still this worker's claim, in one statement (UPDATE ... FROM VALUES, on both
    engines); the rows it moved, with their campaign."""
    # PostgreSQL types the VALUES from their first row; SQLite takes values as they come (a cast there would turn
    # the timestamp's text into a number).
    row = "({}::bigint, {}::text, {}::text, {}::timestamptz)" if on_postgres() else "({}, {}, {}, {})"
    args: list[Any] = [MessageStatus.SENT.value, PRICE_NOW]
    for record in records:
        args += (record.message_id, record.key_id, record.remote_jid, record.sent_at)
    args.append(SENDING)
    mine = ""
    if worker is not None:
        mine = ' AND "arauto_campaign_message"."claimed_by" = {}'
        args.append(worker)
    # Only placeholders and fixed text are joined into the statement; every value is a parameter.
    template = (
        'UPDATE "arauto_campaign_message" SET "status" = {}, "evolution_id" = v.column2, "remote_jid" = v.column3, '  # noqa: S608
        '"sent_at" = v.column4, "error" = \'\', "claimed_by" = \'\', "price" = {} '
        f"FROM (VALUES {', '.join([row] * len(records))}) AS v "
        'WHERE "arauto_campaign_message"."id" = v.column1 AND "arauto_campaign_message"."status" = {}'
        f"{mine} "
        'RETURNING "arauto_campaign_message"."id", "arauto_campaign_message"."campaign"'
    )
    return list(await CampaignMessage.raw(template, *args))


async def record_failed(message_id: int, *, error: str, now: datetime, worker: str | None) -> int | None:
    """SENDING -> FAILED with the reason (failed_count + 1, pending_count - 1)."""
    async with atomic():
        changed = (
            await CampaignMessage.update(
                {
                    CampaignMessage.status: MessageStatus.FAILED.value,
                    CampaignMessage.error: error[:1000],
                    CampaignMessage.failed_at: now,
                    CampaignMessage.attempts: CampaignMessage.attempts + 1,
                    CampaignMessage.claimed_by: "",
                }
            )
            .where(_still_mine(message_id, worker))
            .returning(CampaignMessage.campaign)
        )
        if not rows_changed(changed):
            return None
        campaign_id = int(changed[0]["campaign"])
        await Campaign.update(
            {Campaign.failed_count: Campaign.failed_count + 1, Campaign.pending_count: Campaign.pending_count - 1}
        ).where(Campaign.id == campaign_id)
    return campaign_id


async def record_retry(
    message_id: int,
    *,
    error: str,
    next_attempt_at: datetime | None,
    spend_attempt: bool,
    worker: str | None,
) -> bool:
    """SENDING -> PENDING, due at `next_attempt_at`; `spend_attempt=False` when the instance, not the number, failed.

    No counter moves: SENDING and PENDING both count as pending.
    """
    changes: dict[Any, Any] = {
        CampaignMessage.status: MessageStatus.PENDING.value,
        CampaignMessage.error: error[:1000],
        CampaignMessage.next_attempt_at: next_attempt_at,
        CampaignMessage.claimed_at: None,
        CampaignMessage.claimed_by: "",
    }
    if spend_attempt:
        changes[CampaignMessage.attempts] = CampaignMessage.attempts + 1
    async with atomic():  # queued with the other SQLite writers of this process
        changed = (
            await CampaignMessage.update(changes).where(_still_mine(message_id, worker)).returning(CampaignMessage.id)
        )
        if rows_changed(changed) and not spend_attempt:  # no number wrote to it yet: any of the campaign's may
            await CampaignMessage.update({CampaignMessage.instance_id: None}).where(
                (CampaignMessage.id == message_id) & (CampaignMessage.attempts == 0)
            )
    return rows_changed(changed) > 0
