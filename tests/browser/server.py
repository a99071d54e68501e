"""The real app in a subprocess (uvicorn, its own database, a user made by the CLI), for browser tests, the
screenshots script and the progress benchmark. Everything listens on 127.0.0.1 only."""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[2]
EMAIL = "marketer@example.com"
PASSWORD = "browser-test-password"
START_TIMEOUT_SECONDS = 30.0


@dataclass(frozen=True)
class ServedApp:
    url: str
    database_url: str
    email: str
    password: str
    log_path: Path


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _cli(args: list[str], env: dict[str, str], stdin: str | None = None) -> None:
    subprocess.run(
        [sys.executable, "-m", "cli", *args], cwd=REPO, env=env, input=stdin, text=True, check=True, capture_output=True
    )


def _wait_until_up(url: str, process: subprocess.Popen[bytes], log_path: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the app exited early:\n{log_path.read_text()[-3000:]}")
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"the app did not answer within {START_TIMEOUT_SECONDS} s:\n{log_path.read_text()[-3000:]}")


@contextmanager
def serve_app(
    workdir: Path,
    *,
    database_url: str = "",
    scheduler: bool = True,
    extra_env: dict[str, str] | None = None,
    factory: str = "app:create_app",
) -> Iterator[ServedApp]:
    """Migrate a database (a fresh SQLite file unless `database_url`), create the user, serve (`factory`, the app
    or an instrumented one: bench/instrumented.py), and stop at exit."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    database_url = database_url or f"sqlite:///{workdir / 'arauto.sqlite3'}"
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "PICCOLO_CONF": "piccolo_conf",
        "PYTHONPATH": str(REPO),
        "ARAUTO_SECRET_KEY": secrets.token_hex(16),
        "ARAUTO_BASE_URL": url,
        "ARAUTO_SCHEDULER": "1" if scheduler else "0",
        "ARAUTO_DEFAULT_TIMEZONE": "UTC",
        "ARAUTO_DEFAULT_LOCALE": "en",
        "ARAUTO_MEDIA_DIR": str(workdir / "media"),
        **(extra_env or {}),
    }
    _cli(["migrate"], env)
    _cli(["user", "create", EMAIL, "--password-stdin"], env, stdin=PASSWORD + "\n")
    log_path = workdir / "server.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", factory, "--factory", "--host", "127.0.0.1",
             "--port", str(port), "--log-level", "warning", "--no-access-log"],
            cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT,
        )
        try:
            _wait_until_up(url, process, log_path)
            yield ServedApp(url=url, database_url=database_url, email=EMAIL, password=PASSWORD, log_path=log_path)
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
