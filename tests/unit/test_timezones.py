"""Local times for display never fail, and zone names are checked at input (issue 10, findings 7 and 14)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from models.errors import ValidationFailed
from models.timezones import checked_zone, format_local


def test_the_last_instant_of_the_calendar_is_shown_at_its_own_offset_east_of_utc() -> None:
    assert format_local(datetime(9999, 12, 31, 23, 0, tzinfo=UTC), "Pacific/Kiritimati") == "9999-12-31 23:00"


def test_the_first_instant_of_the_calendar_is_shown_at_its_own_offset_west_of_utc() -> None:
    assert format_local(datetime(1, 1, 1, 0, 30, tzinfo=UTC), "America/Sao_Paulo", "%m-%d %H:%M") == "01-01 00:30"


def test_an_ordinary_instant_is_shown_in_the_users_zone() -> None:
    assert format_local(datetime(2026, 1, 5, 12, 0, tzinfo=UTC), "America/Sao_Paulo") == "2026-01-05 09:00"


@pytest.mark.parametrize("name", ["Mars/Olympus", "../../etc/passwd", "", "utc\x00", "America/Sao_Paulo "])
def test_an_unknown_zone_name_is_refused_naming_the_field(name: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        checked_zone(name)
    assert set(refused.value.errors) == {"timezone"}


def test_a_known_zone_name_is_accepted_as_written() -> None:
    assert checked_zone("America/Sao_Paulo") == "America/Sao_Paulo"
    assert checked_zone("UTC") == "UTC"
