"""A domain record as the API's JSON: its fields under their camelCase names (the names msgspec's rename="camel"
reads on the way in, views/schemas.py), moments as ISO 8601 text."""

from __future__ import annotations

from dataclasses import fields
from datetime import datetime
from typing import Any


def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def camel_json(record: Any, **values: Any) -> dict[str, Any]:
    """The dataclass `record` field by field, in order; `values` (camelCase keys) replace a field or add a key."""
    shape = {camel(field.name): _plain(getattr(record, field.name)) for field in fields(record)}
    shape.update(values)
    return shape


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value
