"""Messages per second through the dispatcher and the sandbox (zero latency, rate bound lifted), and CPU per message,
with the campaign on one number and on five (the sender's ceiling with several numbers, issue 12).

Runs on SQLite, and on PostgreSQL too when BENCH_POSTGRES_URL (or a postgresql DATABASE_URL) is set; the
PostgreSQL database is TRUNCATED. `python -m bench.dispatch_bench [messages]`
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import secrets
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import uvicorn
from piccolo.apps.user.tables import BaseUser

from bench.import_bench import bind_empty_database, migrate
from models.campaigns.numbers import save_numbers
from models.engines import close_pool
from models.statuses import CampaignStatus
from models.tables import Campaign, CampaignMessage, Instance
from sandbox.app import create_sandbox_app
from sandbox.state import SandboxState
from scheduler.clock import SystemClock
from scheduler.dispatcher import Dispatcher
from scheduler.evolution import EvolutionClient

REPO = Path(__file__).resolve().parents[1]
LIFTED_RATE = 1_000_000  # messages per minute: the slots never hold the bench back
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "8"))
NUMBERS = (1, 5)
INSTANCE_NAMES = ["sandbox", *(f"number-{n}" for n in range(1, max(NUMBERS)))]


def start_sandbox() -> str:
    """The sandbox in a thread of this process, on a free port (its CPU is counted too: a pessimistic figure)."""
    import socket

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    state = SandboxState(api_key="sandbox-key", initial_instances=[(name, None) for name in INSTANCE_NAMES])
    state.server_url = f"http://127.0.0.1:{port}"
    state.knobs = state.knobs.updated({"receipt_statuses": []})
    server = uvicorn.Server(uvicorn.Config(create_sandbox_app(state), log_level="warning", lifespan="off"))
    threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True).start()
    while not server.started:
        time.sleep(0.01)
    return state.server_url


async def seed(sandbox_url: str, messages: int, numbers: int = 1) -> int:
    now = datetime.now(UTC)
    user = BaseUser(  # type: ignore[no-untyped-call]
        username=f"bench-{secrets.token_hex(4)}", password="x" * 12, email="bench@example.com"
    )
    await user.save()
    instances = []
    for name in INSTANCE_NAMES[:numbers]:
        instance = Instance(
            owner=user.id,
            name=name,
            server_url=sandbox_url,
            api_key="sandbox-key",
            instance_name=name,
            webhook_secret=secrets.token_hex(8),
            state="open",
            rate_per_minute=LIFTED_RATE,
            jitter_percent=0,
            daily_cap=10**9,
            created_at=now,
            updated_at=now,
        )
        await instance.save()
        instances.append(int(instance.id))
    campaign = Campaign(
        owner=user.id,
        instance=instances[0],
        name="bench",
        message="Hello {{name}}",
        status=CampaignStatus.RUNNING.value,
        rate_limit=LIFTED_RATE,
        total_recipients=messages,
        pending_count=messages,
        created_at=now,
        updated_at=now,
    )
    await campaign.save()
    await save_numbers(int(campaign.id), instances[0], tuple(instances))
    rows = [
        CampaignMessage(campaign=campaign.id, row_number=n, phone=f"5511{n:09d}", variables=json.dumps({"name": "A"}))
        for n in range(messages)
    ]
    for start in range(0, messages, 1000):
        await CampaignMessage.insert(*rows[start : start + 1000])
    return int(campaign.id)


async def measure(url: str, sandbox_url: str, messages: int, numbers: int = 1) -> tuple[float, float]:
    engine = await bind_empty_database(url)
    try:
        campaign_id = await seed(sandbox_url, messages, numbers)
        async with EvolutionClient(max_connections=CONCURRENCY) as client:
            sender = Dispatcher(
                client=client, clock=SystemClock(), batch_size=500, concurrency=CONCURRENCY, horizon=1.0
            )
            wall, cpu = time.perf_counter(), time.process_time()
            while await Campaign.exists().where(
                (Campaign.id == campaign_id) & (Campaign.status == CampaignStatus.RUNNING.value)
            ):
                await sender.run_pass()
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        sent = await Campaign.select(Campaign.sent_count).where(Campaign.id == campaign_id).first()
        assert sent is not None and sent["sent_count"] == messages, sent
        return messages / wall, cpu / messages * 1000
    finally:
        await close_pool(engine)


def main(messages: int | None = None) -> None:
    messages = messages or int(sys.argv[1]) if len(sys.argv) > 1 and sys.argv[1].isdigit() else messages or 3000
    logging.disable(logging.INFO)  # the per-message event log would dominate the CPU figure
    sandbox_url = start_sandbox()
    with tempfile.TemporaryDirectory() as tmp:
        postgres = os.environ.get("BENCH_POSTGRES_URL") or os.environ.get("DATABASE_URL", "")
        for numbers in NUMBERS:
            targets = [("sqlite", f"sqlite:///{tmp}/bench-{numbers}.sqlite3")]  # a fresh file per run
            if postgres.startswith("postgres"):
                targets.append(("postgresql", postgres))  # emptied by bind_empty_database
            for name, url in targets:
                migrate(url)
                rate, cpu_ms = asyncio.run(measure(url, sandbox_url, messages, numbers))
                print(
                    f"dispatch {name}, {numbers} number(s): {messages} messages, {rate:.0f} messages/s, "
                    f"{cpu_ms:.2f} ms CPU per message"
                )


if __name__ == "__main__":
    main()
