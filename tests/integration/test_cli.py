"""The `arauto` command as users run it: user create and token create against the test database."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx

from models.accounts import users

REPO = Path(__file__).resolve().parents[2]


def arauto(database_url: str, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": database_url, "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [sys.executable, "-m", "cli", *args], cwd=REPO, env=env, input=stdin, text=True, capture_output=True
    )


async def test_user_create_reads_the_password_from_stdin(db: str) -> None:
    done = arauto(db, "user", "create", "Ops@Example.com", "--admin", "--password-stdin", stdin="long enough pw\n")
    assert done.returncode == 0, done.stderr
    user = await users.authenticate("ops@example.com", "long enough pw")
    assert user is not None and user.is_admin


async def test_user_create_refuses_a_short_password(db: str) -> None:
    done = arauto(db, "user", "create", "a@example.com", "--password-stdin", stdin="short\n")
    assert done.returncode == 1
    assert "at least 8 characters" in done.stderr
    assert await users.user_count() == 0


async def test_token_create_prints_the_token_as_the_last_word(db: str, client: httpx.AsyncClient, make_user) -> None:
    user = await make_user("api@example.com")
    done = arauto(db, "token", "create", user.email, "--name", "crm")
    assert done.returncode == 0, done.stderr
    token = done.stdout.split()[-1]
    response = await client.get("/api/whoami", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200 and response.json()["email"] == "api@example.com"


async def test_token_create_for_an_unknown_user_fails_clearly(db: str) -> None:
    done = arauto(db, "token", "create", "nobody@example.com")
    assert done.returncode == 1
    assert "no user with e-mail nobody@example.com" in done.stderr
