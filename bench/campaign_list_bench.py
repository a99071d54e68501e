"""The campaign list, stats and live preview on a busy account: 2,000 campaigns, one with 100,000 recipients.

    python -m bench campaign_list     # SQLite (+ PostgreSQL when BENCH_POSTGRES_URL or DATABASE_URL is
                                      #  postgresql://; its tables are TRUNCATED)
Prints the median and worst of 20 calls for each: list page 1 (search + sort by name), stats, preview.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.import_bench import REPO, bind_empty_database, database_urls, migrate

CAMPAIGNS = 2_000
RECIPIENTS = 100_000
CALLS = 20


async def seed(url: str) -> tuple[int, int]:
    """A user with CAMPAIGNS campaigns; the last one holds RECIPIENTS recipients (every 10th lacks `city`)."""
    from models.accounts.users import create_user
    from models.tables import Campaign, CampaignMessage

    await bind_empty_database(url)
    user = await create_user("bench@example.com", "bench password", iterations=1_000)
    now = datetime.now(UTC)
    rows = [
        Campaign(
            owner=user.id,
            name=f"Campaign {n} {'friday' if n % 7 == 0 else 'sale'}",
            sent_count=n,
            delivered_count=n // 2,
            created_at=now - timedelta(minutes=n),
            updated_at=now,
        )
        for n in range(CAMPAIGNS)
    ]
    for start in range(0, len(rows), 500):
        await Campaign.insert(*rows[start : start + 500])
    big = (await Campaign.select(Campaign.id).order_by(Campaign.id, ascending=False).first())["id"]
    for start in range(0, RECIPIENTS, 1_000):
        await CampaignMessage.insert(
            *[
                CampaignMessage(
                    campaign=big,
                    phone=f"55119{n:08d}",
                    variables=json.dumps({"name": f"P{n}", **({} if n % 10 == 0 else {"city": "Rio"})}),
                )
                for n in range(start, start + 1_000)
            ]
        )
    return user.id, big


async def timed(call: Callable[[], Awaitable[object]]) -> str:
    durations = []
    for _ in range(CALLS):
        started = time.perf_counter()
        await call()
        durations.append((time.perf_counter() - started) * 1000)
    return f"median {statistics.median(durations):.1f} ms, worst {max(durations):.1f} ms"


async def run(url: str) -> None:
    from models.campaigns import preview as campaign_preview
    from models.campaigns import queries as campaign_queries
    from models.campaigns.queries import CampaignFilter

    owner_id, big = await seed(url)
    query = CampaignFilter(search="friday", sort_by="name", sort_order="asc")
    engine = "postgresql" if url.startswith("postgres") else "sqlite"
    print(f"{engine:10} {CAMPAIGNS} campaigns, {RECIPIENTS} recipients in one", flush=True)
    print(f"{'':10} list (search+sort, 50): {await timed(lambda: campaign_queries.list_campaigns(owner_id, query))}")
    print(f"{'':10} stats:                  {await timed(lambda: campaign_queries.stats(owner_id))}")
    text = "Hi {{name}} from {{city}}"
    preview = await campaign_preview.preview(text, owner_id=owner_id, campaign_id=big)
    print(
        f"{'':10} preview (first {preview.scanned}, missing {preview.missing}): "
        f"{await timed(lambda: campaign_preview.preview(text, owner_id=owner_id, campaign_id=big))}",
        flush=True,
    )


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="arauto-bench-") as tmp:
        for url in database_urls(Path(tmp)):
            migrate(url)
            code = f"import asyncio; from bench.campaign_list_bench import run; asyncio.run(run({url!r}))"
            subprocess.run([sys.executable, "-c", code], cwd=REPO, check=True)


if __name__ == "__main__":
    main()
