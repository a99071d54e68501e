"""The live progress fragment under load: 200 browsers polling every 2 s a RUNNING campaign of 100,000 recipients.

The app runs in a uvicorn subprocess (bench/instrumented.py: the app plus timers); this process seeds the database,
signs in once and plays the 200 clients (asyncio, one keep-alive connection each, bench/keepalive.py: httpx cost
this process most of a core, and its own stalls showed up as the server's latency; they share the session cookie
of that sign-in). Prints p50/p99 latency and errors as the clients measured them and, beside them, as the server
did, with both event loops' stalls and the server's GC pauses, on SQLite and, with BENCH_POSTGRES_URL (a database
of its own: it is emptied), on PostgreSQL. Targets: p50 <= 20 ms, p99 <= 50 ms.

    python -m bench progress_bench            BENCH_CLIENTS=200 BENCH_SECONDS=30 BENCH_RECIPIENTS=100000
"""

from __future__ import annotations

import asyncio
import json
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
from urllib.parse import quote

import httpx

from bench.import_bench import empty_database, migrate
from bench.instrumented import watch_loop
from bench.keepalive import CookieJar, KeepAlive
from tests.browser.server import REPO, ServedApp, free_port, serve_app

CLIENTS = int(os.environ.get("BENCH_CLIENTS", "200"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "30"))
RECIPIENTS = int(os.environ.get("BENCH_RECIPIENTS", "100000"))
INTERVAL = 2.0
TIMEOUT = 10.0  # seconds a poll may take before it counts as an error
CHUNK = 1000


def percentiles(values: list[float]) -> str:
    if not values:
        return "none"
    ordered = sorted(values)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return f"p50={statistics.median(ordered):.1f} ms p99={p99:.1f} ms max={ordered[-1]:.1f} ms"


@dataclass
class Results:
    latencies_ms: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    not_modified: int = 0
    window: tuple[float, float] = (0.0, 0.0)  # wall-clock start and end of the load
    client_cpu_seconds: float = 0.0
    client_stalls_ms: list[tuple[float, float]] = field(default_factory=list)

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


async def poll(tab: KeepAlive, url: str, deadline: float, results: Results) -> None:
    """One browser tab: a request every 2 s (on a fixed cadence, like htmx's `every 2s`) until the deadline, sending
    back what it shows, as htmx does, and the block's ETag, as the browser's cache does (304: the block stays)."""
    next_at = time.perf_counter() + random.uniform(0, INTERVAL)  # tabs were opened at different moments
    shown, etag = "", ""
    while next_at < deadline:
        await asyncio.sleep(max(0.0, next_at - time.perf_counter()))
        started = time.perf_counter()
        try:
            headers = {"If-None-Match": etag} if etag else {}
            response = await asyncio.wait_for(tab.get(f"{url}?shown={quote(shown)}", headers), TIMEOUT)
            elapsed = (time.perf_counter() - started) * 1000
            if response.status == 304:
                results.latencies_ms.append(elapsed)
                results.not_modified += 1
            elif response.status == 200 and b'id="campaign-' in response.body:
                results.latencies_ms.append(elapsed)
                shown = shown_in(response.text) or shown
                etag = response.headers.get("etag", "")
            else:
                results.errors.append(f"HTTP {response.status}")
        except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, TimeoutError) as error:
            results.errors.append(type(error).__name__)
        next_at += INTERVAL


async def load(app: ServedApp, campaign_id: int) -> Results:
    jar = CookieJar({name: value for name, value in (await signed_in_cookies(app)).items()})
    results = Results()
    url = f"/campaigns/{campaign_id}/progress"
    tabs = [KeepAlive(app.url, jar) for _ in range(CLIENTS)]
    await tabs[0].get(url)  # warm-up (and the session's CSRF cookie, which every tab then shares)
    deadline = time.perf_counter() + SECONDS
    watcher = asyncio.get_running_loop().create_task(watch_loop(results.client_stalls_ms))
    started, cpu = time.time(), time.process_time()
    await asyncio.gather(*(poll(tab, url, deadline, results) for tab in tabs))
    results.window, results.client_cpu_seconds = (started, time.time()), time.process_time() - cpu
    watcher.cancel()
    for tab in tabs:
        await tab.close()
    return results


def stall_summary(stalls_ms: list[float], seconds: float) -> str:
    if not stalls_ms:
        return "none over 10 ms"
    return (
        f"{len(stalls_ms)} over 10 ms, {percentiles(stalls_ms)}, "
        f"{sum(stalls_ms) / 10 / max(seconds, 1e-9):.1f} % of the time"
    )


