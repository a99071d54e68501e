"""Page objects: what a person does on each page, so tests read as the journey and not as selectors."""

from __future__ import annotations

import re
from dataclasses import dataclass

from playwright.sync_api import Locator, Page, expect

HTMX_IDLE = "document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling') === null"

# The labels a person reads, in each language the journey runs in (the browser's Accept-Language picks it).
WORDS = {
    "en": {
        "password": "Password",
        "sign_in": "Sign in",
        "sign_out": "Sign out",
        "display_name": "Display name",
        "server_url": "Evolution server address",
        "api_key": "API key",
        "instance_name": "Evolution instance name",
        "per_minute": "Messages per minute",
        "name": "Name",
        "create_campaign": "Create campaign",
        "choose_columns": "Next: choose the columns",
        "import": "Import",
    },
    "pt-BR": {
        "password": "Senha",
        "sign_in": "Entrar",
        "sign_out": "Sair",
        "display_name": "Nome de exibição",
        "server_url": "Endereço do servidor Evolution",
        "api_key": "Chave da API",
        "instance_name": "Nome da conexão no Evolution",
        "per_minute": "Mensagens por minuto",
        "name": "Nome",
        "create_campaign": "Criar campanha",
        "choose_columns": "Próximo: escolher as colunas",
        "import": "Importar",
    },
}


def settle(page: Page) -> None:
    """Wait until htmx has swapped AND processed new content (a person never acts inside those 20 ms)."""
    page.wait_for_timeout(50)
    page.wait_for_function(HTMX_IDLE)


@dataclass
class LoginPage:
    page: Page
    base_url: str
    locale: str = "en"

    def sign_in(self, email: str, password: str) -> None:
        words = WORDS[self.locale]
        self.page.goto(f"{self.base_url}/login")
        self.page.get_by_label("E-mail").fill(email)
        self.page.get_by_label(words["password"]).fill(password)
        self.page.get_by_role("button", name=words["sign_in"], exact=True).click()
        # Signed in: the page carries the sign-out form (on a phone it sits folded behind the menu button).
        expect(self.page.locator('form[action="/logout"]')).to_have_count(1)


@dataclass
class DashboardPage:
    page: Page
    base_url: str

    def open(self) -> DashboardPage:
        self.page.goto(f"{self.base_url}/dashboard")
        return self

    def stat(self, key: str) -> str:
        return self.page.locator(f'[data-stat="{key}"] .value').inner_text().strip()


@dataclass
class OptOutsPage:
    page: Page
    base_url: str

    def open(self) -> OptOutsPage:
        self.page.goto(f"{self.base_url}/opt-outs")
        return self

    def add(self, phone: str, note: str = "") -> None:
        form = self.page.locator("#add-optout")
        form.get_by_label("Phone").fill(phone)
        form.get_by_label("Note (optional)").fill(note)
        form.get_by_role("button", name="Add").click()

    def phones(self) -> list[str]:
        rows = self.page.locator("#optouts tbody tr[data-phone]")
        return [str(rows.nth(index).get_attribute("data-phone")) for index in range(rows.count())]

    def remove(self, phone: str) -> None:
        self.page.locator(f'#optouts tr[data-phone="{phone}"]').get_by_role("button", name="Remove").click()

    def field_error(self) -> str:
        return self.page.locator("#phone-error").inner_text().strip()


@dataclass
class InstancesPage:
    page: Page
    base_url: str
    locale: str = "en"

    def add(self, *, name: str, server_url: str, api_key: str, instance_name: str, per_minute: int = 60) -> None:
        words = WORDS[self.locale]
        self.page.goto(f"{self.base_url}/instances/new")
        form = self.page.locator("#instance-form")
        form.get_by_label(words["display_name"]).fill(name)
        form.get_by_label(words["server_url"]).fill(server_url)
        form.get_by_label(words["api_key"]).fill(api_key)
        form.get_by_label(words["instance_name"]).fill(instance_name)
        form.get_by_label(words["per_minute"]).fill(str(per_minute))
        form.locator("#save-instance").click()

    def state_of(self, name: str) -> str:
        row = self.page.locator("tr", has_text=name)
        return row.locator("[data-state]").first.get_attribute("data-state") or ""


