"""Money: exact decimals (never floats), read from user input with bounds, written as plain decimal strings."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

MAX_PRICE = Decimal("99999999.9999")  # NUMERIC(12, 4)
PLACES = 4
MAX_INPUT_LENGTH = 24


def money(value: object, field: str, errors: dict[str, str]) -> Decimal:
    """A price from 0 to MAX_PRICE with at most 4 decimal places (comma or point); the reason lands in `errors`."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return Decimal(0)
    text = str(value).strip().replace(",", ".")
    try:
        number = Decimal(text) if len(text) <= MAX_INPUT_LENGTH and not isinstance(value, bool) else Decimal("NaN")
    except InvalidOperation:
        number = Decimal("NaN")
    if not number.is_finite() or not 0 <= number <= MAX_PRICE or -number.as_tuple().exponent > PLACES:  # type: ignore[operator]
        errors[field] = "Enter an amount such as 0.05 (at most 4 decimal places)."
        return Decimal(0)
    return number


def money_text(value: Decimal | None) -> str:
    """A plain decimal string with the 4 stored places and no exponent: "0.0500", "0.0000"."""
    return format(Decimal(value or 0).quantize(Decimal(1).scaleb(-PLACES)), "f")
