"""The "load instances from server" form is no port scanner, and ARAUTO_EVOLUTION_HOSTS restricts the servers
instances may use (issue 10, finding 10)."""

from __future__ import annotations

import logging
import socket
import threading
from collections.abc import AsyncIterator, Iterator
from urllib.parse import urlsplit

import httpx
import pytest

from app import create_app
from models.accounts import users
from models.tables import Instance
from tests.fixtures.web import Login, csrf_token, html, post_form, serving, settings_for_tests
from tests.integration.test_instance_pages import closed_port, form


@pytest.fixture
def hangs_up() -> Iterator[str]:
    """A server that accepts each connection and closes it at once, before answering."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    listener.settimeout(0.2)
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                continue
            connection.recv(1024)
            connection.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    stop.set()
    thread.join()
    listener.close()


async def load_remote(client: httpx.AsyncClient, server_url: str, api_key: str) -> str:
    token = await csrf_token(client, "/instances/new")
    response = await client.post(
        "/instances/remote",
        data={"server_url": server_url, "api_key": api_key},
        headers={"hx-request": "true", "x-csrftoken": token},
    )
    error = html(response).select_one("#remote-choices [role=alert]")
    return error.get_text(strip=True) if error else ""


async def test_load_instances_answers_one_message_for_refused_dropped_and_foreign_servers(
    client, login, make_user, sandbox, hangs_up, caplog
) -> None:
    await login(await make_user())
    targets = {
        "refused": f"http://127.0.0.1:{closed_port()}",
        "closed mid-request": hangs_up,
        "not Evolution (404)": f"{sandbox.url}/not-evolution",
        "wrong key (401)": sandbox.url,
    }
    with caplog.at_level(logging.INFO, logger="arauto.instances"):
        messages = {what: await load_remote(client, url, "wrong-key") for what, url in targets.items()}
    assert set(messages.values()) == {
        "Could not load the instances from this server. Check the address and the API key."
    }
    logged = [record.getMessage() for record in caplog.records if record.name == "arauto.instances"]
    assert len(logged) == len(targets) and any("connection refused" in line for line in logged)


@pytest.fixture
async def restricted(db, clock, sandbox) -> AsyncIterator[httpx.AsyncClient]:
    """A server whose instances may only use evolution.example.com and the sandbox's exact host:port."""
    allowed = f"Evolution.example.com, {urlsplit(sandbox.url).netloc}"
    app = create_app(settings_for_tests(db, evolution_hosts=allowed), clock=clock)
    async with serving(app) as http:
        yield http


async def test_an_instance_on_a_host_outside_the_allowed_list_is_refused_with_a_clear_error(
    restricted, make_user, sandbox
) -> None:
    await Login(restricted)(await make_user())
    other_port = form(sandbox, server_url=f"http://127.0.0.1:{closed_port()}")
    response = await post_form(restricted, "/instances/", other_port, page="/instances/new")
    assert response.status_code == 422
    error = html(response).select_one("#server_url-error").get_text(strip=True)
    assert error.startswith("This address is not one of the Evolution servers Arauto may use:")
    assert await Instance.count() == 0


async def test_an_instance_on_an_allowed_host_is_saved(restricted, make_user, sandbox) -> None:
    await Login(restricted)(await make_user())
    response = await post_form(restricted, "/instances/", form(sandbox), page="/instances/new")
    assert response.status_code == 303
    assert (await Instance.objects().first()).server_url == sandbox.url


async def test_loading_instances_from_a_host_outside_the_allowed_list_never_connects(
    restricted, make_user, sandbox
) -> None:
    await Login(restricted)(await make_user())
    message = await load_remote(restricted, "http://localhost:6379", sandbox.api_key)
    assert message.startswith("This address is not one of the Evolution servers Arauto may use:")


async def test_the_api_refuses_a_host_outside_the_allowed_list_on_create_and_update(
    restricted, make_user, sandbox, clock
) -> None:
    user = await make_user()
    auth = {"authorization": f"Bearer {await users.create_api_token(user.id, 't', now=clock.now())}"}
    body = {"name": "Sales", "apiKey": sandbox.api_key, "instanceName": sandbox.instance}
    refused = await restricted.post("/api/instances", json={**body, "serverUrl": "http://10.0.0.5:8080"}, headers=auth)
    assert refused.status_code == 400
    assert [error["field"] for error in refused.json()["errors"]] == ["server_url"]
    created = await restricted.post("/api/instances", json={**body, "serverUrl": sandbox.url}, headers=auth)
    assert created.status_code == 201
    moved = await restricted.put(
        f"/api/instances/{created.json()['id']}", json={"serverUrl": "http://169.254.169.254"}, headers=auth
    )
    assert moved.status_code == 400
    assert (await Instance.objects().first()).server_url == sandbox.url