def server_report(label: str, stats_path: Path, results: Results) -> None:
    """What the server saw of the same load window: its own poll times, its loop stalls and its GC pauses."""
    if not stats_path.exists():
        print(f"{label}: no server-side figures (the server did not write {stats_path.name})")
        return
    stats = json.loads(stats_path.read_text())
    start, end = results.window
    inside = [value for at, value in stats["polls_ms"] if start <= at <= end + 10]
    stalls = [value for at, value in stats["stalls_ms"] if start <= at <= end]
    pauses = [(value, generation) for at, value, generation in stats["gc_pauses_ms"] if start <= at <= end]
    seconds = end - start
    print(f"{label}: server-side poll time (app entry to last byte): {percentiles(inside)}")
    computations = [value for at, value in stats.get("computations_ms", []) if start <= at <= end]
    renders = [value for at, value in stats.get("renders_ms", []) if start <= at <= end]
    print(f"{label}: live block computations: {len(computations)} in {seconds:.0f} s, {percentiles(computations)}")
    print(f"{label}: live block renders (on the loop): {len(renders)} in {seconds:.0f} s, {percentiles(renders)}")
    print(f"{label}: server event-loop stalls: {stall_summary(stalls, seconds)}")
    for generation in (0, 1, 2):
        times = [value for value, gen in pauses if gen == generation]
        if times:
            print(f"{label}: server GC generation {generation}: {len(times)} pauses, {percentiles(times)}")
    print(
        f"{label}: client CPU {results.client_cpu_seconds:.1f} s = "
        f"{1000 * results.client_cpu_seconds / max(1, len(results.latencies_ms)):.2f} ms per poll; "
        f"client event-loop stalls: {stall_summary([late for _, late in results.client_stalls_ms], seconds)}"
    )


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


async def sent_times(database_url: str, campaign_id: int, since: datetime) -> list[datetime]:
    """When each message of the campaign sent since `since` was sent, in order."""
    from models.db import use_engine
    from models.engines import engine_from_url
    from models.tables import CampaignMessage

    use_engine(engine_from_url(database_url))
    rows = (
        await CampaignMessage.select(CampaignMessage.sent_at)
        .where((CampaignMessage.campaign == campaign_id) & (CampaignMessage.sent_at >= since))
        .order_by(CampaignMessage.sent_at)
    )
    return [row["sent_at"] for row in rows]


def spacing_rate(times: list[datetime]) -> float:
    """Sends per minute from the send times themselves (first to last), not from a count in a window that a single
    send crossing its edge moves by 1/30."""
    if len(times) < 2:
        return 0.0
    return 60 * (len(times) - 1) / max(1e-9, (times[-1] - times[0]).total_seconds())


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
    with tempfile.TemporaryDirectory() as workdir:
        stats_path = Path(workdir) / "server-stats.json"
        with (
            sandbox_server() as sandbox_url,
            serve_app(
                Path(workdir),
                database_url=database_url,
                scheduler=has_sender,
                extra_env={"BENCH_SERVER_STATS": str(stats_path)},
                factory="bench.instrumented:create_app",
            ) as app,
        ):
            started = time.perf_counter()
            campaign_id = asyncio.run(seed(app.database_url, app.email, RECIPIENTS, sandbox_url))
            print(f"{label}: seeded {RECIPIENTS:,} recipients in {time.perf_counter() - started:.1f} s", flush=True)
            before, started = asyncio.run(sent_count(app.database_url, campaign_id)), time.perf_counter()
            window_start = datetime.now(UTC)
            cpu_before = server_cpu_seconds(app.url)
            results = asyncio.run(load(app, campaign_id))
            cpu = server_cpu_seconds(app.url) - cpu_before
            sent = asyncio.run(sent_count(app.database_url, campaign_id)) - before
            times = asyncio.run(sent_times(app.database_url, campaign_id, window_start))
            minutes = (time.perf_counter() - started) / 60
        print(f"{label}: {CLIENTS} clients every {INTERVAL:.0f} s for {SECONDS:.0f} s: {results.summary()}", flush=True)
        server_report(label, stats_path, results)
    polls = len(results.latencies_ms) + len(results.errors)
    print(f"{label}: server CPU {cpu:.1f} s = {1000 * cpu / max(1, polls):.2f} ms per poll (sender included); "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs", flush=True)
    if has_sender and sandbox_url:
        print(f"{label}: the sender sent {sent} messages meanwhile = {sent / minutes:.1f}/min (campaign rate 60/min)")
        print(f"{label}: the sender's rate from its send times: {spacing_rate(times):.1f}/min", flush=True)


def main() -> None:
    run_on("SQLite")
    postgres = os.environ.get("BENCH_POSTGRES_URL", "")
    if postgres:
        run_on("PostgreSQL", postgres)
    else:
        print("PostgreSQL: skipped (set BENCH_POSTGRES_URL=postgresql://... to a database the bench may empty)")


if __name__ == "__main__":
    main()
