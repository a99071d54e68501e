"""A Brazilian browser gets the pages in Portuguese, and the login page's switcher works without JavaScript."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.server import ServedApp


@pytest.fixture
def brazilian_page(browser: Any, served: ServedApp) -> Iterator[Any]:
    context = browser.new_context(base_url=served.url, locale="pt-BR", java_script_enabled=False)
    context.set_default_timeout(15_000)
    try:
        yield context.new_page()
    finally:
        context.close()


def test_a_brazilian_browser_signs_in_and_reads_the_dashboard_in_portuguese(brazilian_page, served) -> None:
    page = brazilian_page
    page.goto(f"{served.url}/login")
    expect(page.locator("html")).to_have_attribute("lang", "pt-BR")
    page.get_by_label("E-mail").fill(served.email)
    page.get_by_label("Senha").fill(served.password)
    page.get_by_role("button", name="Entrar", exact=True).click()
    expect(page.get_by_role("button", name="Sair")).to_be_visible()
    page.goto(f"{served.url}/dashboard")
    nav = page.get_by_role("navigation", name="Principal")
    for word in ("Painel", "Campanhas", "Modelos", "Números", "Descadastros"):
        expect(nav.get_by_role("link", name=word, exact=True)).to_be_visible()


def test_the_login_page_switches_to_english_without_javascript(brazilian_page, served) -> None:
    page = brazilian_page
    page.goto(f"{served.url}/login")
    expect(page.locator("h1")).to_have_text("Entrar")
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_have_text("Sign in")
