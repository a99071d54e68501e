"""The simulator's in-memory world: instances, behaviour knobs, and every request, message and webhook it saw.

Everything lives in one `SandboxState` so a test (or the control API) can arrange and inspect it.
"""

from __future__ import annotations

import asyncio
import random
import time
import uuid
from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any

CONNECTION_STATES = ("open", "connecting", "close")
RECEIPT_STATUSES = ("SERVER_ACK", "DELIVERY_ACK", "READ", "PLAYED", "ERROR")


@dataclass
class Knobs:
    """How the fake behaves; a sandbox has one set and an instance may override any field."""

    latency_ms: int = 0  # added before every Evolution answer
    timeout_share: float = 0.0  # sends that hang for `timeout_hold_s` before answering
    timeout_hold_s: float = 30.0
    timeout_records_sent: bool = True  # a hung send still went out (reconciliation finds it)
    error_share: float = 0.0  # sends answered 500 "Internal Server Error"
    error_records_sent: bool = False  # ... after the message went out anyway (§3 idempotency warning)
    rate_limit_share: float = 0.0  # sends answered 429 with Retry-After (not sent)
    retry_after_s: int = 1
    not_on_whatsapp: list[str] = field(default_factory=list)  # digits (or JIDs) that do not exist
    closed_send_status: int = 500  # 500 "Connection Closed" (number check) or 400 ["Error: Connection Closed"]
    receipt_statuses: list[str] = field(default_factory=lambda: ["SERVER_ACK", "DELIVERY_ACK", "READ"])
    receipt_delay_ms: int = 0  # before each messages.update
    receipt_error: bool = False  # SERVER_ACK then ERROR instead of the usual statuses
    receipt_out_of_order: bool = False  # updates posted last-first
    receipt_duplicate: bool = False  # every update posted twice
    receipt_lid: bool = False  # updates carry the recipient's @lid instead of the phone JID
    webhook_attempts: int = 3  # per delivery, retries on non-2xx except 400/401/403/404/422
    webhook_retry_delay_ms: int = 50  # doubled per attempt
    webhook_timeout_s: float = 5.0
    seed: int | None = None  # set to make shares and ids reproducible

    def updated(self, changes: dict[str, Any]) -> Knobs:
        """A copy with `changes` applied; unknown names or wrong types raise ValueError."""
        known = {f.name: f for f in fields(self)}
        for name, value in changes.items():
            if name not in known:
                raise ValueError(f"unknown knob {name!r}")
            current = getattr(self, name)
            if current is not None and value is not None and not _same_kind(current, value):
                raise ValueError(f"knob {name!r} expects {type(current).__name__}")
        return replace(self, **changes)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def _same_kind(current: Any, value: Any) -> bool:
    if isinstance(current, bool) or isinstance(value, bool):
        return isinstance(current, bool) and isinstance(value, bool)
    if isinstance(current, float):
        return isinstance(value, int | float)
    return isinstance(value, type(current))


@dataclass
class WebhookConfig:
    """What `POST /webhook/set` stored, in Evolution's column names."""

    url: str
    enabled: bool
    events: list[str]
    headers: dict[str, str]
    by_events: bool = False
    base64: bool = False
    id: str = field(default_factory=lambda: new_cuid(random.Random()))
    created_at: str = field(default_factory=lambda: iso_now())
    updated_at: str = field(default_factory=lambda: iso_now())


@dataclass
class Instance:
    """One WhatsApp connection as Evolution holds it."""

    name: str
    token: str = field(default_factory=lambda: str(uuid.uuid4()).upper())
    state: str = "open"
    owner_jid: str = "5511999990000@s.whatsapp.net"
    profile_name: str = "Sandbox"
    number: str | None = None
    id: str = field(default_factory=lambda: str(uuid.uuid4()))
    webhook: WebhookConfig | None = None
    overrides: dict[str, Any] = field(default_factory=dict)  # per-instance knobs
    created_at: str = field(default_factory=lambda: iso_now())

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "token": self.token,
            "state": self.state,
            "ownerJid": self.owner_jid,
            "profileName": self.profile_name,
            "number": self.number,
            "id": self.id,
            "knobs": dict(self.overrides),
        }


