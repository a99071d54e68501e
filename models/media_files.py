"""What a media file is, judged by its first bytes (never by its name), and WhatsApp's size limit for its kind.

WhatsApp's limits (Cloud API media reference): images JPEG/PNG up to 5 MB; video MP4/3GPP up to 16 MB; audio
AAC/MP4/MPEG/AMR/OGG up to 16 MB; documents up to 100 MB. Evolution takes the MIME type from `fileName`'s
extension, so the name sent always ends with the extension the content proves.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

MB = 1024 * 1024
SIZE_LIMITS = {"image": 5 * MB, "video": 16 * MB, "audio": 16 * MB, "document": 100 * MB}
MAX_MEDIA_BYTES = max(SIZE_LIMITS.values())
SNIFF_BYTES = 16
MAX_NAME_CHARS = 120
OFFICE_ZIP = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
OFFICE_OLE = {"doc": "application/msword", "xls": "application/vnd.ms-excel", "ppt": "application/vnd.ms-powerpoint"}


@dataclass(frozen=True, slots=True)
class Media:
    """A send's media as Evolution's sendMedia takes it: `source` an http(s) URL or raw base64 (no `data:` prefix),
    `kind` its `mediatype`, `file_name` its `fileName` (None leaves it out; with base64 the extension is required:
    Evolution takes the MIME type from it)."""

    source: str
    kind: str
    file_name: str | None = None

    @classmethod
    def linked(cls, url: str, kind: str, file_name: str) -> Media | None:
        """A campaign's media link as stored (no link, no media; an image unless told otherwise)."""
        return cls(url, kind or "image", file_name or None) if url else None


@dataclass(frozen=True)
class MediaFormat:
    kind: str  # image | video | audio | document (Evolution's `mediatype`)
    mime: str
    extension: str

    @property
    def limit(self) -> int:
        return SIZE_LIMITS[self.kind]


def _extension_of(file_name: str) -> str:
    return file_name.rsplit(".", 1)[-1].lower() if "." in file_name else ""


def _iso_media(head: bytes) -> MediaFormat:
    brand = head[8:12]
    if brand == b"M4A ":
        return MediaFormat("audio", "audio/mp4", "m4a")
    if brand.startswith(b"3g"):
        return MediaFormat("video", "video/3gpp", "3gp")
    return MediaFormat("video", "video/mp4", "mp4")


def _container(head: bytes, file_name: str) -> MediaFormat:
    """ZIP and OLE files hold several formats: the name says which Office one, the content that it is one."""
    extension = _extension_of(file_name)
    if head.startswith(b"PK\x03\x04"):
        if extension in OFFICE_ZIP:
            return MediaFormat("document", OFFICE_ZIP[extension], extension)
        return MediaFormat("document", "application/zip", "zip")
    if extension in OFFICE_OLE:
        return MediaFormat("document", OFFICE_OLE[extension], extension)
    return MediaFormat("document", "application/octet-stream", "bin")


def sniff(head: bytes, file_name: str = "") -> MediaFormat | None:
    """The format the first bytes prove, or None for anything WhatsApp would not take."""
    if head.startswith(b"\xff\xd8\xff"):
        return MediaFormat("image", "image/jpeg", "jpg")
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return MediaFormat("image", "image/png", "png")
    if head[4:8] == b"ftyp":
        return _iso_media(head)
    if head.startswith(b"OggS"):
        return MediaFormat("audio", "audio/ogg", "ogg")
    if head.startswith(b"#!AMR"):
        return MediaFormat("audio", "audio/amr", "amr")
    if head.startswith(b"ID3"):
        return MediaFormat("audio", "audio/mpeg", "mp3")
    if len(head) >= 2 and head[0] == 0xFF and head[1] & 0xF6 == 0xF0:
        return MediaFormat("audio", "audio/aac", "aac")
    if len(head) >= 2 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0:
        return MediaFormat("audio", "audio/mpeg", "mp3")
    if head.startswith(b"%PDF-"):
        return MediaFormat("document", "application/pdf", "pdf")
    if head.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")):
        return _container(head, file_name)
    return None


def safe_file_name(file_name: str, media: MediaFormat) -> str:
    """The name WhatsApp shows: the uploaded name's stem (no folders, no control characters, bounded) and the
    extension of what the content is."""
    base = file_name.replace("\\", "/").rsplit("/", 1)[-1]
    stem = base.rsplit(".", 1)[0] if "." in base else base
    stem = "".join(char for char in stem if char.isprintable() and char not in '<>:"|?*')[:MAX_NAME_CHARS].strip()
    return f"{stem or media.kind}.{media.extension}"


def discard_stored(media_upload: str) -> None:
    """Delete the file a `Campaign.media_upload` description names (blocking: run it in a thread)."""
    try:
        path = json.loads(media_upload)["path"] if media_upload else ""
    except (TypeError, ValueError, KeyError):
        return
    if path:
        Path(path).unlink(missing_ok=True)
