"""Prices are read exactly (never through floats) and bounded; shown with their four places."""

from __future__ import annotations

from decimal import Decimal

from models.money import money, money_text


def test_a_price_is_read_exactly_from_a_string_with_a_point_or_a_comma() -> None:
    errors: dict[str, str] = {}
    assert money("0,045", "cost", errors) == Decimal("0.045")
    assert money("0.1", "cost", errors) + money("0.2", "cost", errors) == Decimal("0.3")
    assert errors == {}


def test_negative_huge_overprecise_and_non_numeric_prices_are_refused() -> None:
    for bad in ("-1", "1e9", "0.00001", "NaN", "Infinity", "abc", "1" * 30, True):
        errors: dict[str, str] = {}
        money(bad, "cost", errors)
        assert "cost" in errors, bad


def test_an_empty_price_is_zero_and_prices_show_four_places() -> None:
    assert money("", "cost", {}) == 0
    assert (money_text(Decimal("0.045")), money_text(None), money_text(Decimal("12"))) == (
        "0.0450",
        "0.0000",
        "12.0000",
    )
