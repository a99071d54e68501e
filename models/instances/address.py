"""A number's Evolution address: the server, the API key and the instance's name there. The three travel together
from the instances table to every call of the Evolution client (sends, the number check, reconciliation,
connection checks, the test send), so they are one frozen value; the key never shows in its repr."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from models.tables import Instance

ADDRESS_COLUMNS = (Instance.server_url, Instance.api_key, Instance.instance_name)


@dataclass(frozen=True, slots=True)
class NumberAddress:
    server_url: str
    api_key: str = field(repr=False)  # a secret: only the request's `apikey` header sees it
    instance_name: str  # '' asks the server about every instance its key may see (fetchInstances)

    @classmethod
    def of(cls, row: Mapping[str, Any]) -> NumberAddress:
        """From a row selected with ADDRESS_COLUMNS (or aliased to their names); a missing value reads as ''."""
        return cls(row["server_url"] or "", row["api_key"] or "", row["instance_name"] or "")

    @classmethod
    def of_instance(cls, instance: Instance) -> NumberAddress:
        return cls(instance.server_url, instance.api_key, instance.instance_name)
