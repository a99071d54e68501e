"""A number's Evolution address carries the API key to the client's `apikey` header and nowhere else."""

from __future__ import annotations

from models.instances.address import NumberAddress
from models.media_files import Media


def test_the_key_never_shows_in_the_address_repr() -> None:
    address = NumberAddress("https://evo.example.com", "super-secret-key", "sales")
    assert "super-secret-key" not in repr(address)
    assert "sales" in repr(address) and "https://evo.example.com" in repr(address)


def test_an_address_reads_a_row_with_missing_values_as_empty() -> None:
    row = {"server_url": "https://evo.example.com", "api_key": None, "instance_name": None}
    assert NumberAddress.of(row) == NumberAddress("https://evo.example.com", "", "")


def test_a_campaign_media_link_is_an_image_without_a_kind_and_nothing_without_a_link() -> None:
    image, pdf = "https://cdn.example.com/a.jpg", "https://cdn.example.com/a.pdf"
    assert Media.linked(image, "", "") == Media(image, "image", None)
    assert Media.linked(pdf, "document", "a.pdf") == Media(pdf, "document", "a.pdf")
    assert Media.linked("", "image", "a.jpg") is None
