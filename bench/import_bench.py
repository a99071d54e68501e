"""End-to-end recipients import: a generated 100,000-row CSV (mixed phone formats, ~1% invalid) through
`import_csv` into a freshly migrated database, measuring rows/s, memory growth and the event loop's longest stall.
The phone checks run in the app's process pool (one worker per core, warmed up before the clock starts, as in a
server that has imported once); BENCH_IMPORT_WORKERS=0 measures the import thread alone, N that many workers.

    python -m bench import                          # SQLite (+ PostgreSQL when BENCH_POSTGRES_URL or
                                                    #  DATABASE_URL is a postgresql:// URL; its tables are TRUNCATED)
Targets: >= 50,000 rows/s, peak memory growth < 200 MB, no stall > 50 ms.
"""

from __future__ import annotations

import asyncio
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from concurrent.futures import Executor

    from piccolo.engine.base import Engine

ROWS = int(os.environ.get("BENCH_ROWS", "100000"))
WORKERS = os.environ.get("BENCH_IMPORT_WORKERS", "")  # "" one per core, "0" no pool
INVALID_SHARE = 0.01
TICK_SECONDS = 0.005
REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))


AREAS = (11, 21, 31, 41, 47, 51, 61, 71, 81, 85, 91)


def phone(rng: random.Random, index: int) -> str:
    """A unique mobile number (area + 9 + 8 digits) in one of the formats people type."""
    area, subscriber = AREAS[index % len(AREAS)], f"9{index:08d}"
    formats = (
        f"+55 {area} {subscriber[:5]}-{subscriber[5:]}",
        f"({area}) {subscriber[:5]}-{subscriber[5:]}",
        f"55{area}{subscriber}",
        f"{area} {subscriber[:5]} {subscriber[5:]}",
    )
    return formats[rng.randrange(len(formats))]


def generate_csv(path: Path, rows: int) -> None:
    rng = random.Random(42)
    invalid = ("123", "abc-def", "5.51E+12", "", "+55 11 0000")
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write("telefone,Nome,Cidade\r\n")
        for index in range(rows):
            value = invalid[index % len(invalid)] if rng.random() < INVALID_SHARE else phone(rng, index)
            handle.write(f'{value},Pessoa {index},"São Paulo, SP"\r\n')


def migrate(url: str) -> None:
    env = {**os.environ, "DATABASE_URL": url, "PYTHONPATH": str(REPO)}
    subprocess.run([sys.executable, "-m", "cli", "migrate"], cwd=REPO, env=env, check=True, capture_output=True)


@dataclass
class StallMeter:
    """A ticker that wakes every few ms; its worst lateness is the loop's longest stall."""

    worst: float = 0.0
    running: bool = True

    async def run(self) -> None:
        loop = asyncio.get_running_loop()
        while self.running:
            expected = loop.time() + TICK_SECONDS
            await asyncio.sleep(TICK_SECONDS)
            self.worst = max(self.worst, loop.time() - expected)


async def idle_stall(seconds: float) -> float:
    """The same ticker with nothing else running: what the machine alone costs (other processes, the OS)."""
    meter = StallMeter()
    ticker = asyncio.create_task(meter.run())
    await asyncio.sleep(seconds)
    meter.running = False
    await ticker
    return meter.worst


