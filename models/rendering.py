"""Message text for one recipient: `{{variable}}` placeholders with optional defaults, and `{a|b}` spintax.

Plain substitution only: user text is never handed to a template engine, so `{{ 7*7 }}` or `{% ... %}` in a
message stays literal text (a variable name may only hold letters, digits, spaces, `_`, `-` and `.`).
"""

from __future__ import annotations

import random
import re
from collections.abc import Mapping

MAX_MESSAGE_LENGTH = 4096

# {{ name }} or {{ name | default text }}; the name may not contain braces or pipes.
PLACEHOLDER = re.compile(r"\{\{\s*([\w .\-]+?)\s*(?:\|([^{}]*))?\}\}")
# {Hi|Hello|Hey}: innermost group first (no braces inside), at least one pipe. A literal `{{...}}` left after
# substitution (not a valid placeholder) matches the first alternative and is kept as written.
SPINTAX = re.compile(r"(\{\{[^{}]*\}\})|\{([^{}]*\|[^{}]*)\}")


def render(text: str, variables: Mapping[str, object], *, rng: random.Random | None = None) -> str:
    """The message a recipient receives: variables substituted first, then each spintax group resolved once."""
    chooser = rng or random.Random()  # variation, not security

    def substitute(match: re.Match[str]) -> str:
        value = variables.get(match.group(1))
        if value is None or str(value) == "":
            return (match.group(2) or "").strip()
        return str(value)

    rendered = PLACEHOLDER.sub(substitute, text)
    return _resolve_spintax(rendered, chooser)


def _resolve_spintax(text: str, rng: random.Random) -> str:
    """Resolve the innermost groups until none is left, so nested `{a|{b|c}}` works."""
    for _ in range(50):  # bounded: each pass removes at least one group
        resolved = SPINTAX.sub(lambda m: m.group(1) or rng.choice(m.group(2).split("|")), text)
        if resolved == text:
            break
        text = resolved
    return text


def variables_in(text: str) -> list[str]:
    """The variable names the text uses, in order of first appearance, without repeats."""
    return list(dict.fromkeys(match.group(1) for match in PLACEHOLDER.finditer(text)))


def required_variables(text: str) -> list[str]:
    """The variables without a default: a recipient lacking one of these gets an empty gap."""
    return list(dict.fromkeys(m.group(1) for m in PLACEHOLDER.finditer(text) if m.group(2) is None))


def missing_variables(text: str, variables: Mapping[str, object]) -> list[str]:
    """Variables the text needs that `variables` lacks (or holds empty); one with a default is never missing."""
    return [name for name in required_variables(text) if str(variables.get(name) or "") == ""]
