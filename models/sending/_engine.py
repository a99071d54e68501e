"""How the two engines differ when several senders claim work at once (the write transaction is models.db.atomic)."""

from __future__ import annotations

from typing import Any

from piccolo.engine.base import Engine

from models.db import current_engine
from models.engines import is_postgres


def engine() -> Engine[Any]:
    return current_engine()


def on_postgres() -> bool:
    return is_postgres(engine())


def skip_locked(query: Any) -> Any:
    """Rows another process is claiming are skipped on PostgreSQL; SQLite has one writer at a time anyway."""
    return query.lock_rows("UPDATE", skip_locked=True) if on_postgres() else query


def rows_changed(result: Any) -> int:
    """How many rows an `UPDATE ... RETURNING` touched."""
    return len(result or [])
