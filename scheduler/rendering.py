"""The message text for one recipient: `models.rendering.render` when the campaigns module provides it."""

from __future__ import annotations

import functools
import importlib
import re
from collections.abc import Callable, Mapping
from typing import Any, cast

PLACEHOLDER = re.compile(r"\{\{\s*([^{}]+?)\s*\}\}")


def _substitute(text: str, variables: Mapping[str, Any]) -> str:
    """Minimal `{{name}}` substitution used until models.rendering exists (unknown names render empty)."""
    return PLACEHOLDER.sub(lambda match: str(variables.get(match.group(1), "")), text)


@functools.cache
def _renderer() -> Callable[[str, Mapping[str, Any]], str]:
    try:
        module = importlib.import_module("models.rendering")
    except ModuleNotFoundError:
        return _substitute
    return cast(Callable[[str, Mapping[str, Any]], str], module.render)


def render(text: str, variables: Mapping[str, Any]) -> str:
    result = _renderer()(text, variables)
    return result if isinstance(result, str) else str(result)
