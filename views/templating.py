"""Jinja set-up: translations (jinja2.ext.i18n, by the request's locale), filters and globals shared by every page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from litestar.plugins.jinja import JinjaTemplateEngine

from models.whatsapp_format import whatsapp_html
from settings import Settings
from views.formatting import FILTERS
from views.i18n import LOCALE_NAMES, LOCALES, _, current_locale, ngettext, say, stored
from views.labels import encoding_name

HTMX_FILE = "htmx-2.0.11.min.js"
HTMX_INTEGRITY = "sha384-2OatzQy1H+Zd/IIrjr1TcuDGqLXeHhbooAyJY1KdQMKnr4LZ22k31GBLdYKHmVjg"


def configure_jinja(settings: Settings) -> Callable[[JinjaTemplateEngine], None]:
    def callback(engine: JinjaTemplateEngine) -> None:
        env: Any = engine.engine
        env.add_extension("jinja2.ext.i18n")
        # Callables, not a fixed catalogue: each call reads the locale of the request being rendered.
        env.install_gettext_callables(gettext=_, ngettext=ngettext, newstyle=True)
        env.filters.update(FILTERS, encoding_name=encoding_name, stored=stored, say=say, whatsapp=whatsapp_html)
        env.globals.update(
            htmx_file=HTMX_FILE,
            htmx_integrity=HTMX_INTEGRITY,
            max_rate=settings.max_rate,
            current_locale=current_locale,
            locales=[(code, LOCALE_NAMES[code]) for code in LOCALES],
        )
        env.autoescape = True

    return callback
