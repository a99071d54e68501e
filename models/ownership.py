"""The one helper that scopes every query to the current user."""

from __future__ import annotations

from typing import Any, TypeVar

from piccolo.table import Table

from models.errors import NotFoundOrNotYours

T = TypeVar("T", bound=Table)


def owned_by(table: type[Table], owner_id: int) -> Any:
    """The WHERE clause every user-facing query on `table` starts from."""
    return table._meta.get_column_by_name("owner") == owner_id


async def get_own(table: type[T], row_id: int, owner_id: int, label: str | None = None) -> T:
    """The row if it exists and belongs to `owner_id`; otherwise NotFoundOrNotYours (a 404, never a 403)."""
    row = await table.objects().where((table._meta.primary_key == row_id) & owned_by(table, owner_id)).first()
    if row is None:
        raise NotFoundOrNotYours(f"{label or table.__name__} {row_id} not found")
    return row