@dataclass
class CampaignFormPage:
    page: Page
    base_url: str
    locale: str = "en"

    def create(self, *, name: str, instance: str, message: str, rate: int, window: bool = False) -> int:
        """Fill the new-campaign form and save it; returns the new campaign's id (from the page it lands on).
        The form offers a Mon-Sat 09:00-20:00 send window, ticked: a run at any hour unticks it unless `window`."""
        self.page.goto(f"{self.base_url}/campaigns/new")
        form = self.page.locator("#campaign-form")
        form.get_by_label(WORDS[self.locale]["name"], exact=True).fill(name)
        form.locator("#instance_id").select_option(label=instance)
        form.locator("#message").fill(message)
        form.locator("#rate_limit").fill(str(rate))
        form.locator("#send_window").set_checked(window)
        form.get_by_role("button", name=WORDS[self.locale]["create_campaign"]).click()
        self.page.wait_for_url(re.compile(r".*/campaigns/\d+$"))
        return int(self.page.url.rsplit("/", 1)[-1])

    def preview_texts(self, campaign_id: int) -> list[str]:
        self.page.goto(f"{self.base_url}/campaigns/{campaign_id}/edit")
        samples = self.page.locator("#campaign-preview .bubble .message")
        return [samples.nth(index).inner_text().strip() for index in range(samples.count())]


@dataclass
class RecipientsUploadPage:
    page: Page
    base_url: str
    locale: str = "en"

    def import_csv(self, campaign_id: int, path: str) -> int:
        """Upload, keep the detected mapping, import; returns how many were imported."""
        self.page.goto(f"{self.base_url}/campaigns/{campaign_id}/recipients/upload")
        self.page.set_input_files("#file", path)
        words = WORDS[self.locale]
        self.page.get_by_role("button", name=words["choose_columns"]).click()
        self.page.locator("#recipients-mapping").get_by_role("button", name=words["import"], exact=True).click()
        return int(self.page.locator("#imported-count").inner_text())


@dataclass
class CampaignPage:
    page: Page
    base_url: str
    campaign_id: int

    def open(self) -> CampaignPage:
        self.page.goto(f"{self.base_url}/campaigns/{self.campaign_id}")
        return self

    @property
    def block(self):
        return self.page.locator(f"#campaign-{self.campaign_id}-progress")

    def status(self) -> str:
        return self.block.get_attribute("data-status") or ""

    def act(self, action: str) -> None:
        """Start goes through its confirmation page (`confirm_start`); the other actions are one click."""
        if action == "start":
            self.confirm_start()
            return
        self.block.locator(f'button[data-action="{action}"]').click()

    def confirm_start(self) -> dict[str, str]:
        """Press Start, read what the confirmation says (messages, numbers, finish, warnings), confirm, and come
        back to the campaign page."""
        self.block.locator('a[data-action="start"]').click()
        box = self.page.locator("#start-confirmation")
        expect(box).to_be_visible()
        facts = box.locator("[data-fact]")
        said = {str(facts.nth(i).get_attribute("data-fact")): facts.nth(i).inner_text() for i in range(facts.count())}
        warnings = box.locator("[data-warning]")
        said.update({str(warnings.nth(i).get_attribute("data-warning")): "" for i in range(warnings.count())})
        box.locator('button[data-action="confirm-start"]').click()
        expect(self.block).to_be_visible()
        return said

    def cancel(self) -> None:
        self.block.locator('summary[data-action="cancel"]').click()
        self.block.locator('button[data-action="confirm-cancel"]').click()

    def wait_for_status(self, status: str, timeout_ms: int = 30_000) -> None:
        expect(self.block).to_have_attribute("data-status", status, timeout=timeout_ms)

    def percent(self) -> str:
        return self.page.locator("#campaign-percent").inner_text().strip()

    def download_report(self) -> bytes:
        with self.page.expect_download() as info:
            self.page.locator("#export-report").click()
        path = info.value.path()
        return path.read_bytes()

    def recipient_phones(self) -> list[str]:
        rows = self.page.locator(f"#campaign-{self.campaign_id}-recipients tbody tr[data-phone]")
        return [str(rows.nth(index).get_attribute("data-phone")) for index in range(rows.count())]

    def filter_recipients(self, status: str) -> None:
        self.page.locator("#recipients-status").select_option(status)
        settle(self.page)

    def next_recipients_page(self) -> None:
        self.page.locator(f'#campaign-{self.campaign_id}-recipients a[rel="next"]').click()
        settle(self.page)

    def header_links(self) -> list[str]:
        links = self.page.locator(f"#campaign-{self.campaign_id}-header a.button")
        return [str(links.nth(index).get_attribute("id")) for index in range(links.count())]

    def buttons(self) -> list[str]:
        found = self.block.locator("button[data-action], a[data-action]")
        return [str(found.nth(index).get_attribute("data-action")) for index in range(found.count())]

    def snapshot(self) -> dict[str, int]:
        """Counters, funnel bars and the sends-per-minute total, read in one go (no swap can land in between)."""
        return dict(self.page.evaluate(SNAPSHOT_JS, self.campaign_id))


