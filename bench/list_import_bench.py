"""List import beside the recipients import: the same generated 100,000 rows as bench/import_bench.py, as CSV and
as XLSX, through `import_into_list` (contacts upserted, list members added), with rows/s, peak memory growth and
the event loop's longest stall. Each run imports twice into the same list: the second is a re-import (updates).
The checks run in the app's process pool as in bench/import_bench.py (BENCH_IMPORT_WORKERS the same way).

    python -m bench list_import                     # SQLite (+ PostgreSQL as in bench/import_bench.py)
"""

from __future__ import annotations

import asyncio
import csv
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from bench.import_bench import (
    REPO,
    ROWS,
    WORKERS,
    StallMeter,
    bind_empty_database,
    database_urls,
    generate_csv,
    idle_stall,
    migrate,
    warm_up,
)


def generate_xlsx(csv_path: Path, xlsx_path: Path) -> None:
    """The CSV's rows in a workbook (openpyxl, write-only), numbers-only phones stored as numbers as Excel does."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Contatos")
    with csv_path.open(encoding="utf-8", newline="") as handle:
        for row in csv.reader(handle):
            sheet.append([int(row[0]) if row[0].isdigit() else row[0], *row[1:]])
    book.save(xlsx_path)


async def run_list_import(url: str, path: Path) -> None:
    from models.accounts.users import create_user
    from models.contacts.importing import import_into_list
    from models.contacts.lists import create_list
    from models.engines import close_pool
    from models.recipients import ImportOptions, close_import_pool, open_import_pool
    from models.tables import Contact
    from settings import load_settings

    await bind_empty_database(url)
    user = await create_user("bench@example.com", "bench password", iterations=1_000)
    target = await create_list("Bench", owner_id=user.id, now=datetime.now(UTC))
    pool = open_import_pool(int(WORKERS or 0)) if WORKERS != "0" else None  # the app's pool, as the import's
    workers = warm_up(pool) if pool else 0
    baseline = await idle_stall(2.0)
    settings = load_settings(environ={}, database_url=url, secret_key="bench-only-not-a-secret")  # noqa: S106
    engine = "postgresql" if url.startswith("postgres") else "sqlite"
    for label in ("first import", "re-import"):
        meter = StallMeter()
        ticker = asyncio.create_task(meter.run())
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        started, cpu_started = time.perf_counter(), time.process_time()
        report = await import_into_list(
            target.id, path, ImportOptions(), owner_id=user.id, settings=settings, now=datetime.now(UTC)
        )
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
        meter.running = False
        await ticker
        growth = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before) / 1024
        contacts = await Contact.count().where(Contact.owner == user.id)
        print(
            f"{engine:10} {path.suffix[1:]:4} {label:12} rows={ROWS} imported={report.imported} "
            f"skipped={len(report.skipped)} contacts={contacts} members={report.total_recipients}\n"
            f"{'':10} {elapsed:.2f} s, {ROWS / elapsed:,.0f} rows/s, peak RSS growth {growth:.1f} MB, "
            f"longest loop stall {meter.worst * 1000:.1f} ms (idle loop: {baseline * 1000:.1f} ms), "
            f"{workers} worker processes, CPU of the app's process {cpu:.2f} s, load average {os.getloadavg()[0]:.1f}",
            flush=True,
        )
    if pool:
        close_import_pool(pool)
    from models.tables import Campaign

    await close_pool(Campaign._meta.db)


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="arauto-bench-") as tmp:
        workdir = Path(tmp)
        csv_path, xlsx_path = workdir / "contacts.csv", workdir / "contacts.xlsx"
        generate_csv(csv_path, ROWS)
        generate_xlsx(csv_path, xlsx_path)
        print(
            f"generated {ROWS} rows: CSV {csv_path.stat().st_size / 1024 / 1024:.1f} MB, "
            f"XLSX {xlsx_path.stat().st_size / 1024 / 1024:.1f} MB",
            flush=True,
        )
        for base_url in database_urls(workdir):
            for path in (csv_path, xlsx_path):
                # SQLite: a fresh file per run; PostgreSQL: the same database, emptied by the run.
                url = base_url.replace(".sqlite3", f"-{path.suffix[1:]}.sqlite3")
                migrate(url)
                # Each run in its own process, so one run's memory peak does not hide the next one's.
                code = (
                    "import asyncio; from pathlib import Path; from bench.list_import_bench import run_list_import; "
                    f"asyncio.run(run_list_import({url!r}, Path({str(path)!r})))"
                )
                subprocess.run([sys.executable, "-c", code], cwd=REPO, check=True)


if __name__ == "__main__":
    main()
