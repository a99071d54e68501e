"""A recipient's variables as stored: the names once per campaign (`Campaign.variable_names`, a JSON list), each
recipient holding only its values in the same order (`CampaignMessage.variables`, a JSON list, null = absent).

Every reader goes through `decode`; every writer through `NameTable.encode`. Names and values are bounded, so a
CSV of 1,000 columns with 1,000-character headers cannot store 100 MB of repeated names (issue 10, finding 2).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from models.errors import N_, ImportRejected, Message

MAX_VARIABLES = 50  # names one campaign may use
MAX_NAME_LENGTH = 100
MAX_VALUE_LENGTH = 1000

OBJECT_OF_NAMES = N_("must be an object of name: value")


def parse_names(raw: Any) -> list[str]:
    """A campaign's `variable_names` column as a list (text on both engines; anything malformed is none)."""
    value = _json(raw, "[]")
    return [str(name) for name in value] if isinstance(value, list) else []


def decode(names: Sequence[str] | str | None, stored: Any) -> dict[str, Any]:
    """One recipient's variables as {name: value}, from its stored values and its campaign's names.

    A stored JSON object (rows written before names moved to the campaign) is read as it is.
    """
    value = _json(stored, "[]")
    if isinstance(value, dict):
        return {str(key): item for key, item in value.items()}
    if not isinstance(value, list):
        return {}
    labels = parse_names(names) if isinstance(names, str) or names is None else names
    return {name: str(item) for name, item in zip(labels, value, strict=False) if item is not None}


def name_problem(name: str) -> Message | None:
    """Why `name` cannot be a variable name, or None."""
    if len(name) > MAX_NAME_LENGTH:
        return Message(
            N_("The variable name has %(length)s characters; at most %(limit)s."),
            length=len(name),
            limit=MAX_NAME_LENGTH,
        )
    return None


def value_problem(variables: Mapping[str, str]) -> Message | None:
    """Why these values cannot be stored (the first too long one, naming its column), or None."""
    for name, value in variables.items():
        if len(value) > MAX_VALUE_LENGTH:
            return Message(
                N_("the value of “%(name)s” has %(length)s characters; at most %(limit)s"),
                name=name,
                length=len(value),
                limit=MAX_VALUE_LENGTH,
            )
    return None


class NameTable:
    """A campaign's names while recipients are added: known names keep their place, new ones go at the end."""

    def __init__(self, names: Iterable[str] = ()) -> None:
        self.names: list[str] = []
        self._index: dict[str, int] = {}
        self.extend(names)

    def extend(self, names: Iterable[str]) -> None:
        """Add the names not known yet; ImportRejected when the campaign would pass MAX_VARIABLES."""
        new = [name for name in dict.fromkeys(names) if name not in self._index]
        if len(self.names) + len(new) > MAX_VARIABLES:
            raise ImportRejected(
                N_(
                    "Too many variables: a campaign uses at most %(limit)s and this would make %(count)s. "
                    "Keep only the variables the message uses."
                ),
                limit=MAX_VARIABLES,
                count=len(self.names) + len(new),
            )
        for name in new:
            self._index[name] = len(self.names)
            self.names.append(name)

    def encode(self, variables: Mapping[str, str]) -> str:
        """The values as stored: a JSON list in the campaign's name order, null where a name is absent."""
        self.extend(variables)
        return _stored_values([self._index[name] for name in variables], variables.values())

    def layout(self, names: Sequence[str], *, as_object: bool = False) -> Layout:
        """How rows holding exactly `names` (a file's columns) are stored once this table knows them, without
        changing it: for a worker process to encode every row as `encode` would (`as_object`: {name: value})."""
        known, new = self._index, [name for name in dict.fromkeys(names) if name not in self._index]
        slots = tuple(known[name] if name in known else len(self.names) + new.index(name) for name in names)
        return Layout(tuple(names), slots, as_object)

    def as_json(self) -> str:
        return json.dumps(self.names, ensure_ascii=False)


@dataclass(frozen=True, slots=True)
class Layout:
    """Where each of a file's variables goes in the stored values (`NameTable.layout`); small and picklable."""

    names: tuple[str, ...]
    slots: tuple[int, ...]
    as_object: bool = False  # a contact's attributes: {name: value}, as `json.dumps` writes a mapping

    def encode(self, values: Iterable[str]) -> str:
        """One row's values, given in `names` order."""
        if self.as_object:
            return _AS_OBJECT.encode(dict(zip(self.names, values, strict=True)))
        return _stored_values(self.slots, values)


def _stored_values(slots: Sequence[int], values: Iterable[str]) -> str:
    stored: list[str | None] = [None] * (max(slots, default=-1) + 1)
    for slot, value in zip(slots, values, strict=True):
        stored[slot] = value
    return _AS_VALUES.encode(stored)


# What json.dumps(value, ensure_ascii=False[, separators]) writes, without building an encoder for every row.
_AS_VALUES = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
_AS_OBJECT = json.JSONEncoder(ensure_ascii=False)


def _json(raw: Any, empty: str) -> Any:
    if not isinstance(raw, (str, bytes)):
        return raw
    try:
        return json.loads(raw or empty)
    except ValueError:
        return None
