"""A recipients table row is drawn once per (row as it is, language, time zone) and kept: a changed row, another
language or another time zone draws it again, and what a recipient's values hold is escaped."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import cast

from litestar.plugins.jinja import JinjaTemplateEngine
from markupsafe import Markup

from models.recipients.campaign_table import RecipientRow
from settings import BASE_DIR, load_settings
from views.i18n import reset_locale, use_locale
from views.templating import configure_jinja


def _drawer() -> Callable[[RecipientRow, str], Markup]:
    engine = JinjaTemplateEngine(directory=BASE_DIR / "templates")
    configure_jinja(load_settings())(engine)
    return cast(Callable[[RecipientRow, str], Markup], engine.engine.globals["recipient_row"])


def _row(status: str = "PENDING", name: str = "Ana") -> RecipientRow:
    return RecipientRow(
        phone="5511999990000", variables={"Nome": name}, status=status, attempts=0, error="",
        sent_at=datetime(2026, 11, 30, 15, 0, tzinfo=UTC), delivered_at=None, read_at=None,
    )  # fmt: skip


def test_a_row_is_drawn_again_when_it_its_language_or_its_time_zone_changes() -> None:
    draw = _drawer()
    token = use_locale("en")
    try:
        pending = draw(_row(), "UTC")
        assert pending is draw(_row(), "UTC")  # kept
        assert "badge-pending" in pending and "3:00" in pending
        assert "badge-sent" in draw(_row("SENT"), "UTC")
        assert "12:00" in draw(_row(), "America/Sao_Paulo")
    finally:
        reset_locale(token)
    token = use_locale("pt-BR")
    try:
        assert "Na fila" in draw(_row(), "UTC")
    finally:
        reset_locale(token)


def test_what_a_recipients_values_hold_is_escaped() -> None:
    drawn = _drawer()(_row(name="<script>alert(1)</script>"), "UTC")
    assert "<script>" not in drawn and "&lt;script&gt;" in drawn
