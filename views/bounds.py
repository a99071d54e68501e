"""What the database cannot store never reaches it: integers past `INT_MAX` and text with NUL characters.

A larger id or offset, or a NUL in a search or a JSON string, used to answer 500 (PostgreSQL refuses both).
This hook runs before any dependency or handler: a path id out of range is an id that cannot exist (404), a
query number out of range or a NUL in the query or a JSON body is bad input (400). JSON integers are bounded
by `schemas.BoundedInt`.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import msgspec
from litestar.exceptions import NotFoundException, ValidationException
from litestar.handlers import HTTPRouteHandler
from litestar.params import ParameterKwarg
from litestar.typing import FieldDefinition

from models.campaigns.rules import NUL_REFUSAL
from views.deps import AnyRequest
from views.i18n import _

# The largest integer the API takes, anywhere: PostgreSQL's `integer` columns (ids, caps, counters) hold 32 bits.
INT_MAX = 2**31 - 1
INT_MIN = -INT_MAX
_DIGITS = 12  # more digits than any bounded integer has (sign aside): refused before parsing


def in_range(value: int) -> bool:
    return INT_MIN <= value <= INT_MAX


def _is_int(field: FieldDefinition) -> bool:
    types = field.inner_types if field.is_optional else (field,)
    return any(t.is_subclass_of(int) and not t.is_subclass_of(bool) for t in types if not t.is_none_type)


@cache
def _int_query_names(handler: HTTPRouteHandler) -> tuple[str, ...]:
    """The query keys a handler reads as integers (computed once per handler)."""
    names = []
    for name, field in handler.parsed_fn_signature.parameters.items():
        kwarg = field.kwarg_definition
        if isinstance(kwarg, ParameterKwarg) and (kwarg.header or kwarg.cookie):
            continue
        if _is_int(field):
            alias = (kwarg.name or kwarg.query) if isinstance(kwarg, ParameterKwarg) else None
            names.append(alias or name)
    return tuple(names)


def _out_of_range(raw: str) -> bool:
    """True for a number past the bound; anything that is not a number is left to the handler's own 400."""
    text = raw.strip()
    if len(text) > _DIGITS:  # never parse a long string: a long number is out of range
        digits = text.lstrip("+-")
        return digits.isascii() and digits.isdigit()
    try:
        return not in_range(int(text))
    except ValueError:
        return False


def _refuse(name: str, message: str) -> ValidationException:
    return ValidationException(detail=_("Validation failed"), extra=[{"key": name, "message": message}])


async def _refuse_nul(request: AnyRequest) -> None:
    for name, value in request.query_params.items():
        if "\x00" in value:
            raise _refuse(name, _("Text cannot hold NUL characters."))
    is_json = request.method in ("POST", "PUT", "PATCH") and request.content_type[0] == "application/json"
    body = await request.body() if is_json else b""
    if b"\\u0000" in body:  # the only way JSON carries NUL
        try:
            where = _nul_path(msgspec.json.decode(body), "")
        except msgspec.DecodeError:
            where = None  # malformed JSON: the handler's parser says so
        if where is not None:
            raise _refuse(where or "json", _(NUL_REFUSAL))


def _nul_path(value: Any, path: str) -> str | None:
    """The field holding a NUL, named as the API's errors name fields (`name`, `recipients[0].variables`); a free-form
    mapping such as a recipient's variables is named as a whole. None when there is none."""
    if isinstance(value, str):
        return path if "\x00" in value else None
    if isinstance(value, list):
        for index, item in enumerate(value[:10_000]):
            if (found := _nul_path(item, f"{path}[{index}]")) is not None:
                return found
        return None
    if isinstance(value, dict):
        free_form = path.rsplit(".", 1)[-1] == "variables"
        for key, item in list(value.items())[:10_000]:
            inner = path if free_form else (f"{path}.{key}" if path else str(key))
            if "\x00" in str(key) or (found := _nul_path(item, inner)) is not None:
                return path if free_form or "\x00" in str(key) else found
        return None
    return None


async def bound_integers(request: AnyRequest) -> None:
    """Before any query: 404 for an id no row can have, 400 for a query number out of range or a NUL."""
    for value in request.path_params.values():
        if isinstance(value, int) and not isinstance(value, bool) and not in_range(value):
            raise NotFoundException(_("Not found"))
    handler = request.route_handler
    if not isinstance(handler, HTTPRouteHandler):
        return
    for name in _int_query_names(handler):
        if any(_out_of_range(raw) for raw in request.query_params.getall(name, [])):
            raise _refuse(name, _("The number is too large."))
    await _refuse_nul(request)
