"""The composer in a real browser, on a laptop and on a phone: the counter and the WhatsApp-like bubble."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from models.accounts.users import get_user_by_email
from tests.browser.conftest import run_in_app_db
from tests.browser.pages import ComposerPage, LoginPage
from tests.factories import make_campaign, make_instance

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


def test_a_variable_button_inserts_the_column_at_the_cursor(page, served) -> None:
    async def seed() -> int:
        user = await get_user_by_email(served.email)
        instance = await make_instance(user.id, name="Insert number")
        rows = [{"phone": "5511988000009", "variables": {"Nome": "Ana"}}]
        campaign = await make_campaign(user.id, instance.id, recipients=rows, name="Insert", message="Oi !")
        return int(campaign.id)

    campaign_id = int(run_in_app_db(served, seed))
    LoginPage(page, served.url).sign_in(served.email, served.password)
    page.goto(f"{served.url}/campaigns/{campaign_id}/edit")
    message = page.locator("#message")
    message.click()
    message.press("End")
    message.press("ArrowLeft")  # the cursor sits before the "!"
    page.locator("#message-fields button[data-insert]", has_text="Nome").click()
    expect(message).to_have_value("Oi {{Nome}}!")
    assert ComposerPage(page, served.url).count() == "12"
    expect(ComposerPage(page, served.url).bubble()).to_have_text("Oi Ana!")
