"""In-process events: subscribers hear what is published, a failing one neither fails the publisher nor silences
the others, and one that stopped hears nothing more."""

from __future__ import annotations

from typing import Any

from models import events


def test_subscribers_hear_events_until_they_stop_and_a_failing_one_breaks_nothing() -> None:
    heard: list[tuple[str, dict[str, Any]]] = []

    def failing(_name: str, _data: dict[str, Any]) -> None:
        raise RuntimeError("a listener's bug")

    stop_failing = events.subscribe(failing)
    stop = events.subscribe(lambda name, data: heard.append((name, data)))
    try:
        events.publish(events.MESSAGE_SENT, message_id=1, campaign_id=7)
        assert heard == [(events.MESSAGE_SENT, {"message_id": 1, "campaign_id": 7})]
    finally:
        stop()
        stop_failing()
    events.publish(events.MESSAGE_SENT, message_id=2, campaign_id=7)
    assert len(heard) == 1
    stop()  # stopping twice is harmless
