"""Uploads waiting between the steps of the import wizard: files under var/uploads/, named by the user, the
wizard's target (`campaign-12`, `list-3`, `optouts`) and a random token, so a token is useless to anyone else and
for any other target. They are deleted after the import, or after an hour (swept whenever a new upload arrives)."""

from __future__ import annotations

import asyncio
import json
import re
import secrets
import shutil
import time
from pathlib import Path
from typing import Any, BinaryIO

from models.errors import N_, NotFoundOrNotYours
from settings import BASE_DIR

UPLOAD_DIR = BASE_DIR / "var" / "uploads"
TTL_SECONDS = 3600
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
_TARGET = re.compile(r"^[a-z]+(-[0-9]+)?$")
EXPIRED = N_("This upload has expired or was already imported; upload the file again.")


def _path(user_id: int, target: str, token: str, suffix: str) -> Path:
    if not _TOKEN.match(token) or not _TARGET.match(target):
        raise NotFoundOrNotYours(EXPIRED)
    return UPLOAD_DIR / f"{user_id}-{target}-{token}{suffix}"


def _save(source: BinaryIO | bytes, target: Path) -> None:
    UPLOAD_DIR.mkdir(parents=True, exist_ok=True)
    _sweep()
    with target.open("xb") as output:
        if isinstance(source, bytes):
            output.write(source)
        else:
            source.seek(0)
            shutil.copyfileobj(source, output, 1024 * 1024)


def _sweep() -> None:
    deadline = time.time() - TTL_SECONDS
    for old in UPLOAD_DIR.glob("*-*-*"):
        if old.stat().st_mtime < deadline:
            old.unlink(missing_ok=True)


def _fresh(path: Path) -> bool:
    return path.exists() and path.stat().st_mtime >= time.time() - TTL_SECONDS


async def save_upload(user_id: int, target: str, source: BinaryIO | bytes) -> str:
    """Keep the file for the mapping and import steps; returns its token."""
    token = secrets.token_urlsafe(18)
    await asyncio.to_thread(_save, source, _path(user_id, target, token, ".csv"))
    return token


async def upload_path(user_id: int, target: str, token: str) -> Path:
    """The kept file, or NotFoundOrNotYours when it expired, was imported, or is another user's."""
    path = _path(user_id, target, token, ".csv")
    if not await asyncio.to_thread(_fresh, path):
        raise NotFoundOrNotYours(EXPIRED)
    return path


async def finish_upload(user_id: int, target: str, token: str, report: dict[str, Any]) -> None:
    """The import is done: drop the file, keep its report (for the report page and its download) for the hour."""
    csv_path, report_path = _path(user_id, target, token, ".csv"), _path(user_id, target, token, ".json")
    await asyncio.to_thread(report_path.write_text, json.dumps(report), "utf-8")
    await asyncio.to_thread(csv_path.unlink, True)


async def discard_upload(user_id: int, target: str, token: str) -> None:
    await asyncio.to_thread(_path(user_id, target, token, ".csv").unlink, True)


async def load_report(user_id: int, target: str, token: str) -> dict[str, Any]:
    path = _path(user_id, target, token, ".json")
    if not await asyncio.to_thread(_fresh, path):
        raise NotFoundOrNotYours(N_("This import report has expired."))
    data: dict[str, Any] = json.loads(await asyncio.to_thread(path.read_text, "utf-8"))
    return data
