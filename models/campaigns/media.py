"""A campaign's uploaded media file: kept under the media directory, described by `Campaign.media_upload` (JSON),
shown to its owner in the preview and sent to Evolution as raw base64 with its `fileName` (evolution-api.md §4.3),
so the Evolution server never needs to reach Arauto. A media URL, when the campaign has one, still wins.
"""

from __future__ import annotations

import asyncio
import base64
import json
import secrets
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import IO, Any

from piccolo.columns import Column

from models.campaigns import lifecycle
from models.campaigns.editing import edit_refusal
from models.errors import IllegalTransition, ValidationFailed
from models.media_files import MB, SNIFF_BYTES, Media, MediaFormat, discard_stored, safe_file_name, sniff
from models.ownership import get_own
from models.tables import Campaign

CHUNK = 1024 * 1024
MISSING_FILE = "The campaign's media file is missing on the server; upload it again."


@dataclass(frozen=True)
class MediaUpload:
    path: str
    kind: str
    mime: str
    file_name: str
    size: int


@dataclass(frozen=True)
class MediaPayload:
    """What one send needs: read once per campaign and dispatcher pass."""

    media: Media  # raw base64, its kind and file name
    error: str = ""  # the stored file is gone: every send of the pass fails with this reason


def upload_of(campaign: Campaign) -> MediaUpload | None:
    return _parse(campaign.media_upload)


async def upload_for(campaign_id: int, *, owner_id: int) -> MediaUpload | None:
    """The owner's campaign's upload (None for none, or for anyone else's campaign)."""
    row = await (
        Campaign.select(Campaign.media_upload)
        .where((Campaign.id == campaign_id) & (Campaign.owner == owner_id))
        .first()
    )
    return _parse(row["media_upload"]) if row else None


def _parse(raw: str) -> MediaUpload | None:
    if not raw:
        return None
    try:
        return MediaUpload(**json.loads(raw))
    except (TypeError, ValueError):
        return None


def _checked(head: bytes, size: int, file_name: str) -> MediaFormat:
    media = sniff(head, file_name)
    if media is None:
        raise ValidationFailed(
            {"file": "This file is not an image, video, audio or document WhatsApp accepts (judged by its content)."}
        )
    if size > media.limit:
        raise ValidationFailed({"file": f"WhatsApp takes a {media.kind} of at most {media.limit // MB} MB."})
    return media


def _store(source: IO[bytes], target: Path, limit: int) -> int:
    """Copy in chunks, stopping past `limit` (a blocking function: run it in a thread)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    written = 0
    with target.open("wb") as output:
        while chunk := source.read(CHUNK):
            written += len(chunk)
            if written > limit:
                break
            output.write(chunk)
    return written


async def attach(campaign_id: int, *, owner_id: int, source: IO[bytes], file_name: str, media_dir: Path) -> MediaUpload:
    """Store an uploaded file as the campaign's media (replacing an earlier upload and any media URL)."""
    campaign = await get_own(Campaign, campaign_id, owner_id, label="Campaign")
    if not lifecycle.can_edit(campaign.status):
        raise IllegalTransition(edit_refusal(campaign.status))
    head = await asyncio.to_thread(source.read, SNIFF_BYTES)
    media = _checked(head, 0, file_name)
    await asyncio.to_thread(source.seek, 0)
    target = media_dir / str(owner_id) / f"{campaign_id}-{secrets.token_urlsafe(12)}.{media.extension}"
    size = await asyncio.to_thread(_store, source, target, media.limit)
    try:
        _checked(head, size, file_name)
    except ValidationFailed:
        target.unlink(missing_ok=True)
        raise
    upload = MediaUpload(str(target), media.kind, media.mime, safe_file_name(file_name, media), size)
    await _replace(campaign, upload)
    return upload


async def remove(campaign_id: int, *, owner_id: int) -> None:
    campaign = await get_own(Campaign, campaign_id, owner_id, label="Campaign")
    if not lifecycle.can_edit(campaign.status):
        raise IllegalTransition(edit_refusal(campaign.status))
    await _replace(campaign, None)


async def _replace(campaign: Campaign, upload: MediaUpload | None) -> None:
    previous = upload_of(campaign)
    values: dict[Column | str, Any] = {Campaign.media_upload: json.dumps(asdict(upload)) if upload else ""}
    if upload is not None:  # an upload replaces a media URL (the form's media type stays for URLs only)
        values.update({Campaign.media_url: "", Campaign.media_type: ""})
    await Campaign.update(values).where(Campaign.id == campaign.id)
    if previous is not None and (upload is None or previous.path != upload.path):
        await asyncio.to_thread(discard_stored, campaign.media_upload)


def _encode(path: str) -> str:
    return base64.b64encode(Path(path).read_bytes()).decode("ascii")


async def payload(campaign_id: int) -> MediaPayload | None:
    """The campaign's uploaded media as Evolution takes it (raw base64, no data: prefix); None without one."""
    row = await Campaign.select(Campaign.media_upload).where(Campaign.id == campaign_id).first()
    upload = _parse(row["media_upload"]) if row else None
    if upload is None:
        return None
    try:
        encoded = await asyncio.to_thread(_encode, upload.path)
    except OSError:
        return MediaPayload(Media("", upload.kind, upload.file_name), error=MISSING_FILE)
    return MediaPayload(Media(encoded, upload.kind, upload.file_name))
