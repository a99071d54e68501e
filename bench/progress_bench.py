"""The live progress fragment under load: 200 browsers polling every 2 s a RUNNING campaign of 100,000 recipients.

The app runs in a uvicorn subprocess; this process seeds the database, signs in once and plays the 200 clients
(asyncio + httpx, the session cookie of that sign-in). Prints p50/p99 latency and errors, on SQLite and, with
BENCH_POSTGRES_URL (a database of its own: it is emptied), on PostgreSQL. Targets: p50 <= 20 ms, p99 <= 50 ms.

    python -m bench progress_bench            BENCH_CLIENTS=200 BENCH_SECONDS=30 BENCH_RECIPIENTS=100000
"""

from __future__ import annotations

import asyncio
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from bench.import_bench import empty_database, migrate
from tests.browser.server import REPO, ServedApp, free_port, serve_app

CLIENTS = int(os.environ.get("BENCH_CLIENTS", "200"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "30"))
RECIPIENTS = int(os.environ.get("BENCH_RECIPIENTS", "100000"))
INTERVAL = 2.0
CHUNK = 1000


@dataclass
class Results:
    latencies_ms: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    not_modified: int = 0

    def summary(self) -> str:
        if not self.latencies_ms:
            return f"no successful request; errors={len(self.errors)} {self.errors[:3]}"
        ordered = sorted(self.latencies_ms)
        p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
        return (
            f"requests={len(ordered) + len(self.errors)} p50={statistics.median(ordered):.1f} ms "
            f"p99={p99:.1f} ms max={ordered[-1]:.1f} ms errors={len(self.errors)} {dict(Counter(self.errors))} "
            f"304s={self.not_modified}"
        )


async def seed(database_url: str, email: str, recipients: int, sandbox_url: str = "") -> int:
    """A RUNNING campaign: 60% sent (the last 100 in the past five minutes), the rest pending; counters agree."""
    from models.accounts.users import get_user_by_email
    from models.db import use_engine
    from models.engines import engine_from_url
    from models.tables import Campaign, CampaignMessage
    from tests.factories import make_campaign, make_instance

    use_engine(engine_from_url(database_url))
    user = await get_user_by_email(email)
    assert user is not None
    target = {"server_url": sandbox_url, "api_key": "sandbox-key", "instance_name": "sandbox"} if sandbox_url else {}
    instance = await make_instance(user.id, rate_per_minute=60, daily_cap=200_000, jitter_percent=0, **target)
    now = datetime.now(UTC)
    sent = recipients * 6 // 10
    campaign = await make_campaign(
        user.id,
        instance.id,
        status=_running(),
        name="Bench",
        rate_limit=60,
        started_at=now - timedelta(hours=30),
        total_recipients=recipients,
        pending_count=recipients - sent,
        sent_count=sent,
        delivered_count=sent // 2,
    )
    for start in range(0, recipients, CHUNK):
        await CampaignMessage.insert(
            *[
                CampaignMessage(
                    campaign=campaign.id,
                    row_number=n + 1,
                    phone=f"55119{n:08d}",
                    variables='{"Nome": "Cliente"}',
                    status="SENT" if n < sent else "PENDING",
                    sent_at=now - timedelta(seconds=(sent - n) * 1.0) if n < sent else None,
                )
                for n in range(start, min(start + CHUNK, recipients))
            ]
        )
    assert await Campaign.count().where(Campaign.id == campaign.id) == 1
    return int(campaign.id)


def _running() -> Any:
    from models.statuses import CampaignStatus

    return CampaignStatus.RUNNING


async def signed_in_cookies(app: ServedApp) -> httpx.Cookies:
    from bs4 import BeautifulSoup

    async with httpx.AsyncClient(base_url=app.url) as http:
        page = await http.get("/login")
        token = BeautifulSoup(page.text, "html.parser").select_one('input[name="_csrf_token"]')["value"]
        answer = await http.post("/login", data={"email": app.email, "password": app.password, "_csrf_token": token})
        assert answer.status_code == 303, answer.text
        return http.cookies


def shown_in(text: str) -> str:
    """The fingerprint the block carries (`hx-vals='{"shown": "..."}'`), which htmx sends back on the next poll."""
    marker = '"shown": "'
    start = text.find(marker)
    return text[start + len(marker) : text.find('"', start + len(marker))] if start >= 0 else ""


