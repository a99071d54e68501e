"""An unknown time zone is refused at input instead of stored (issue 10, finding 14)."""

from __future__ import annotations

import pytest
from piccolo.apps.user.tables import BaseUser

from models.accounts.users import create_user
from models.errors import ValidationFailed


async def test_a_user_with_an_unknown_time_zone_is_refused_and_not_stored(db):
    with pytest.raises(ValidationFailed) as refused:
        await create_user("zone@example.com", "correct horse battery", timezone="Mars/Olympus", iterations=1_000)
    assert set(refused.value.errors) == {"timezone"}
    assert await BaseUser.count().where(BaseUser.email == "zone@example.com") == 0
