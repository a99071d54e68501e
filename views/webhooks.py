"""POST /webhooks/evolution/{instance_id}[/{event-path}]: Evolution's events, trusted only with the instance secret.

No session and no CSRF (both excluded for /webhooks/); the secret Arauto registered travels in `x-arauto-secret`.
Answers: 401 for a wrong or missing secret *and* for an unknown instance (the same status and body, so instance
ids cannot be enumerated), 400 not an envelope (each changes nothing), else 200, also for events Arauto does not
act on and for a replay.
"""

from __future__ import annotations

import logging
from typing import Any

from litestar import Controller, Response, post
from litestar.params import FromPath

from models.inbound import events as webhook_events
from models.inbound import receipts
from models.inbound.events import BadSecret, MalformedEvent, UnknownInstance
from views.deps import AnyRequest, AppClock

logger = logging.getLogger("arauto.webhooks")

SECRET_HEADER = "x-arauto-secret"  # noqa: S105 (a header name, not a secret)
REFUSED = "Missing or wrong webhook secret."


def _answer(status: int, detail: str) -> Response[dict[str, Any]]:
    return Response({"status_code": status, "detail": detail}, status_code=status)


class EvolutionWebhooks(Controller):
    path = "/webhooks/evolution"
    include_in_schema = False

    @post(["/{instance_id:int}", "/{instance_id:int}/{event_path:str}"], name="evolution_webhook", status_code=200)
    async def receive(
        self, request: AnyRequest, instance_id: FromPath[int], clock: AppClock, event_path: FromPath[str | None] = None
    ) -> Response[dict[str, Any]]:
        """Authenticate, store once, apply inline; an event that fails to apply is kept for the backlog job (a 500
        would only make Evolution resend what is already stored)."""
        try:
            await webhook_events.authenticate(instance_id, request.headers.get(SECRET_HEADER, ""))
            envelope = webhook_events.parse_envelope(await request.body())
        except (UnknownInstance, BadSecret) as exc:
            logger.info("webhook refused for instance %s: %s", instance_id, exc.message)
            return _answer(401, REFUSED)
        except MalformedEvent as exc:
            return _answer(400, exc.message)
        now = clock.now()
        event_id = await webhook_events.store_event(instance_id, envelope, now=now)
        if event_id is None:
            return _answer(200, "duplicate")
        await receipts.apply_event(event_id, now=now)  # a failure is logged and left to the backlog job
        return _answer(200, "stored")
