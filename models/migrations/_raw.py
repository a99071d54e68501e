"""What every raw-SQL migration shares: the manager, running statements in order, and the engines' one difference.

Piccolo's auto migrations cannot add composite indexes or columns to an existing SQLite table, so every migration
after the first is raw SQL valid on both engines. A migration file names its ID, its description and its SQL, and
builds its manager with `raw_migration`; most list their changes (a column, an index, a table: what makes it and
what undoes it) and let `changes_migration` run them in order forwards and undo them in reverse order backwards.
Piccolo imports every module of this folder and keeps those with an `ID`; this one has none.
"""

from collections.abc import Awaitable, Callable, Iterable

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

Step = Callable[[], Awaitable[None]]
Index = tuple[str, str, str, bool]  # name, table, columns, unique
Change = tuple[tuple[str, ...], tuple[str, ...]]  # the statements that make a change, the ones that undo it


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


def add_column(table: str, name: str, definition: str) -> Change:
    """Adding a column (its SQL definition); undone by dropping it."""
    return (f'ALTER TABLE "{table}" ADD COLUMN "{name}" {definition}',), (f'ALTER TABLE "{table}" DROP COLUMN "{name}"',)


def add_columns(table: str, columns: Iterable[tuple[str, str]]) -> list[Change]:
    """Adding each column (name, SQL definition) to one table."""
    return [add_column(table, name, definition) for name, definition in columns]


def add_indexes(indexes: Iterable[Index]) -> list[Change]:
    """Creating each index; undone by dropping it."""
    return [(tuple(create_indexes([index])), tuple(drop_indexes([index]))) for index in indexes]


def create_table(table: str, columns: str, indexes: Iterable[tuple[str, str, bool]] = ()) -> Change:
    """Creating the table (its column definitions, in SQL) and its indexes (name, columns, unique); undone by
    dropping it."""
    with_table = [(name, table, on, unique) for name, on, unique in indexes]
    return (f'CREATE TABLE IF NOT EXISTS "{table}" ({columns})', *create_indexes(with_table)), (
        f'DROP TABLE IF EXISTS "{table}"',
    )


def undone(change: Change) -> Change:
    """The change the other way round: dropping a table is undone by creating it again."""
    return change[1], change[0]


def changes_migration(migration_id: str, description: str, changes: Iterable[Change]) -> MigrationManager:
    """Makes the changes in order; backwards undoes them, the last one first."""
    done = list(changes)
    forwards = [statement for make, _ in done for statement in make]
    backwards = [statement for _, undo in reversed(done) for statement in undo]
    return raw_migration(migration_id, description, run(forwards), run(backwards))


def columns_migration(
    migration_id: str, description: str, table: str, columns: tuple[tuple[str, str], ...]
) -> MigrationManager:
    """Adds the columns (name, SQL definition) to the table; backwards drops them, the last one first."""
    return changes_migration(migration_id, description, add_columns(table, columns))
