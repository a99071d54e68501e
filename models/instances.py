"""WhatsApp instances: create, update, caps and connection state."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

from models.tables import Instance

SANDBOX_API_KEY = "sandbox-key"
SANDBOX_INSTANCE = "sandbox"


async def create_sandbox_instance(owner_id: int, server_url: str) -> int:
    """The demo instance `make run` gives the first user (the sandbox's default key and instance name)."""
    now = datetime.now(UTC)
    instance = Instance(
        owner=owner_id,
        name="Sandbox",
        server_url=server_url,
        api_key=SANDBOX_API_KEY,
        instance_name=SANDBOX_INSTANCE,
        webhook_secret=secrets.token_urlsafe(32),
        created_at=now,
        updated_at=now,
    )
    await instance.save()
    return int(instance.id)
