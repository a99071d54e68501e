"""Phone numbers as written by people -> E.164 digits (no "+"), or a PhoneError saying exactly what is wrong."""

from __future__ import annotations

import re
from functools import lru_cache

import phonenumbers
from phonenumbers import NumberParseException, ValidationResult

# 5.51E+12, 5,51E+12, 5.5114E12: what Excel shows (and exports) for a long number stored as a number.
_SCIENTIFIC = re.compile(r"^[+-]?\d+(?:[.,]\d+)?[eE][+-]?\d+$")
_FORMATTING = str.maketrans("", "", " \t-.()/\u00a0")
_MIN_DIGITS = 4
_MAX_DIGITS = 17

_PARSE_REASONS = {
    NumberParseException.INVALID_COUNTRY_CODE: "unknown country code",
    NumberParseException.NOT_A_NUMBER: "not a phone number",
    NumberParseException.TOO_SHORT_AFTER_IDD: "too short",
    NumberParseException.TOO_SHORT_NSN: "too short",
    NumberParseException.TOO_LONG: "too long",
}
_POSSIBLE_REASONS = {
    ValidationResult.TOO_SHORT: "too short for {region}",
    ValidationResult.TOO_LONG: "too long for {region}",
    ValidationResult.INVALID_COUNTRY_CODE: "unknown country code",
    ValidationResult.INVALID_LENGTH: "wrong length for {region}",
}


class PhoneError(ValueError):
    """The value cannot be a phone number; `reason` is shown to the user beside the row."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def normalise(raw: str, region: str) -> str:
    """E.164 digits without "+" (5511988887777); numbers without +country are read in `region`."""
    compact = raw.strip().translate(_FORMATTING)
    if not compact:
        raise PhoneError("empty phone number")
    if _SCIENTIFIC.match(compact):
        raise PhoneError(
            f"{raw.strip()} was turned into scientific notation by a spreadsheet; "
            "format the column as text and export again"
        )
    return _normalise_compact(compact, region.upper())


@lru_cache(maxsize=4096)
def _normalise_compact(compact: str, region: str) -> str:
    """Cached: a list often repeats numbers, and `phonenumbers` is the costly step of an import."""
    digits = compact[1:] if compact.startswith("+") else compact
    if not digits.isdigit():
        raise PhoneError("not a phone number (it contains letters or symbols)")
    if len(digits) < _MIN_DIGITS:
        raise PhoneError("too short")
    if len(digits) > _MAX_DIGITS:
        raise PhoneError("too long")
    try:
        number = phonenumbers.parse(compact, region)
    except NumberParseException as exc:
        raise PhoneError(_PARSE_REASONS.get(exc.error_type, "not a phone number")) from None
    number_region = phonenumbers.region_code_for_number(number) or region
    possible = phonenumbers.is_possible_number_with_reason(number)
    if possible not in (ValidationResult.IS_POSSIBLE, ValidationResult.IS_POSSIBLE_LOCAL_ONLY):
        raise PhoneError(
            _POSSIBLE_REASONS.get(possible, "not a possible number for {region}").format(region=number_region)
        )
    if possible == ValidationResult.IS_POSSIBLE_LOCAL_ONLY:
        raise PhoneError(f"missing area code for {number_region}")
    if not phonenumbers.is_valid_number(number):
        raise PhoneError(f"not a valid number for {number_region}")
    return f"{number.country_code}{number.national_number}"


def is_known_region(region: str) -> bool:
    """A two-letter region `phonenumbers` knows (BR, PT, US...), as accepted for `defaultRegion`."""
    return phonenumbers.country_code_for_region(region.upper()) != 0


def jid_differs(phone: str, jid: str) -> bool:
    """True when WhatsApp resolved the number to another one (Brazil's ninth digit): shown flagged, never guessed."""
    return bool(jid) and jid.split("@", 1)[0] != phone
