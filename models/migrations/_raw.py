"""What every raw-SQL migration shares: the manager, running statements in order, and the engines' one difference.

Piccolo's auto migrations cannot add composite indexes or columns to an existing SQLite table, so every migration
after the first is raw SQL valid on both engines. A migration file names its ID, its description and its SQL, and
builds its manager with `raw_migration`. Piccolo imports every module of this folder and keeps those with an `ID`;
this one has none.
"""

from collections.abc import Awaitable, Callable, Iterable

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

Step = Callable[[], Awaitable[None]]
Index = tuple[str, str, str, bool]  # name, table, columns, unique


class _Raw(Table, tablename="migration"):
    pass


async def query(sql: str, *args: object) -> list[dict[str, object]]:
    """One statement, `{}` in it replaced by the arguments (bound, not pasted); the rows it returns."""
    rows: list[dict[str, object]] = await _Raw.raw(sql, *args)
    return rows


def on_sqlite() -> bool:
    return _Raw._meta.db.engine_type == "sqlite"


def serial() -> str:
    """`{serial}` in a statement: SQLite numbers rows only for INTEGER PRIMARY KEY, PostgreSQL needs SERIAL."""
    return "INTEGER" if on_sqlite() else "SERIAL"


def run(statements: Iterable[str]) -> Step:
    """A step that runs the statements in order, `{serial}` replaced by the engine's spelling."""

    async def step() -> None:
        for statement in statements:
            await query(statement.replace("{serial}", serial()))

    return step


def raw_migration(migration_id: str, description: str, forwards: Step, backwards: Step) -> MigrationManager:
    manager = MigrationManager(migration_id=migration_id, app_name="arauto", description=description)
    manager.add_raw(forwards)
    manager.add_raw_backwards(backwards)
    return manager


def create_indexes(indexes: Iterable[Index]) -> list[str]:
    return [
        f'CREATE {"UNIQUE INDEX" if unique else "INDEX"} IF NOT EXISTS "{name}" ON "{table}" ({columns})'
        for name, table, columns, unique in indexes
    ]


def drop_indexes(indexes: Iterable[Index]) -> list[str]:
    return [f'DROP INDEX IF EXISTS "{name}"' for name, *_ in indexes]


def columns_migration(
    migration_id: str, description: str, table: str, columns: tuple[tuple[str, str], ...]
) -> MigrationManager:
    """Adds the columns (name, SQL definition) to the table; backwards drops them, the last one first."""
    added = [f'ALTER TABLE "{table}" ADD COLUMN "{name}" {definition}' for name, definition in columns]
    dropped = [f'ALTER TABLE "{table}" DROP COLUMN "{name}"' for name, _ in reversed(columns)]
    return raw_migration(migration_id, description, run(added), run(dropped))
