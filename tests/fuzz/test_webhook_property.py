"""Property: the webhook receiver, given the right secret, never answers 500 whatever JSON arrives."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import make_instance
from tests.webhooks import example, post_event

SCALARS = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=40)
JSON = st.recursive(
    SCALARS, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=5),
    max_leaves=20,
)  # fmt: skip
EVENT_NAMES = st.sampled_from(["messages.update", "messages.upsert", "connection.update", "send.message", "x"])
ENVELOPES = st.fixed_dictionaries(
    {"event": EVENT_NAMES, "instance": st.text(max_size=20), "data": JSON},
    optional={"date_time": st.text(max_size=30), "sender": JSON, "apikey": JSON},
)
BODIES = JSON | ENVELOPES | st.builds(lambda d: {**example("messages-update.delivery-ack"), "data": d}, JSON)


async def test_the_webhook_receiver_never_answers_500_on_arbitrary_json(client, make_user):
    owner = await make_user()
    instance = await make_instance(owner.id)
    statuses: list[int] = []

    @settings(max_examples=150, derandomize=True, deadline=None, suppress_health_check=list(HealthCheck))
    @given(body=BODIES)
    def property_(body: object) -> None:
        bodies.append(json.dumps(body).encode())

    bodies: list[bytes] = []
    property_()  # draws the examples (hypothesis is synchronous); the app then answers each on this loop
    for body in bodies:
        response = await post_event(client, instance, body)
        statuses.append(response.status_code)
        assert response.status_code < 500, (body, response.text)
    assert set(statuses) <= {200, 400}
