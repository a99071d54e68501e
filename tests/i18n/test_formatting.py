"""Dates, durations, numbers, percentages and money as each language writes them."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from views.formatting import from_now, local_time, money, number, percent
from views.i18n import reset_locale, stored, use_locale

MOMENT = datetime(2026, 11, 30, 17, 20, tzinfo=UTC)  # 14:20 in São Paulo


@pytest.fixture
def in_locale():
    tokens = []

    def switch(locale: str) -> None:
        tokens.append(use_locale(locale))

    yield switch
    for token in reversed(tokens):
        reset_locale(token)


def test_pt_br_writes_brazilian_dates_numbers_percentages_money_and_durations(in_locale) -> None:
    in_locale("pt-BR")
    assert local_time(MOMENT, "America/Sao_Paulo") == "30/11/2026 14:20"
    assert number(1997) == "1.997"
    assert percent(0.815) == "81,5\u00a0%"
    assert money(12.5) == "R$\u00a012,50"
    assert from_now(99 * 60) == "em 1 h 39 min"


def test_english_writes_english_numbers_and_durations(in_locale) -> None:
    in_locale("en")
    assert local_time(MOMENT, "America/Sao_Paulo") == "11/30/26, 2:20\u202fPM"
    assert number(1997) == "1,997"
    assert percent(0.815) == "81.5%"
    assert money(12.5) == "R$12.50"
    assert from_now(99 * 60) == "in 1 h 39 min"


def test_an_unknown_time_zone_falls_back_to_utc_and_missing_values_are_empty(in_locale) -> None:
    in_locale("pt-BR")
    assert local_time(MOMENT, "Mars/Olympus") == "30/11/2026 17:20"
    assert local_time(None) == "" and number(None) == "" and from_now(None) == ""


def test_an_instant_at_the_end_of_the_calendar_is_shown_rather_than_failing(in_locale) -> None:
    in_locale("pt-BR")
    assert local_time(datetime(9999, 12, 31, 23, 59, tzinfo=UTC), "Pacific/Kiritimati") == "31/12/9999 23:59"


def test_a_frequency_cap_skip_reads_in_the_users_language_with_its_campaign(in_locale) -> None:
    reason = "Messaged too recently (campaign 12)"  # as the sender stores it (models/sending/_limits.py)
    in_locale("pt-BR")
    assert stored(reason) == "Recebeu mensagem há pouco (campanha 12)"
    in_locale("en")
    assert stored(reason) == reason
