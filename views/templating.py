"""Jinja set-up: translations (jinja2.ext.i18n, by the request's locale), filters and globals shared by every page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from litestar.plugins.jinja import JinjaTemplateEngine
from markupsafe import Markup

from models.recent import Recent
from models.recipients.campaign_table import RecipientRow
from models.whatsapp_format import whatsapp_html
from settings import Settings
from views.formatting import FILTERS
from views.i18n import LOCALE_NAMES, LOCALES, _, current_locale, ngettext, say, stored
from views.labels import encoding_name

ROW_TEMPLATE = "partials/campaigns/recipients/row.html"
HTMX_FILE = "htmx-2.0.11.min.js"
HTMX_INTEGRITY = "sha384-2OatzQy1H+Zd/IIrjr1TcuDGqLXeHhbooAyJY1KdQMKnr4LZ22k31GBLdYKHmVjg"


ROWS_KEPT = 4096  # drawn recipient rows an app keeps (a page is 50; a few campaigns watched in two languages)


def row_drawer(env: Any) -> Callable[[RecipientRow, str], Markup]:
    """`recipient_row(row, timezone)` for the templates: a recipients table row, drawn once per (row as it is,
    language, time zone) and kept by the app's Jinja environment. A running campaign's table is redrawn after every
    send, and of its 50 rows one or two changed."""
    kept: Recent[tuple[Any, ...], Markup] = Recent(ROWS_KEPT)

    def recipient_row(row: RecipientRow, timezone: str) -> Markup:
        key = (current_locale(), timezone, row.phone, row.whatsapp_jid, row.status, row.attempts, row.error,
               row.sent_at, tuple((name, repr(value)) for name, value in row.variables.items()))  # fmt: skip
        drawn = kept.get(key)
        if drawn is None:
            drawn = Markup(env.get_template(ROW_TEMPLATE).render(row=row, timezone=timezone))  # noqa: S704 (autoescaped)
            kept.put(key, drawn)
        return drawn

    return recipient_row


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
            recipient_row=row_drawer(env),
            locales=[(code, LOCALE_NAMES[code]) for code in LOCALES],
        )
        env.autoescape = True

    return callback
