"""Phone numbers as people write them -> E.164 digits, or a reason the user can act on."""

from __future__ import annotations

import pytest

from models.phones import PhoneError, normalise


@pytest.mark.parametrize(
    "raw",
    ["+55 11 98888-7777", "(11) 98888-7777", "5511988887777", "11 98888 7777", "11988887777", " +55 (11) 98888.7777 "],
)
def test_brazilian_formats_normalise_to_the_same_e164_digits(raw: str) -> None:
    assert normalise(raw, "BR") == "5511988887777"


def test_a_number_with_a_country_code_ignores_the_default_region() -> None:
    assert normalise("+1 650-253-0000", "BR") == "16502530000"


def test_the_default_region_supplies_the_country_code() -> None:
    assert normalise("(650) 253-0000", "us") == "16502530000"


def test_an_empty_value_is_reported_as_empty() -> None:
    with pytest.raises(PhoneError, match="empty"):
        normalise("   ", "BR")


@pytest.mark.parametrize("raw", ["5.51E+12", "5,51E+12", "5.5119888E+12"])
def test_a_number_excel_turned_into_scientific_notation_is_reported_as_such(raw: str) -> None:
    with pytest.raises(PhoneError, match="scientific notation"):
        normalise(raw, "BR")


def test_letters_are_not_a_phone_number() -> None:
    with pytest.raises(PhoneError, match="not a phone number"):
        normalise("call me", "BR")


def test_a_short_number_is_reported_too_short() -> None:
    with pytest.raises(PhoneError, match="too short"):
        normalise("119888", "BR")


def test_a_long_number_is_reported_too_long() -> None:
    with pytest.raises(PhoneError, match="too long"):
        normalise("+55 11 98888-7777 1234567", "BR")


def test_a_number_no_region_uses_is_reported_invalid_for_its_region() -> None:
    with pytest.raises(PhoneError, match="not a valid number for BR"):
        normalise("+55 11 08888-7777", "BR")


def test_an_unknown_country_code_is_reported() -> None:
    with pytest.raises(PhoneError, match="unknown country code"):
        normalise("+999 1234567", "BR")
