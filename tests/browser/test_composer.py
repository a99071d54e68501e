"""The composer in a real browser, on a laptop and on a phone: the counter and the WhatsApp-like bubble."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.pages import ComposerPage, LoginPage

WIDTHS = [1280, 390]


@pytest.mark.parametrize("width", WIDTHS)
def test_the_counter_counts_the_first_keystroke_of_the_message(page, served, width) -> None:
    page.set_viewport_size({"width": width, "height": 860})
    LoginPage(page, served.url).sign_in(served.email, served.password)
    composer = ComposerPage(page, served.url).open_new()
    composer.type("H")
    assert composer.count() == "1"  # at once: not after the preview's 400 ms round trip
    composer.type("i")
    assert composer.count() == "2"


@pytest.mark.parametrize("width", WIDTHS)
def test_the_preview_formats_bold_and_italic_and_shows_a_script_as_text(page, served, width) -> None:
    page.set_viewport_size({"width": width, "height": 860})
    LoginPage(page, served.url).sign_in(served.email, served.password)
    composer = ComposerPage(page, served.url).open_new()
    composer.type("*Oferta* _hoje_ <script>window.__ran = 1</script>")
    bubble = composer.bubble()
    expect(bubble.locator("strong")).to_have_text("Oferta")
    expect(bubble.locator("em")).to_have_text("hoje")
    expect(bubble).to_contain_text("<script>window.__ran = 1</script>")
    assert bubble.locator("script").count() == 0
    assert page.evaluate("window.__ran") is None