@dataclass
class RequestRecord:
    """One request to the Evolution routes; `status` stays None until the answer starts."""

    method: str
    path: str
    instance: str | None
    body: Any
    time: float
    status: int | None = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class SandboxState:
    """The whole simulated server. Build one per app; `reset()` returns it to its initial instances."""

    api_key: str = "sandbox-key"
    initial_instances: list[tuple[str, str | None]] = field(default_factory=lambda: [("sandbox", None)])
    server_url: str = "http://localhost:8080"
    knobs: Knobs = field(default_factory=Knobs)
    instances: dict[str, Instance] = field(default_factory=dict)
    requests: list[RequestRecord] = field(default_factory=list)
    messages: list[dict[str, Any]] = field(default_factory=list)  # sent records, with "MessageUpdate"
    statuses: list[dict[str, Any]] = field(default_factory=list)  # findStatusMessage rows
    inbound: list[dict[str, Any]] = field(default_factory=list)  # injected messages.upsert data
    webhook_log: list[dict[str, Any]] = field(default_factory=list)  # every delivery attempt
    lids: dict[str, str] = field(default_factory=dict)  # phone JID -> @lid, stable per sandbox
    rng: random.Random = field(default_factory=random.Random)  # ids and payload bytes
    # Fault rolls get their own generator: background receipts draw ids from `rng`, and must not shift the
    # sequence of injected failures a seed promises to reproduce.
    fault_rng: random.Random = field(default_factory=random.Random)
    tasks: set[asyncio.Task[None]] = field(default_factory=set)

    def __post_init__(self) -> None:
        if not self.instances:
            self._create_initial()

    def _create_initial(self) -> None:
        for name, token in self.initial_instances:
            inst = Instance(name=name) if token is None else Instance(name=name, token=token)
            self.instances[name] = inst

    def reset(self) -> None:
        """Forget everything a test did: knobs, instances, logs; cancel pending receipts."""
        for task in list(self.tasks):
            task.cancel()
        self.tasks.clear()
        self.knobs = Knobs()
        self.rng = random.Random()
        self.fault_rng = random.Random()
        self.instances.clear()
        self._create_initial()
        for log in (self.requests, self.messages, self.statuses, self.inbound, self.webhook_log):
            log.clear()
        self.lids.clear()

    def set_knobs(self, changes: dict[str, Any]) -> Knobs:
        self.knobs = self.knobs.updated(changes)
        if "seed" in changes:
            self.rng = random.Random(self.knobs.seed)
            self.fault_rng = random.Random(self.knobs.seed)
        return self.knobs

    def knobs_for(self, instance: Instance) -> Knobs:
        return self.knobs.updated(instance.overrides) if instance.overrides else self.knobs

    def lid_for(self, jid: str) -> str:
        """A stable fake privacy id for a phone JID (Baileys 7 LID addressing)."""
        if jid not in self.lids:
            self.lids[jid] = f"{self.rng.randrange(10**14, 10**15)}@lid"
        return self.lids[jid]

    def spawn(self, coro: Any) -> None:
        """Run a background coroutine (receipts, webhooks) and keep a reference until it ends."""
        task: asyncio.Task[None] = asyncio.get_running_loop().create_task(coro)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)


def iso_now() -> str:
    """Evolution's `2025-10-21T14:40:41.207Z` form."""
    now = time.time()
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(now)) + f".{int(now % 1 * 1000):03d}Z"


def new_cuid(rng: random.Random) -> str:
    """A Prisma-cuid-looking row id (`cmh0k2x9d000qm80lz4v1f6ab`)."""
    return "c" + "".join(rng.choice("0123456789abcdefghijklmnopqrstuvwxyz") for _ in range(24))
