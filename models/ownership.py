"""The one helper that scopes every query to the current user."""

from __future__ import annotations

from typing import Any, TypeVar

from piccolo.table import Table

from models.errors import N_, NotFoundOrNotYours

T = TypeVar("T", bound=Table)
# Message ids per label; views translate them (see models/errors.py).
NOT_FOUND = {
    "Campaign": N_("Campaign %(id)s not found"),
    "Instance": N_("Instance %(id)s not found"),
    "Template": N_("Template %(id)s not found"),
}


def owned_by(table: type[Table], owner_id: int) -> Any:
    """The WHERE clause every user-facing query on `table` starts from."""
    return table._meta.get_column_by_name("owner") == owner_id


async def get_own(table: type[T], row_id: int, owner_id: int, label: str | None = None) -> T:
    """The row if it exists and belongs to `owner_id`; otherwise NotFoundOrNotYours (a 404, never a 403)."""
    row = await table.objects().where((table._meta.primary_key == row_id) & owned_by(table, owner_id)).first()
    if row is None:
        raise not_found(label or table.__name__, row_id)
    return row


def not_found(label: str, row_id: int) -> NotFoundOrNotYours:
    """The 404 for a row that does not exist or is not the caller's, as a message id with its parameters."""
    message = NOT_FOUND.get(label)
    if message is None:
        return NotFoundOrNotYours(N_("%(label)s %(id)s not found"), label=label, id=row_id)
    return NotFoundOrNotYours(message, id=row_id)
