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


def _normalise_compact(compact: str, region: str) -> str:
    digits = compact[1:] if compact.startswith("+") else compact
    if not digits.isdigit():
        raise PhoneError(N_("not a phone number (it contains letters or symbols)"))
    if len(digits) < _MIN_DIGITS:
        raise PhoneError(N_("too short"))
    if len(digits) > _MAX_DIGITS:
        raise PhoneError(N_("too long"))
    shape = _shape(compact, region)
    if shape is None:
        return _parse(compact, region)
    answer = _SHAPES.get(shape[0])
    if answer is None:
        answer = _learn(shape[0], compact, region, shape[1])
    if isinstance(answer, Message):
        raise PhoneError(answer)
    return answer + shape[1] if answer else _parse(compact, region)


# The fast path of an import (issue 16: `phonenumbers` costs ~65 us a number, most of a large import's CPU).
# A Brazilian number written as +55 N, 55 N or N, where N (area code, then the subscriber) has 10 or 11 digits and
# starts neither with 0 nor 90 (trunk, carrier and international prefixes): every pattern of the BR metadata that
# can meet it (general, fixed line, mobile, toll free, premium, shared cost; the country code's stripping) reads at
# most N's first 3 digits and its length, the rest being free digits. So the answer for one such number is the
# answer for every number of its shape (the form, N's first 4 digits, N's length): learnt once through
# `phonenumbers`, then reused. tests/unit/test_phone_shapes.py checks every shape against `phonenumbers` itself.
_SHAPE_COUNTRY = {"BR": "55"}
_SHAPE_LENGTHS = (10, 11)
_SHAPE_PREFIX = 4
_MAX_SHAPES = 100_000
Shape = tuple[str, str, str, int]
_SHAPES: dict[Shape, str | Message] = {}  # "55": the answer is "55" + N; "": no rule, ask `phonenumbers`


def _shape(compact: str, region: str) -> tuple[Shape, str] | None:
    """(the shape of `compact`, its N) when the fast path knows the form, else None."""
    country = _SHAPE_COUNTRY.get(region)
    if country is None:
        return None
    if compact.startswith("+"):
        form, national = "+", compact[1 + len(country) :] if compact[1:].startswith(country) else ""
    elif compact.startswith(country) and len(compact) - len(country) in _SHAPE_LENGTHS:
        form, national = country, compact[len(country) :]
    else:
        form, national = "", compact
        if national.startswith(country):  # 55 is also an area code: which one it is needs the whole number
            return None
    if len(national) not in _SHAPE_LENGTHS or national.startswith(("0", "90")):
        return None
    return (region, form, national[:_SHAPE_PREFIX], len(national)), national


def _learn(shape: Shape, compact: str, region: str, national: str) -> str | Message:
    """The answer for `shape`, learnt from `compact` through `phonenumbers`."""
    country = _SHAPE_COUNTRY[region]
    answer: str | Message
    try:
        answer = country if _parse(compact, region) == country + national else ""
    except PhoneError as exc:
        answer = exc.reason if isinstance(exc.reason, Message) else ""
    if len(_SHAPES) >= _MAX_SHAPES:
        _SHAPES.clear()
    _SHAPES[shape] = answer
    return answer


@lru_cache(maxsize=4096)
def _parse(compact: str, region: str) -> str:
    """Through `phonenumbers`; cached: a list often repeats numbers."""
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
