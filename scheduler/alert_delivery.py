"""POSTing usage alerts to their owners' webhooks: JSON signed with HMAC-SHA256, short timeouts, retries with
backoff recorded in the database. A periodic job of its own, so a slow or failing receiver never slows the sender."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from datetime import datetime

import httpx

from models.accounts import alerts

log = logging.getLogger("arauto.alerts")
SIGNATURE_HEADER = "X-Arauto-Signature"
TIMEOUT = httpx.Timeout(5.0, connect=3.0)


def signature(secret: str, body: bytes) -> str:
    """`sha256=<hex>` of HMAC-SHA256(secret, body): the receiver recomputes it over the raw body it got."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


async def deliver_due(*, now: datetime, client: httpx.AsyncClient | None = None) -> tuple[int, int]:
    """One pass: every due alert POSTed once; (delivered, failed)."""
    due = await alerts.due_deliveries(now=now)
    if not due:
        return 0, 0
    done = failed = 0
    async with client or httpx.AsyncClient(timeout=TIMEOUT, follow_redirects=False) as http:
        for delivery in due:
            body = json.dumps(delivery.body, separators=(",", ":")).encode()
            headers = {"content-type": "application/json", SIGNATURE_HEADER: signature(delivery.secret, body)}
            try:
                response = await http.post(delivery.url, content=body, headers=headers)
                error = "" if response.is_success else f"HTTP {response.status_code}"
            except httpx.HTTPError as exc:
                error = f"{type(exc).__name__}: {exc}"[:500]
            if error:
                failed += 1
                log.info("alert %s not delivered (%s); tried %s time(s)", delivery.id, error, delivery.attempts + 1)
                await alerts.failed(delivery.id, delivery.attempts, error, now=now)
            else:
                done += 1
                await alerts.delivered(delivery.id, now=now)
    return done, failed
