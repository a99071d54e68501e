"""Validating instance input: every field's rule and its message."""

from __future__ import annotations

import pytest

from models.errors import ValidationFailed
from models.inbound.events import dedupe_key, parse_envelope
from models.instances.records import api_key_hint, validate_fields
from scheduler.evolution import InstanceDown, NotSent
from scheduler.instance_setup import describe

VALID = {"name": "Sales", "server_url": "https://evo.example.com/", "api_key": "abcd1234", "instance_name": "main"}


def errors_of(**changes: object) -> dict[str, str]:
    with pytest.raises(ValidationFailed) as caught:
        validate_fields({**VALID, **changes}, max_rate=60, creating=True)
    return caught.value.errors


def test_defaults_and_trailing_slash() -> None:
    fields = validate_fields(VALID, max_rate=60, creating=True)
    assert fields.server_url == "https://evo.example.com"
    assert (fields.rate_per_minute, fields.jitter_percent, fields.daily_cap) == (20, 30, 1000)


def test_credentials_in_the_url_are_refused() -> None:
    assert errors_of(server_url="https://u:p@evo.example.com") == {
        "server_url": "Do not put credentials in the address; use the API key field."
    }


def test_the_key_is_required_on_create_only() -> None:
    assert errors_of(api_key=" ") == {"api_key": "Enter the API key."}
    assert validate_fields({**VALID, "api_key": ""}, max_rate=60, creating=False).api_key is None


def test_rate_is_bounded_by_the_configured_maximum() -> None:
    assert errors_of(rate_per_minute="61") == {"rate_per_minute": "Enter a number from 1 to 60."}
    assert validate_fields({**VALID, "rate_per_minute": 200}, max_rate=300, creating=True).rate_per_minute == 200


def test_not_a_number_is_reported() -> None:
    assert errors_of(daily_cap="lots") == {"daily_cap": "Enter a whole number."}


def test_key_hint_shows_only_the_last_four_characters() -> None:
    assert api_key_hint("B6D711FC-DE4D-abcd") == "••••abcd"


def test_receipt_dedupe_key_names_event_key_and_status() -> None:
    body = b'{"event": "messages.update", "data": {"keyId": "3EB0", "status": "READ"}}'
    assert dedupe_key(parse_envelope(body)) == "messages.update:3EB0:READ"


def test_refused_key_and_unknown_instance_blame_their_fields() -> None:
    url = "http://evo"
    assert describe(InstanceDown("Evolution refused the API key (401)", 401), url, "x")[0] == "api_key"
    unknown = InstanceDown('Evolution does not know the instance "x" (404)', 404)
    assert describe(unknown, url, "x") == ("instance_name", "No instance named x on this server (404).")
    assert describe(NotSent("Could not reach Evolution (ConnectTimeout)"), url, "x") == (
        None,
        "Could not reach http://evo: connection timed out.",
    )
