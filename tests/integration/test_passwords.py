"""Weak passwords are refused with a clear message wherever a password is chosen: the setup link, `arauto user
create` and the password change (issue 10, finding 13). zxcvbn judges them."""

from __future__ import annotations

import time

import pytest

from models.accounts import users
from models.accounts.passwords import CHECKED_LENGTH, TOO_WEAK, password_problem
from tests.fixtures.web import TEST_PASSWORD, html, post_form
from tests.integration.test_cli import arauto

WEAK = ["12345678", " " * 8, "password1", "qwertyuiop", "aaaaaaaaaaaa"]


@pytest.mark.parametrize("weak", WEAK)
async def test_setup_refuses_a_weak_password_with_a_clear_message(client, clock, weak) -> None:
    token = await users.issue_setup_token(now=clock.now())
    data = {"email": "admin@example.com", "password": weak, "password_confirm": weak}
    response = await post_form(client, f"/setup/{token}", data, page=f"/setup/{token}")
    assert response.status_code == 422
    assert html(response).select_one("#password-error").get_text(strip=True) == TOO_WEAK
    assert await users.user_count() == 0


async def test_user_create_refuses_a_weak_password(db: str) -> None:
    done = arauto(db, "user", "create", "ops@example.com", "--password-stdin", stdin="12345678\n")
    assert done.returncode == 1
    assert done.stderr.strip() == f"error: password: {TOO_WEAK}"
    assert await users.user_count() == 0


async def test_password_change_refuses_a_weak_new_password_and_keeps_the_old_one(client, login, make_user) -> None:
    user = await make_user()
    await login(user)
    data = {"current_password": TEST_PASSWORD, "new_password": " " * 8, "new_password_confirm": " " * 8}
    response = await post_form(client, "/account/password", data, page="/account")
    assert response.status_code == 422
    assert html(response).select_one("#new_password-error").get_text(strip=True) == TOO_WEAK
    assert await users.authenticate(user.email, TEST_PASSWORD) is not None


def test_a_password_built_from_the_email_address_is_weak() -> None:
    problem = password_problem(
        "maria.souza2026", max_length=128, user_inputs=("maria.souza@example.com", "maria.souza")
    )
    assert problem == TOO_WEAK


def test_judging_the_longest_accepted_password_stays_fast() -> None:
    """zxcvbn's matching grows steeply with length; only the first CHECKED_LENGTH characters are judged."""
    worst = 0.0
    for password in ["x7#Qp!" * 22, "1234567890" * 12, "ab" * 64]:
        started = time.perf_counter()
        password_problem(password[:128], max_length=128)
        worst = max(worst, time.perf_counter() - started)
    assert worst < 0.25, f"{worst:.3f} s for {CHECKED_LENGTH} judged characters"
