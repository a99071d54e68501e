"""The migrations have run on users' databases: their code may be folded, what they ask Piccolo to do may not change.

`migration_calls.json` froze, before any folding, every call each migration's `forwards()` makes on its
MigrationManager (the initial tables and columns with every argument, referenced tables and enums spelled out) and
every statement its raw steps run, forwards and backwards, on SQLite and on PostgreSQL. Each migration must still
record exactly that. A NEW migration is added to the file by `.venv/bin/python -m tests.unit.test_migration_calls
--write`, which keeps every frozen entry as it is.
"""

from __future__ import annotations

import asyncio
import importlib
import inspect
import json
import pkgutil
import sys
from enum import Enum
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

import models.migrations
from models.migrations import _raw

SNAPSHOT = Path(__file__).with_name("migration_calls.json")
RECORDED = (
    "add_table",
    "drop_table",
    "rename_table",
    "add_column",
    "drop_column",
    "rename_column",
    "alter_column",
    "add_raw",
    "add_raw_backwards",
)
STEPS = ("add_raw", "add_raw_backwards")


def migration_modules() -> dict[str, ModuleType]:
    """Piccolo's rule: every module of the folder that has an ID is a migration."""
    found = {}
    for info in pkgutil.iter_modules(models.migrations.__path__):
        module = importlib.import_module(f"models.migrations.{info.name}")
        if hasattr(module, "ID"):
            found[module.ID] = module
    return dict(sorted(found.items()))


def plain(value: Any) -> Any:
    """A JSON value that tells two arguments apart exactly (dicts as ordered pairs: their order is kept too)."""
    if isinstance(value, Enum):
        return f"{type(value).__name__}.{value.name}"
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, type) and issubclass(value, Enum):
        return {"enum": value.__name__, "members": [[m.name, plain(m.value)] for m in value]}
    if isinstance(value, type) and issubclass(value, Table):
        columns = [[c._meta.name, type(c).__name__, plain(c._meta.params)] for c in value._meta.columns]
        return {
            "table": value.__name__,
            "tablename": value._meta.tablename,
            "schema": value._meta.schema,
            "columns": columns,
        }
    if isinstance(value, type):
        return f"{value.__module__}.{value.__qualname__}"
    if isinstance(value, dict):
        return [[key, plain(item)] for key, item in value.items()]
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    return {"object": type(value).__qualname__, "state": plain(vars(value))}


async def record(module: ModuleType, sqlite: bool) -> dict[str, Any]:
    """What `module.forwards()` asks of its manager on one engine, each raw step replaced by the SQL it runs."""
    calls: list[tuple[str, dict[str, Any]]] = []
    statements: list[list[Any]] = []

    def spy(name: str) -> Any:
        original = getattr(MigrationManager, name)

        def recording(self: MigrationManager, *args: Any, **kwargs: Any) -> Any:
            bound = inspect.signature(original).bind(self, *args, **kwargs)
            bound.apply_defaults()
            calls.append((name, {k: v for k, v in bound.arguments.items() if k != "self"}))
            return original(self, *args, **kwargs)

        return recording

    async def query(sql: str, *args: object) -> list[dict[str, object]]:
        statements.append([sql, plain(list(args))])
        return []

    with pytest.MonkeyPatch.context() as patch:
        for name in RECORDED:
            patch.setattr(MigrationManager, name, spy(name))
        for target in (_raw, module):
            if hasattr(target, "query"):
                patch.setattr(target, "query", query)
            if hasattr(target, "on_sqlite"):
                patch.setattr(target, "on_sqlite", lambda: sqlite)
        manager = await module.forwards()
        recorded = []
        for name, arguments in calls:
            if name in STEPS:
                statements.clear()
                await arguments["raw"]()
                arguments = {"raw": list(statements)}
            recorded.append([name, plain(arguments)])
    return {
        "manager": [manager.migration_id, manager.app_name, manager.description],
        "module": [module.ID, module.VERSION, module.DESCRIPTION],
        "calls": recorded,
    }


async def record_all() -> dict[str, Any]:
    """Per migration: what it records on each engine, under "both" when the engines do not differ."""
    frozen = {}
    for migration_id, module in migration_modules().items():
        sqlite, postgres = await record(module, True), await record(module, False)
        frozen[migration_id] = {"both": sqlite} if sqlite == postgres else {"sqlite": sqlite, "postgres": postgres}
    return frozen


FROZEN: dict[str, Any] = json.loads(SNAPSHOT.read_text()) if SNAPSHOT.exists() else {}


def test_the_migrations_are_the_frozen_ones_in_the_same_order() -> None:
    assert list(migration_modules()) == list(FROZEN)


@pytest.mark.parametrize("migration_id", list(FROZEN))
@pytest.mark.parametrize("engine", ["sqlite", "postgres"])
async def test_a_migration_asks_piccolo_for_exactly_what_it_always_did(migration_id: str, engine: str) -> None:
    module = migration_modules()[migration_id]
    frozen = FROZEN[migration_id]
    assert await record(module, engine == "sqlite") == frozen.get(engine, frozen.get("both"))


if __name__ == "__main__" and sys.argv[1:] == ["--write"]:
    recorded = asyncio.run(record_all())
    frozen = {migration_id: FROZEN.get(migration_id, new) for migration_id, new in recorded.items()}
    SNAPSHOT.write_text(json.dumps(frozen, indent=1, ensure_ascii=False) + "\n")
