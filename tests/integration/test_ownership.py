"""One helper scopes every query to its user: another user's row is 'not found', never shown or changed."""

from __future__ import annotations

import pytest

from models.accounts import users
from models.errors import NotFoundOrNotYours
from models.ownership import get_own
from models.tables import ApiToken, Instance
from tests.factories import make_instance
from tests.fixtures.web import html, post_form


async def test_get_own_returns_only_the_owners_row(make_user) -> None:
    alice, bob = await make_user(), await make_user()
    instance = await make_instance(alice.id)
    assert (await get_own(Instance, instance.id, alice.id)).id == instance.id
    with pytest.raises(NotFoundOrNotYours):
        await get_own(Instance, instance.id, bob.id)


async def test_a_user_cannot_revoke_another_users_token(client, login, make_user, clock) -> None:
    alice, bob = await make_user(), await make_user()
    await users.create_api_token(alice.id, "alice's", now=clock.now())
    token_id = (await ApiToken.select(ApiToken.id).first())["id"]
    await login(bob)
    await post_form(client, f"/account/tokens/{token_id}/delete", {}, page="/account")
    assert await ApiToken.count() == 1


async def test_the_account_page_lists_only_my_tokens(client, login, make_user, clock) -> None:
    alice, bob = await make_user(), await make_user()
    await users.create_api_token(alice.id, "alice-token", now=clock.now())
    await users.create_api_token(bob.id, "bob-token", now=clock.now())
    await login(bob)
    names = [cell.get_text(strip=True) for cell in html(await client.get("/account")).select("tbody tr td:first-child")]
    assert names == ["bob-token"]