async def bind_empty_database(url: str) -> Engine[Any]:
    """Point the tables at the (migrated) database `url`, emptied first on PostgreSQL (SQLite files are new); the
    caller closes the engine's pool (`models.engines.close_pool`) when done. Every bench empties through here."""
    from models.db import all_tables, use_engine
    from models.engines import engine_from_url, open_pool
    from models.tables import Campaign

    engine = engine_from_url(url)
    use_engine(engine)
    await open_pool(engine)
    if url.startswith("postgres"):
        names = ", ".join(f'"{t._meta.tablename}"' for t in all_tables())
        await Campaign.raw(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
    return engine


async def empty_database(url: str) -> None:
    """Empty the (migrated) database `url` and let go of it: for a bench whose app runs in another process."""
    from models.engines import close_pool

    await close_pool(await bind_empty_database(url))


async def prepare(url: str) -> tuple[int, int]:
    """A user and an empty DRAFT campaign in a database bound to `url`."""
    from models.accounts.users import create_user
    from models.tables import Campaign

    await bind_empty_database(url)
    user = await create_user("bench@example.com", "bench password", iterations=1_000)
    now = datetime.now(UTC)
    campaign = Campaign(owner=user.id, name="Bench", message="Oi {{Nome}}", created_at=now, updated_at=now)
    await campaign.save()
    return user.id, campaign.id


async def run_import(url: str, csv_path: Path) -> None:
    from models.engines import close_pool
    from models.recipients import ImportOptions, close_import_pool, import_csv, open_import_pool
    from models.tables import Campaign, CampaignMessage
    from settings import load_settings

    owner_id, campaign_id = await prepare(url)
    pool = open_import_pool(int(WORKERS or 0)) if WORKERS != "0" else None
    workers = warm_up(pool) if pool else 0
    baseline = await idle_stall(2.0)
    settings = load_settings(environ={}, database_url=url, secret_key="bench-only-not-a-secret")  # noqa: S106
    meter = StallMeter()
    ticker = asyncio.create_task(meter.run())
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started, cpu_started = time.perf_counter(), time.process_time()
    report = await import_csv(
        campaign_id, csv_path, ImportOptions(), owner_id=owner_id, settings=settings, now=datetime.now(UTC)
    )
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    if pool:
        close_import_pool(pool)
    meter.running = False
    await ticker
    rss_growth_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before) / 1024
    stored = await CampaignMessage.count().where(CampaignMessage.campaign == campaign_id)
    total = await Campaign.select(Campaign.total_recipients).where(Campaign.id == campaign_id).first()
    await close_pool(Campaign._meta.db)
    engine = "postgresql" if url.startswith("postgres") else "sqlite"
    print(
        f"{engine:10} rows={ROWS} imported={report.imported} skipped={len(report.skipped)} stored={stored} "
        f"total_recipients={total['total_recipients'] if total else '?'}\n"
        f"{'':10} {elapsed:.2f} s, {ROWS / elapsed:,.0f} rows/s, peak RSS growth {rss_growth_mb:.1f} MB, "
        f"longest loop stall {meter.worst * 1000:.1f} ms (idle loop on this machine: {baseline * 1000:.1f} ms), "
        f"{workers} worker processes, CPU of the app's process {cpu:.2f} s, load average {os.getloadavg()[0]:.1f}",
        flush=True,
    )


def warm_up(pool: Executor) -> int:
    """Start every worker and let it import the checks once (a running server's pool is warm after one import)."""
    from models.recipients._pool import default_workers
    from models.recipients._screening import check_rows

    workers = int(WORKERS or 0) or default_workers()
    for future in [pool.submit(check_rows, "BR", []) for _ in range(workers)]:
        future.result()
    return workers


def database_urls(workdir: Path) -> list[str]:
    urls = [f"sqlite:///{workdir / 'bench.sqlite3'}"]
    postgres = os.environ.get("BENCH_POSTGRES_URL") or os.environ.get("DATABASE_URL", "")
    if postgres.startswith(("postgres://", "postgresql://")):
        urls.append(postgres)
    return urls


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="arauto-bench-") as tmp:
        workdir = Path(tmp)
        csv_path = workdir / "recipients.csv"
        generate_csv(csv_path, ROWS)
        print(f"generated {csv_path.stat().st_size / 1024 / 1024:.1f} MB, {ROWS} rows", flush=True)
        for url in database_urls(workdir):
            migrate(url)
            # Each engine in its own process, so one run's memory peak does not hide the next one's.
            code = (
                "import asyncio; from pathlib import Path; from bench.import_bench import run_import; "
                f"asyncio.run(run_import({url!r}, Path({str(csv_path)!r})))"
            )
            subprocess.run([sys.executable, "-c", code], cwd=REPO, check=True)
