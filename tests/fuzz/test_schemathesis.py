"""Schemathesis (every check, all phases, fixed seed) against the real app over HTTP on 127.0.0.1 finds nothing."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import pytest

from models.db import use_engine
from models.engines import engine_from_url
from tests.browser.server import free_port
from tests.fuzz.harness import seed_owner

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
SEED = "20261130"
MAX_EXAMPLES = "20"
TIME_LIMIT_SECONDS = 240


def _wait_until_up(url: str, process: subprocess.Popen[bytes]) -> None:
    import httpx

    for _ in range(300):
        if process.poll() is not None:
            raise RuntimeError("the fuzz server exited early")
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        subprocess.run(["sleep", "0.1"], check=True)
    raise RuntimeError("the fuzz server did not start")


@pytest.mark.slow
def test_schemathesis_finds_no_failure_in_the_api(database_url: str, tmp_path: Path) -> None:
    use_engine(engine_from_url(database_url))
    owner = asyncio.run(seed_owner())
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {**os.environ, "DATABASE_URL": database_url, "PYTHONPATH": str(REPO)}
    log = (tmp_path / "server.log").open("wb")
    server = subprocess.Popen([sys.executable, "-m", "tests.fuzz.server", str(port)], cwd=REPO, env=env,
                              stdout=log, stderr=subprocess.STDOUT)  # fmt: skip
    try:
        _wait_until_up(url, server)
        run = subprocess.run(
            [
                str(Path(sys.executable).with_name("st")), "--config-file", str(HERE / "schemathesis.toml"),
                "run", f"{url}/schema/openapi.json", "--header", f"Authorization: Bearer {owner.token}",
                "--checks", "all", "--seed", SEED, "--max-examples", MAX_EXAMPLES, "--workers", "1", "--no-color",
            ],
            cwd=tmp_path, env=env, capture_output=True, text=True, timeout=TIME_LIMIT_SECONDS, check=False,
        )  # fmt: skip
    finally:
        server.terminate()
        server.wait(timeout=10)
        log.close()
    assert run.returncode == 0, run.stdout[-20000:] + run.stderr[-3000:]  # st's report: each failure, with curl
