"""How fast the webhook receiver answers: POST receipts (and replays) through the in-process app, per request.

Run: `python -m bench.webhook_bench [--messages N]` (SQLite in a temp dir; PostgreSQL when DATABASE_URL says so).
Target (issue 3): under 50 ms at the median on SQLite.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import tempfile
import time
from pathlib import Path

import httpx
from asgi_lifespan import LifespanManager

from app import create_app
from bench.import_bench import migrate
from models.accounts.users import create_user
from models.db import use_engine
from models.engines import engine_from_url
from models.statuses import CampaignStatus, MessageStatus
from models.tables import Campaign, CampaignMessage, Instance
from settings import load_settings
from tests.clock import FakeClock
from tests.factories import make_campaign, make_instance

REPO = Path(__file__).resolve().parents[1]


async def _arrange(messages: int) -> tuple[Instance, list[str]]:
    await CampaignMessage.delete(force=True)
    await Campaign.delete(force=True)
    user = await create_user(f"bench{time.time_ns()}@example.com", "bench-password", iterations=1000)
    instance = await make_instance(user.id)
    key_ids = [f"3EB0{index:018X}" for index in range(messages)]
    rows = [
        {"phone": f"5511{index:09d}", "status": MessageStatus.SENT, "evolution_id": key_id}
        for index, key_id in enumerate(key_ids)
    ]
    await make_campaign(user.id, instance.id, recipients=rows, status=CampaignStatus.RUNNING)
    return instance, key_ids


def _receipt(key_id: str, status: str) -> bytes:
    data = {"keyId": key_id, "remoteJid": "5511000000000@s.whatsapp.net", "fromMe": True, "status": status}
    return json.dumps({"event": "messages.update", "instance": "campaign-01", "data": data}).encode()


async def _timed(http: httpx.AsyncClient, url: str, body: bytes, secret: str) -> float:
    started = time.perf_counter()
    response = await http.post(url, content=body, headers={"x-arauto-secret": secret})
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        raise RuntimeError(f"webhook answered {response.status_code}: {response.text}")
    return elapsed


async def run(database_url: str, messages: int) -> dict[str, float]:
    use_engine(engine_from_url(database_url))
    instance, key_ids = await _arrange(messages)
    settings = load_settings(
        environ={},
        database_url=database_url,
        secret_key="bench-secret",  # noqa: S106
        scheduler_enabled=False,
    )
    app = create_app(settings, clock=FakeClock())
    url = f"/webhooks/evolution/{instance.id}"
    timings: dict[str, list[float]] = {"receipt": [], "replay": []}
    secret = instance.webhook_secret
    transport = httpx.ASGITransport(app=app)
    async with LifespanManager(app), httpx.AsyncClient(transport=transport, base_url="http://bench") as http:
        for key_id in key_ids:
            for status in ("DELIVERY_ACK", "READ"):
                timings["receipt"].append(await _timed(http, url, _receipt(key_id, status), secret))
            timings["replay"].append(await _timed(http, url, _receipt(key_id, "READ"), secret))
    delivered = await Campaign.select(Campaign.delivered_count, Campaign.read_count).first()
    assert delivered == {"delivered_count": messages, "read_count": messages}, delivered
    return {
        f"{kind} {name}": value
        for kind, values in timings.items()
        for name, value in (
            ("median ms", statistics.median(values)),
            ("p95 ms", statistics.quantiles(values, n=20)[-1]),
            ("count", float(len(values))),
        )
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=300)
    args = parser.parse_args(argv)
    url = os.environ.get("DATABASE_URL", "")
    with tempfile.TemporaryDirectory() as tmp:
        if not url.startswith("postgres"):
            url = f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        migrate(url)
        figures = asyncio.run(run(url, args.messages))
    engine = "PostgreSQL" if url.startswith("postgres") else "SQLite"
    print(f"webhook receiver on {engine}, {args.messages} messages (2 receipts + 1 replay each):")
    for name, value in figures.items():
        print(f"  {name:<20} {value:8.2f}")


if __name__ == "__main__":
    main()
