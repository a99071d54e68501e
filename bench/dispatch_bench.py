"""Messages per second through the dispatcher and the sandbox (zero latency, rate bound lifted), and CPU per message,
with the campaign on one number and on five (the sender's ceiling with several numbers, issue 12).

The sandbox runs in its own process, as Evolution would: the CPU figure is the sender's own (this process), and the
sandbox's is printed beside it.

Runs on SQLite, and on PostgreSQL too when BENCH_POSTGRES_URL (or a postgresql DATABASE_URL) is set; the
PostgreSQL database is TRUNCATED. `python -m bench.dispatch_bench [messages]`
"""

from __future__ import annotations

import asyncio
import json
import logging
import multiprocessing
import os
import secrets
import socket
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import uvicorn
from piccolo.apps.user.tables import BaseUser

from bench.import_bench import bind_empty_database, migrate
from models.campaigns import editing
from models.campaigns.rules import CampaignInput
from models.engines import close_pool
from models.instances.records import InstanceFields, create_instance
from models.statuses import CampaignStatus, ConnectionState
from models.tables import Campaign, CampaignMessage
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


def serve_sandbox(port: int) -> None:
    """The sandbox's own process (an Evolution server is never inside the sender's process): zero latency, no
    receipts, every bench instance open."""
    state = SandboxState(api_key="sandbox-key", initial_instances=[(name, None) for name in INSTANCE_NAMES])
    state.server_url = f"http://127.0.0.1:{port}"
    state.knobs = state.knobs.updated({"receipt_statuses": []})
    config = uvicorn.Config(
        create_sandbox_app(state), host="127.0.0.1", port=port, log_level="warning", access_log=False, lifespan="off"
    )
    uvicorn.Server(config).run()


@contextmanager
def sandbox_process() -> Iterator[tuple[str, int]]:
    """The sandbox in a child process on a free port: its URL and pid (its CPU is read apart from the sender's)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    child = multiprocessing.get_context("spawn").Process(target=serve_sandbox, args=(port,), daemon=True)
    child.start()
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or not child.is_alive():
                    raise
                time.sleep(0.05)
        assert child.pid is not None
        yield f"http://127.0.0.1:{port}", child.pid
    finally:
        child.terminate()
        child.join(10)


def process_cpu(pid: int) -> float:
    """CPU seconds (user + system) another process has used so far (Linux's /proc; 0 where there is none)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def seed(sandbox_url: str, messages: int, numbers: int = 1) -> int:
    now = datetime.now(UTC)
    user = BaseUser(  # type: ignore[no-untyped-call]
        username=f"bench-{secrets.token_hex(4)}", password="x" * 12, email="bench@example.com"
    )
    await user.save()
    instances = []
    for name in INSTANCE_NAMES[:numbers]:
        fields = InstanceFields(name, sandbox_url, "sandbox-key", name, LIFTED_RATE, jitter_percent=0, daily_cap=10**9)
        instance = await create_instance(user.id, fields, now=now, state=ConnectionState.OPEN)
        instances.append(int(instance.id))
    bench = CampaignInput(
        name="bench",
        instance_id=instances[0],
        message="Hello {{name}}",
        rate_limit=LIFTED_RATE,
        precheck=False,
        instance_ids=tuple(instances),
    )
    campaign = await editing.create(bench, owner_id=user.id, now=now, max_rate=LIFTED_RATE)
    await Campaign.update(
        {
            Campaign.status: CampaignStatus.RUNNING.value,
            Campaign.total_recipients: messages,
            Campaign.pending_count: messages,
        }
    ).where(Campaign.id == campaign.id)
    rows = [
        CampaignMessage(campaign=campaign.id, row_number=n, phone=f"5511{n:09d}", variables=json.dumps({"name": "A"}))
        for n in range(messages)
    ]
    for start in range(0, messages, 1000):
        await CampaignMessage.insert(*rows[start : start + 1000])
    return int(campaign.id)


async def measure(
    url: str, sandbox_url: str, messages: int, numbers: int = 1, sandbox_pid: int = 0
) -> tuple[float, float, float]:
    """Messages per second, the sender's CPU ms per message (this process), the sandbox's CPU ms per message."""
    engine = await bind_empty_database(url)
    try:
        campaign_id = await seed(sandbox_url, messages, numbers)
        async with EvolutionClient(max_connections=CONCURRENCY) as client:
            sender = Dispatcher(
                client=client, clock=SystemClock(), batch_size=500, concurrency=CONCURRENCY, horizon=1.0
            )
            wall, cpu, other = time.perf_counter(), time.process_time(), process_cpu(sandbox_pid)
            while await Campaign.exists().where(
                (Campaign.id == campaign_id) & (Campaign.status == CampaignStatus.RUNNING.value)
            ):
                await sender.run_pass()
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            other = process_cpu(sandbox_pid) - other
        sent = await Campaign.select(Campaign.sent_count).where(Campaign.id == campaign_id).first()
        assert sent is not None and sent["sent_count"] == messages, sent
        return messages / wall, cpu / messages * 1000, other / messages * 1000
    finally:
        await close_pool(engine)


def app_loop() -> Callable[[], asyncio.AbstractEventLoop] | None:
    """The event loop the app (so its sender) runs on: uvicorn's "auto" picks uvloop when it is installed."""
    try:
        import uvloop
    except ImportError:  # pragma: no cover - uvicorn[standard] brings it
        return None
    return uvloop.new_event_loop


def main(messages: int | None = None) -> None:
    messages = messages or int(sys.argv[1]) if len(sys.argv) > 1 and sys.argv[1].isdigit() else messages or 3000
    logging.disable(logging.INFO)  # the per-message event log would dominate the CPU figure
    with sandbox_process() as (sandbox_url, sandbox_pid), tempfile.TemporaryDirectory() as tmp:
        postgres = os.environ.get("BENCH_POSTGRES_URL") or os.environ.get("DATABASE_URL", "")
        for numbers in NUMBERS:
            targets = [("sqlite", f"sqlite:///{tmp}/bench-{numbers}.sqlite3")]  # a fresh file per run
            if postgres.startswith("postgres"):
                targets.append(("postgresql", postgres))  # emptied by bind_empty_database
            for name, url in targets:
                migrate(url)
                with asyncio.Runner(loop_factory=app_loop()) as runner:
                    rate, cpu_ms, sandbox_ms = runner.run(measure(url, sandbox_url, messages, numbers, sandbox_pid))
                print(
                    f"dispatch {name}, {numbers} number(s): {messages} messages, {rate:.0f} messages/s, "
                    f"{cpu_ms:.2f} ms CPU per message (sandbox: {sandbox_ms:.2f} ms)",
                    flush=True,
                )


if __name__ == "__main__":
    main()
