"""A real `arauto run` process (uvicorn on 127.0.0.1) against a test database and the sandbox."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class ArautoProcess:
    process: subprocess.Popen[bytes]
    port: int
    log: Path

    def kill9(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill9()

    def output(self) -> str:
        return self.log.read_text(errors="replace")


def start_arauto(database_url: str, tmp_path: Path, *, wait: bool = True, **env: str) -> ArautoProcess:
    """`python -m cli run` with a short lease and a fast dispatch interval; waits until it accepts connections."""
    port = free_port()
    log = tmp_path / f"arauto-{port}.log"
    environment = {
        **os.environ,
        "DATABASE_URL": database_url,
        "ARAUTO_SECRET_KEY": "reliability-secret-key",
        "ARAUTO_SEND_LEASE_SECONDS": "2",
        "ARAUTO_DISPATCH_INTERVAL": "0.2",
        "ARAUTO_MAX_RATE": "100000",
        "PYTHONPATH": str(REPO),
        **env,
    }
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "cli", "run", "--host", "127.0.0.1", "--port", str(port)],
            cwd=REPO,
            env=environment,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    server = ArautoProcess(process, port, log)
    if wait:
        wait_until_listening(server)
    return server


def wait_until_listening(server: ArautoProcess, timeout: float = 15) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise AssertionError(f"arauto exited early:\n{server.output()}")
        try:
            with socket.create_connection(("127.0.0.1", server.port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise AssertionError(f"arauto did not start:\n{server.output()}")


def sends_per_number(sandbox: Any) -> Counter[str]:
    """How many sends the sandbox accepted (201) per number: the ground truth for "exactly once"."""
    return Counter(
        r["body"]["number"] for r in sandbox.requests() if r["path"].startswith("/message/send") and r["status"] == 201
    )


def sends_per_instance(sandbox: Any) -> Counter[str]:
    """How many sends the sandbox accepted (201) per instance name."""
    return Counter(
        r["path"].rsplit("/", 1)[-1]
        for r in sandbox.requests()
        if r["path"].startswith("/message/send") and r["status"] == 201
    )


def wait_for(predicate: Any, timeout: float, interval: float = 0.1) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(interval)
