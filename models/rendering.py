"""Message text for one recipient: `{{variable}}` placeholders with optional defaults, and `{a|b}` spintax.

Plain substitution only: user text is never handed to a template engine, so `{{ 7*7 }}` or `{% ... %}` in a
message stays literal text (a variable name may only hold letters, digits, spaces, `_`, `-` and `.`).

Every pattern here is possessive (it never gives back what it matched), so a scan costs time linear in the text:
the earlier `\\{\\{\\s*([\\w .\\-]+?)\\s*...` backtracked cubically on `{{` followed by spaces and froze the loop.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

MAX_MESSAGE_LENGTH = 4096

# After `{{`: the name with the spaces around it, in one possessive run (it stops at `|`, `}` or any other char).
_SEGMENT = re.compile(r"[\w\s.\-]*+")
_NAME = re.compile(r"[\w .\-]++")
# `|default` up to the next brace.
_DEFAULT = re.compile(r"\|([^{}]*+)")
# {Hi|Hello|Hey}: innermost group first (no braces inside), at least one pipe. A literal `{{...}}` left after
# substitution (not a valid placeholder) matches the first alternative and is kept as written.
SPINTAX = re.compile(r"(\{\{[^{}]*+\}\})|\{([^{}|]*+(?:\|[^{}|]*+)++)\}")
_SPINTAX_PASSES = 50


@dataclass(frozen=True, slots=True)
class Placeholder:
    """One `{{name}}` or `{{name|default}}` found in a text: where it is, its name and its default (if any)."""

    start: int
    end: int
    name: str
    default: str | None


def placeholders(text: str) -> Iterator[Placeholder]:
    """Every placeholder, left to right, without overlaps: one pass over the text."""
    position = 0
    while (start := text.find("{{", position)) != -1:
        found = _placeholder_at(text, start)
        if found is None:
            position = start + 1
            continue
        yield found
        position = found.end


def _placeholder_at(text: str, start: int) -> Placeholder | None:
    """The placeholder opening at `start`, read as the former regex read it, or None."""
    segment = _SEGMENT.match(text, start + 2)
    assert segment is not None  # `*+` always matches, possibly empty
    name = _name(segment.group())
    position, default = segment.end(), None
    if name is None:
        return None
    if text.startswith("|", position):
        match = _DEFAULT.match(text, position)
        assert match is not None
        default, position = match.group(1), match.end()
    if not text.startswith("}}", position):
        return None
    return Placeholder(start, position + 2, name, default)


def _name(segment: str) -> str | None:
    """The name inside the spaces around it; a blank segment holding a space is the one-space name, as before."""
    name = segment.strip()
    if not name:
        return " " if " " in segment else None
    return name if _NAME.fullmatch(name) else None


def render(text: str, variables: Mapping[str, object], *, rng: random.Random | None = None) -> str:
    """The message a recipient receives: variables substituted first, then each spintax group resolved once."""
    chooser = rng or random.Random()  # variation, not security
    parts: list[str] = []
    position = 0
    for found in placeholders(text):
        parts.append(text[position : found.start])
        value = variables.get(found.name)
        parts.append((found.default or "").strip() if value is None or str(value) == "" else str(value))
        position = found.end
    parts.append(text[position:])
    return _resolve_spintax("".join(parts), chooser)


def _resolve_spintax(text: str, rng: random.Random) -> str:
    """Resolve the innermost groups until none is left, so nested `{a|{b|c}}` works."""
    for _ in range(_SPINTAX_PASSES):  # bounded: each pass removes at least one group
        resolved = SPINTAX.sub(lambda m: m.group(1) or rng.choice(m.group(2).split("|")), text)
        if resolved == text:
            break
        text = resolved
    return text


def variables_in(text: str) -> list[str]:
    """The variable names the text uses, in order of first appearance, without repeats."""
    return list(dict.fromkeys(found.name for found in placeholders(text)))


def required_variables(text: str) -> list[str]:
    """The variables without a default: a recipient lacking one of these gets an empty gap."""
    return list(dict.fromkeys(found.name for found in placeholders(text) if found.default is None))


def missing_variables(text: str, variables: Mapping[str, object]) -> list[str]:
    """Variables the text needs that `variables` lacks (or holds empty); one with a default is never missing."""
    return [name for name in required_variables(text) if str(variables.get(name) or "") == ""]