SNAPSHOT_JS = """(id) => {
  const number = (text) => parseInt(String(text).replace(/[^0-9]/g, '') || '0', 10);
  const one = (selector) => document.querySelector(selector);
  const counter = (key) => number(one(`#campaign-${id}-progress [data-counter="${key}"] .value`).textContent);
  const bar = (key) => number(one(`#campaign-${id}-charts rect.bar-${key}`).getAttribute('data-value'));
  const perMinute = [...document.querySelectorAll(`#campaign-${id}-charts svg[aria-labelledby^="rate-"] rect.bar`)];
  return {
    total: counter('total'), sent: counter('sent'), failed: counter('failed'), read: counter('read'),
    funnel_sent: bar('sent'), funnel_failed: bar('failed'), funnel_read: bar('read'),
    chart_sends: perMinute.reduce((sum, rect) => sum + number(rect.getAttribute('data-value')), 0),
  };
}"""


@dataclass
class ListsPage:
    page: Page
    base_url: str

    def create_and_import(self, name: str, path: str) -> int:
        """Create a list, import a CSV or XLSX into it through the wizard's three steps with the detected mapping;
        returns the list's size from the report."""
        self.page.goto(f"{self.base_url}/lists/")
        self.page.locator("#new-list").get_by_label("Name", exact=True).fill(name)
        self.page.get_by_role("button", name="Create and import").click()
        self.page.wait_for_url(re.compile(r".*/lists/\d+/contacts/upload$"))
        self.page.set_input_files("#file", path)
        self.page.get_by_role("button", name=WORDS["en"]["choose_columns"]).click()
        self.page.locator("#recipients-mapping").get_by_role("button", name=WORDS["en"]["import"], exact=True).click()
        return int(self.page.locator("#total-count").inner_text())


@dataclass
class AudiencePanel:
    """The campaign page's audience panel: the lists it sends to and leaves out, and the counts behind them."""

    page: Page
    campaign_id: int

    @property
    def panel(self):
        return self.page.locator(f"#campaign-{self.campaign_id}-audience")

    def choose_lists(self, send_to: list[str], leave_out: list[str]) -> None:
        for name in send_to:
            self.panel.get_by_label(f"Send to {name}").check()
        for name in leave_out:
            self.panel.get_by_label(f"Leave out {name}").check()
        self.panel.locator("#save-lists").click()
        self.page.wait_for_url(re.compile(rf".*/campaigns/{self.campaign_id}$"))

    def count(self, category: str) -> str:
        return str(self.panel.locator(f'[data-category="{category}"] .value').inner_text()).strip()


@dataclass
class ComposerPage:
    """The message composer of the campaign form: typing, the live counter and the preview bubble."""

    page: Page
    base_url: str

    def open_new(self) -> ComposerPage:
        self.page.goto(f"{self.base_url}/campaigns/new")
        return self

    def type(self, text: str) -> None:
        self.page.locator("#message").press_sequentially(text)

    def count(self) -> str:
        return self.page.locator("#composer-counter .count-value").inner_text().strip()

    def bubble(self) -> Locator:
        return self.page.locator("#campaign-preview .bubble .message").first

    def upload_media(self, campaign_id: int, path: str) -> None:
        """On the edit page: upload a media file; the page comes back with it in the preview bubble."""
        self.page.goto(f"{self.base_url}/campaigns/{campaign_id}/edit")
        self.page.set_input_files("#media-file", path)
        self.page.locator("#media-upload").get_by_role("button", name="Upload", exact=True).click()
        self.page.wait_for_url(re.compile(rf".*/campaigns/{campaign_id}/edit$"))


def create_limited_user(page: Page, base_url: str, email: str, daily_limit: int, timezone: str) -> str:
    """As a signed-in admin: a new user with a daily limit; the one-time link to set their password."""
    page.goto(f"{base_url}/users")
    form = page.locator("#user-create")
    form.get_by_label("E-mail").fill(email)
    form.get_by_label("Daily limit (messages)").fill(str(daily_limit))
    form.get_by_label("Time zone").fill(timezone)
    form.get_by_role("button", name="Create user").click()
    return page.locator("#password-link").inner_text().strip()


def set_password_from_link(page: Page, link: str, email: str, password: str) -> None:
    """The new user opens the link, chooses the password and is signed in."""
    page.goto(link)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_label("Repeat the password").fill(password)
    page.get_by_role("button", name="Set password").click()
    expect(page.get_by_role("link", name=email)).to_be_visible()
