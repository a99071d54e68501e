"""The database engine, chosen by DATABASE_URL (an SQLite file under var/ by default)."""

from __future__ import annotations

import os
from typing import Any

from piccolo.conf.apps import AppRegistry
from piccolo.engine.base import Engine

from models.engines import engine_from_url
from settings import DEFAULT_DATABASE_URL

DB: Engine[Any] = engine_from_url(os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL)

APP_REGISTRY = AppRegistry(apps=["piccolo.apps.user.piccolo_app", "models.piccolo_app"])
