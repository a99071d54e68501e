"""One bound for every integer a request carries: ids and numbers past `INT_MAX` never reach the database.

SQLite and PostgreSQL store integers in 64 bits; a larger id or offset used to answer 500. This hook runs
before any dependency or handler: a path id out of range is an id that cannot exist (404), a query number
out of range is bad input (400). JSON integers are bounded by `schemas.BoundedInt`.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from litestar import Request
from litestar.exceptions import NotFoundException, ValidationException
from litestar.handlers import HTTPRouteHandler
from litestar.params import ParameterKwarg
from litestar.typing import FieldDefinition

from views.i18n import _

# The largest integer the API takes, anywhere: inside the database's 64 bits, and exact as a JSON number
# (2^53 - 1), so tools that read numbers as floats see the declared bound as it is.
INT_MAX = 2**53 - 1
INT_MIN = -INT_MAX
_DIGITS = 18  # more digits than any bounded integer has (sign aside)


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
    text = raw.strip().lstrip("+-")
    if not text.isdigit() or len(text) <= _DIGITS - 2:
        return False  # not a number (the handler's own 400) or surely in range
    return len(text) > _DIGITS or not in_range(int(raw))


async def bound_integers(request: Request[Any, Any, Any]) -> None:
    """Before any query: 404 for an id no row can have, 400 for a query number out of range."""
    for value in request.path_params.values():
        if isinstance(value, int) and not isinstance(value, bool) and not in_range(value):
            raise NotFoundException(_("Not found"))
    handler = request.route_handler
    if not isinstance(handler, HTTPRouteHandler):
        return
    for name in _int_query_names(handler):
        if any(_out_of_range(raw) for raw in request.query_params.getall(name, [])):
            raise ValidationException(
                detail=_("Validation failed"), extra=[{"key": name, "message": _("The number is too large.")}]
            )
