"""Browser fixtures: the app served by uvicorn in a subprocess (scheduler on, its own SQLite file), a sandbox
Evolution server beside it when the sandbox package exists, and headless Chromium from Debian (never downloaded)."""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from tests.browser.server import REPO, ServedApp, free_port, serve_app

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


NO_CHROMIUM = "no Chromium: install Debian's `chromium` package or set ARAUTO_CHROMIUM"


def chromium_path() -> str | None:
    return os.environ.get("ARAUTO_CHROMIUM") or shutil.which("chromium")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test in this folder drives a browser: mark it, and skip it with the reason when there is none."""
    here = Path(__file__).parent
    missing = chromium_path() is None
    for item in items:
        if Path(str(item.fspath)).is_relative_to(here):
            item.add_marker(pytest.mark.browser)
            if missing:
                item.add_marker(pytest.mark.skip(reason=NO_CHROMIUM))


@pytest.fixture(scope="session")
def sandbox_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`arauto sandbox` on a free port, or '' when this checkout has no sandbox package yet."""
    if not (REPO / "sandbox" / "server.py").exists():
        yield ""
        return
    port = free_port()
    log = (tmp_path_factory.mktemp("sandbox") / "sandbox.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "cli", "sandbox", "--port", str(port)], cwd=REPO, stdout=log, stderr=subprocess.STDOUT
    )
    try:
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()


@pytest.fixture(scope="session")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedApp]:
    """The app with its sender OFF: page tests seed rows and play the sender's part themselves."""
    if chromium_path() is None:
        pytest.skip(NO_CHROMIUM)
    with serve_app(tmp_path_factory.mktemp("served"), scheduler=False) as app:
        yield app


@pytest.fixture(scope="session")
def served_live(tmp_path_factory: pytest.TempPathFactory, sandbox_url: str) -> Iterator[ServedApp]:
    """The app with its sender ON, beside the sandbox Evolution server: the whole journey runs on it."""
    if chromium_path() is None:
        pytest.skip(NO_CHROMIUM)
    extra = {"ARAUTO_SANDBOX_URL": sandbox_url} if sandbox_url else {}
    with serve_app(tmp_path_factory.mktemp("served-live"), scheduler=True, extra_env=extra) as app:
        yield app


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Module-scoped: Playwright's sync API runs an event loop on the main thread while it is open, which the
    async tests of other folders must not find there."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


def new_page(browser: Any, app: ServedApp, locale: str = "en-US") -> Iterator[Any]:
    """A page in a fresh browser context whose language (Accept-Language) is `locale`."""
    context = browser.new_context(
        base_url=app.url, accept_downloads=True, viewport={"width": 1280, "height": 900}, locale=locale
    )
    context.set_default_timeout(15_000)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture
def page(browser: Any, served: ServedApp) -> Iterator[Any]:
    yield from new_page(browser, served)


@pytest.fixture
def live_page(browser: Any, served_live: ServedApp) -> Iterator[Any]:
    yield from new_page(browser, served_live)


def run_in_app_db(served: ServedApp, work: Any) -> Any:
    """Run `work()` (a coroutine function) against the served app's database from the test process: seeding rows
    or playing the sender's part where a test needs it."""
    from models.db import use_engine
    from models.engines import engine_from_url

    async def go() -> Any:
        use_engine(engine_from_url(served.database_url))
        return await work()

    with ThreadPoolExecutor(max_workers=1) as pool:  # Playwright's sync API holds this thread's event loop
        return pool.submit(asyncio.run, go()).result()


async def sandbox_number(user_id: int, sandbox_url: str, name: str) -> Any:
    """A number on the served sandbox that sends as fast as its campaign asks (no jitter, no daily cap to meet);
    call it inside `run_in_app_db`."""
    from tests.factories import make_instance

    return await make_instance(
        user_id,
        name=name,
        server_url=sandbox_url,
        api_key="sandbox-key",
        instance_name="sandbox",
        rate_per_minute=60,
        jitter_percent=0,
        daily_cap=100_000,
    )