async def poll(http: httpx.AsyncClient, url: str, deadline: float, results: Results) -> None:
    """One browser tab: a request every 2 s (on a fixed cadence, like htmx's `every 2s`) until the deadline, sending
    back what it shows, as htmx does, and the block's ETag, as the browser's cache does (304: the block stays)."""
    next_at = time.perf_counter() + random.uniform(0, INTERVAL)  # tabs were opened at different moments
    shown, etag = "", ""
    while next_at < deadline:
        await asyncio.sleep(max(0.0, next_at - time.perf_counter()))
        started = time.perf_counter()
        try:
            headers = {"If-None-Match": etag} if etag else {}
            response = await http.get(url, params={"shown": shown}, headers=headers)
            elapsed = (time.perf_counter() - started) * 1000
            if response.status_code == 304:
                results.latencies_ms.append(elapsed)
                results.not_modified += 1
            elif response.status_code == 200 and 'id="campaign-' in response.text:
                results.latencies_ms.append(elapsed)
                shown = shown_in(response.text) or shown
                etag = response.headers.get("etag", "")
            else:
                results.errors.append(f"HTTP {response.status_code}")
        except httpx.HTTPError as error:
            results.errors.append(type(error).__name__)
        next_at += INTERVAL


async def load(app: ServedApp, campaign_id: int) -> Results:
    cookies = await signed_in_cookies(app)
    results = Results()
    limits = httpx.Limits(max_connections=CLIENTS, max_keepalive_connections=CLIENTS)
    async with httpx.AsyncClient(base_url=app.url, cookies=cookies, limits=limits, timeout=10) as http:
        await http.get(f"/campaigns/{campaign_id}/progress")  # warm-up
        deadline = time.perf_counter() + SECONDS
        url = f"/campaigns/{campaign_id}/progress"
        await asyncio.gather(*(poll(http, url, deadline, results) for _ in range(CLIENTS)))
    return results


def server_cpu_seconds(url: str) -> float:
    """CPU seconds (user + system) of the uvicorn serving `url`: the cost per poll, whatever else loads the machine."""
    port = url.rsplit(":", 1)[1]
    for proc in Path("/proc").iterdir():
        try:
            command = (proc / "cmdline").read_bytes().split(b"\0")
            if b"uvicorn" in command and port.encode() in command:
                fields = (proc / "stat").read_text().rsplit(")", 1)[1].split()
                return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, ValueError, IndexError):
            continue
    return 0.0


async def sent_count(database_url: str, campaign_id: int) -> int:
    from models.db import use_engine
    from models.engines import engine_from_url
    from models.tables import Campaign

    use_engine(engine_from_url(database_url))
    row = await Campaign.select(Campaign.sent_count).where(Campaign.id == campaign_id).first()
    return int(row["sent_count"]) if row else 0


@contextmanager
def sandbox_server() -> Iterator[str]:
    """`arauto sandbox` on a free port (the sender sends to it at the campaign's 60/min), or '' without one."""
    if not (REPO / "sandbox" / "server.py").exists():
        yield ""
        return
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "cli", "sandbox", "--port", str(port)],
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            try:
                httpx.get(f"http://127.0.0.1:{port}/", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


def run_on(label: str, database_url: str = "") -> None:
    if database_url:
        migrate(database_url)
        asyncio.run(empty_database(database_url))
    has_sender = (REPO / "scheduler" / "lifespan.py").exists()
    with (
        tempfile.TemporaryDirectory() as workdir,
        sandbox_server() as sandbox_url,
        serve_app(Path(workdir), database_url=database_url, scheduler=has_sender) as app,
    ):
        started = time.perf_counter()
        campaign_id = asyncio.run(seed(app.database_url, app.email, RECIPIENTS, sandbox_url))
        print(f"{label}: seeded {RECIPIENTS:,} recipients in {time.perf_counter() - started:.1f} s", flush=True)
        before, started = asyncio.run(sent_count(app.database_url, campaign_id)), time.perf_counter()
        cpu_before = server_cpu_seconds(app.url)
        results = asyncio.run(load(app, campaign_id))
        cpu = server_cpu_seconds(app.url) - cpu_before
        sent = asyncio.run(sent_count(app.database_url, campaign_id)) - before
        minutes = (time.perf_counter() - started) / 60
    print(f"{label}: {CLIENTS} clients every {INTERVAL:.0f} s for {SECONDS:.0f} s: {results.summary()}", flush=True)
    polls = len(results.latencies_ms) + len(results.errors)
    print(f"{label}: server CPU {cpu:.1f} s = {1000 * cpu / max(1, polls):.2f} ms per poll (sender included); "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs", flush=True)
    if has_sender and sandbox_url:
        print(f"{label}: the sender sent {sent} messages meanwhile = {sent / minutes:.1f}/min (campaign rate 60/min)")


def main() -> None:
    run_on("SQLite")
    postgres = os.environ.get("BENCH_POSTGRES_URL", "")
    if postgres:
        run_on("PostgreSQL", postgres)
    else:
        print("PostgreSQL: skipped (set BENCH_POSTGRES_URL=postgresql://... to a database the bench may empty)")


if __name__ == "__main__":
    main()
