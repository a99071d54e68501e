"""Logging, configured once for the whole process (Arauto's, Litestar's, uvicorn's and APScheduler's loggers):
plain text by default, one JSON object per line with ARAUTO_LOG_FORMAT=json. Lines go through Litestar's queue
handler, so writing them never blocks the event loop."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any

from litestar.logging.config import LoggingConfig

from settings import Settings

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
# uvicorn installs its own handlers before the app exists: these loggers drop them and reach the root's.
FOLLOWERS = ("litestar", "uvicorn", "uvicorn.error", "uvicorn.access", "apscheduler")
# Attributes every record has (plus uvicorn's `color_message`, the message again with ANSI colours): not extras.
_RECORD_FIELDS = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message",
    "asctime",
    "color_message",
}


class JsonFormatter(logging.Formatter):
    """time, level, logger, message, then every `extra=` field; an exception as its formatted traceback."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update({key: value for key, value in vars(record).items() if key not in _RECORD_FIELDS})
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def logging_config(settings: Settings) -> LoggingConfig:
    """Litestar applies this when the app is built: after uvicorn's own set-up, so it wins."""
    formatter: dict[str, Any] = (
        {"()": JsonFormatter} if settings.log_format.strip().lower() == "json" else {"format": TEXT_FORMAT}
    )
    level = settings.log_level.strip().upper() or "INFO"
    return LoggingConfig(
        formatters={"standard": formatter},
        root={"level": level, "handlers": ["queue_listener"]},
        loggers={name: {"handlers": [], "propagate": True} for name in FOLLOWERS},  # their levels stay theirs
        log_exceptions="always",
    )
