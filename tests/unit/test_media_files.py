"""Media files are judged by their first bytes, never by their names, and held to WhatsApp's size limits."""

from __future__ import annotations

from models.media_files import SIZE_LIMITS, safe_file_name, sniff
from tests.media_files import png_bytes


def test_a_png_is_an_image_whatever_its_name() -> None:
    media = sniff(png_bytes()[:16], "holiday.pdf")
    assert media is not None and (media.kind, media.mime, media.extension) == ("image", "image/png", "png")


def test_a_text_file_named_jpg_is_not_media() -> None:
    assert sniff(b"just some text..", "photo.jpg") is None


def test_an_executable_renamed_pdf_is_not_media() -> None:
    assert sniff(b"MZ\x90\x00\x03\x00\x00\x00", "invoice.pdf") is None


def test_common_formats_are_recognised_by_their_magic_bytes() -> None:
    samples = {
        b"\xff\xd8\xff\xe0\x00\x10JFIF": ("image", "jpg"),
        b"\x00\x00\x00\x18ftypmp42": ("video", "mp4"),
        b"\x00\x00\x00\x18ftyp3gp4": ("video", "3gp"),
        b"\x00\x00\x00\x18ftypM4A ": ("audio", "m4a"),
        b"OggS\x00\x02": ("audio", "ogg"),
        b"ID3\x04\x00": ("audio", "mp3"),
        b"#!AMR\n": ("audio", "amr"),
        b"%PDF-1.7\n": ("document", "pdf"),
    }
    found = {head: sniff(head) for head in samples}
    assert {head: (m.kind, m.extension) for head, m in found.items() if m} == samples


def test_an_office_file_takes_its_type_from_the_name_only_when_the_content_is_a_zip() -> None:
    media = sniff(b"PK\x03\x04\x14\x00", "prices.xlsx")
    assert media is not None and (media.kind, media.extension) == ("document", "xlsx")


def test_whatsapp_size_limits_per_kind() -> None:
    assert {kind: limit // (1024 * 1024) for kind, limit in SIZE_LIMITS.items()} == {
        "image": 5,
        "video": 16,
        "audio": 16,
        "document": 100,
    }


def test_the_name_sent_keeps_the_stem_and_takes_the_extension_of_the_content() -> None:
    media = sniff(png_bytes()[:16])
    assert media is not None
    assert safe_file_name("C:\\fotos\\../promo<1>.jpg", media) == "promo1.png"
    assert safe_file_name("", media) == "image.png"
