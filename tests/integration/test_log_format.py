"""Logs: one JSON object per line with ARAUTO_LOG_FORMAT=json (time, level, logger, message and the extra fields),
Arauto's and uvicorn's loggers alike; plain text by default."""

from __future__ import annotations

import json
import logging
import time
from typing import Any

import pytest

from app import create_app
from settings import load_settings


def configure(db: str, clock: Any, **environ: str) -> None:
    """Build the app: Litestar applies its logging configuration then."""
    settings = load_settings(environ=environ, database_url=db, secret_key="test-secret-key", scheduler_enabled=False)
    create_app(settings, clock=clock)


def captured_lines(capfd: pytest.CaptureFixture[str], count: int, timeout: float = 3.0) -> list[str]:
    """Lines written to stderr (the queue listener writes them from its own thread, so wait for them)."""
    lines: list[str] = []
    deadline = time.monotonic() + timeout
    while len(lines) < count and time.monotonic() < deadline:
        lines += [line for line in capfd.readouterr().err.splitlines() if line.strip()]
        time.sleep(0.02)
    return lines


@pytest.fixture
def restore_text_logs(db: str, clock: Any) -> Any:
    yield
    configure(db, clock)


async def test_in_json_mode_each_log_line_parses_as_json_with_the_expected_keys(db, clock, capfd, restore_text_logs):
    configure(db, clock, ARAUTO_LOG_FORMAT="json")
    capfd.readouterr()
    logging.getLogger("arauto.imports").warning("import of %d rows finished", 3, extra={"campaign_id": 7})
    logging.getLogger("uvicorn.error").warning("server is busy", extra={"color_message": "\x1b[1mserver is busy"})
    lines = captured_lines(capfd, 2)
    entries = [json.loads(line) for line in lines]
    first, second = entries[0], entries[1]
    assert set(first) == {"time", "level", "logger", "message", "campaign_id"}
    assert (first["level"], first["logger"], first["message"], first["campaign_id"]) == (
        "WARNING",
        "arauto.imports",
        "import of 3 rows finished",
        7,
    )
    assert first["time"].endswith("+00:00")
    assert (second["logger"], second["message"]) == ("uvicorn.error", "server is busy")
    assert "color_message" not in second


async def test_by_default_log_lines_are_plain_text(db, clock, capfd):
    configure(db, clock)
    capfd.readouterr()
    logging.getLogger("arauto.imports").warning("plain line")
    [line] = captured_lines(capfd, 1)
    assert line.endswith("WARNING arauto.imports: plain line")
    with pytest.raises(ValueError):
        json.loads(line)
