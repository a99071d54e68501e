"""Phone numbers as written by people -> E.164 digits (no "+"), or a PhoneError saying exactly what is wrong."""

from __future__ import annotations

import re
from functools import lru_cache

import phonenumbers
from phonenumbers import NumberParseException, ValidationResult

from models.errors import N_, Message

# 5.51E+12, 5,51E+12, 5.5114E12: what Excel shows (and exports) for a long number stored as a number.
_SCIENTIFIC = re.compile(r"^[+-]?\d+(?:[.,]\d+)?[eE][+-]?\d+$")
_FORMATTING = str.maketrans("", "", " \t-.()/\u00a0")
_MIN_DIGITS = 4
_MAX_DIGITS = 17

_PARSE_REASONS = {
    NumberParseException.INVALID_COUNTRY_CODE: N_("unknown country code"),
    NumberParseException.NOT_A_NUMBER: N_("not a phone number"),
    NumberParseException.TOO_SHORT_AFTER_IDD: N_("too short"),
    NumberParseException.TOO_SHORT_NSN: N_("too short"),
    NumberParseException.TOO_LONG: N_("too long"),
}
_POSSIBLE_REASONS = {
    ValidationResult.TOO_SHORT: N_("too short for %(region)s"),
    ValidationResult.TOO_LONG: N_("too long for %(region)s"),
    ValidationResult.INVALID_COUNTRY_CODE: N_("unknown country code"),
    ValidationResult.INVALID_LENGTH: N_("wrong length for %(region)s"),
}


class PhoneError(ValueError):
    """The value cannot be a phone number; `reason` (a `Message`) is shown to the user beside the row."""

    def __init__(self, reason: str, **params: object) -> None:
        self.reason = reason if isinstance(reason, Message) else Message(reason, **params)
        super().__init__(self.reason)


def normalise(raw: str, region: str) -> str:
    """E.164 digits without "+" (5511988887777); numbers without +country are read in `region`."""
    compact = raw.strip().translate(_FORMATTING)
    if not compact:
        raise PhoneError(N_("empty phone number"))
    if _SCIENTIFIC.match(compact):
        raise PhoneError(
            N_(
                "%(value)s was turned into scientific notation by a spreadsheet; "
                "format the column as text and export again"
            ),
            value=raw.strip(),
        )
    return _normalise_compact(compact, region.upper())


@lru_cache(maxsize=4096)
def _normalise_compact(compact: str, region: str) -> str:
    """Cached: a list often repeats numbers, and `phonenumbers` is the costly step of an import."""
    digits = compact[1:] if compact.startswith("+") else compact
    if not digits.isdigit():
        raise PhoneError(N_("not a phone number (it contains letters or symbols)"))
    if len(digits) < _MIN_DIGITS:
        raise PhoneError(N_("too short"))
    if len(digits) > _MAX_DIGITS:
        raise PhoneError(N_("too long"))
    try:
        number = phonenumbers.parse(compact, region)
    except NumberParseException as exc:
        raise PhoneError(_PARSE_REASONS.get(exc.error_type, N_("not a phone number"))) from None
    number_region = phonenumbers.region_code_for_number(number) or region
    possible = phonenumbers.is_possible_number_with_reason(number)
    if possible not in (ValidationResult.IS_POSSIBLE, ValidationResult.IS_POSSIBLE_LOCAL_ONLY):
        raise PhoneError(
            _POSSIBLE_REASONS.get(possible, N_("not a possible number for %(region)s")), region=number_region
        )
    if possible == ValidationResult.IS_POSSIBLE_LOCAL_ONLY:
        raise PhoneError(N_("missing area code for %(region)s"), region=number_region)
    if not phonenumbers.is_valid_number(number):
        raise PhoneError(N_("not a valid number for %(region)s"), region=number_region)
    return f"{number.country_code}{number.national_number}"


def unknown_region(region: str) -> Message:
    """The reason a `defaultRegion` is refused."""
    return Message(N_("Unknown region “%(region)s”: use a two-letter code such as BR or PT."), region=region)


def is_known_region(region: str) -> bool:
    """A two-letter region `phonenumbers` knows (BR, PT, US...), as accepted for `defaultRegion`."""
    return phonenumbers.country_code_for_region(region.upper()) != 0


def jid_differs(phone: str, jid: str) -> bool:
    """True when WhatsApp resolved the number to another one (Brazil's ninth digit): shown flagged, never guessed."""
    return bool(jid) and jid.split("@", 1)[0] != phone


# A deleted contact's number, in the campaigns that wrote to it (models/contacts/removal.py): never sent to again.
REMOVED_PREFIX = "removed-"
REMOVED_LIKE = REMOVED_PREFIX + "%"


def removed_marker(contact_id: int) -> str:
    """What stands for a deleted contact's number: stable, unique per contact, saying nothing of the number."""
    return f"{REMOVED_PREFIX}{contact_id}"
