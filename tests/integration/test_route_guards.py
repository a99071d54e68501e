"""Every route but the few public ones is behind login: a new controller cannot forget it (views/guards.py)."""

from __future__ import annotations

import re

from litestar import Litestar

from tests.fixtures.web import csrf_token

# metrics has its own token; locale is the anonymous language switcher
PUBLIC = re.compile(r"^/($|locale|login|logout|setup/|set-password/|healthz|readyz|metrics$|static/|schema|webhooks/)")


async def test_every_page_and_api_route_refuses_an_anonymous_caller(client, app: Litestar) -> None:
    token = await csrf_token(client)
    answers = {}
    for route in app.routes:
        if PUBLIC.match(route.path):
            continue
        url = re.sub(r"\{(\w+):int\}", "1", route.path)
        for method in sorted(route.methods - {"HEAD", "OPTIONS"}):
            data = {"_csrf_token": token} if method == "POST" and not url.startswith("/api/") else None
            response = await client.request(method, url, data=data)
            answers[f"{method} {route.path}"] = (response.status_code, response.headers.get("location", ""))
    assert len(answers) > 40
    refused = {key: value for key, value in answers.items() if value[0] == 401 or value[1].startswith("/login")}
    assert answers == refused
