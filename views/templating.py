"""Jinja set-up: translations (jinja2.ext.i18n), filters and globals shared by every page."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from litestar.plugins.jinja import JinjaTemplateEngine

from models.whatsapp_format import whatsapp_html
from settings import Settings
from views.i18n import TRANSLATIONS

HTMX_FILE = "htmx-2.0.11.min.js"
HTMX_INTEGRITY = "sha384-2OatzQy1H+Zd/IIrjr1TcuDGqLXeHhbooAyJY1KdQMKnr4LZ22k31GBLdYKHmVjg"


def local_time(value: datetime | None, timezone: str = "UTC", fmt: str = "%Y-%m-%d %H:%M") -> str:
    if value is None:
        return ""
    try:
        zone = ZoneInfo(timezone)
    except (KeyError, ValueError):
        zone = ZoneInfo("UTC")
    return value.astimezone(zone).strftime(fmt)


def duration(seconds: int | None) -> str:
    """An ETA for people: '2 h 05 min', '3 min', '45 s'; '' when unknown."""
    if seconds is None:
        return ""
    hours, rest = divmod(int(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours} h {minutes:02d} min"
    return f"{minutes} min" if minutes else f"{secs} s"


def configure_jinja(settings: Settings) -> Callable[[JinjaTemplateEngine], None]:
    def callback(engine: JinjaTemplateEngine) -> None:
        env: Any = engine.engine
        env.add_extension("jinja2.ext.i18n")
        env.install_gettext_translations(TRANSLATIONS, newstyle=True)
        env.filters["local_time"] = local_time
        env.filters["duration"] = duration
        env.filters["whatsapp"] = whatsapp_html
        env.globals.update(htmx_file=HTMX_FILE, htmx_integrity=HTMX_INTEGRITY, max_rate=settings.max_rate)
        env.autoescape = True

    return callback
