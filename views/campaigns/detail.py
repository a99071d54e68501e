"""GET the campaign page, GET its live block (polled), POST an action (start, pause, resume, cancel); the test
send's route (views/campaigns/test_send.py) joins the same controller.

The polled block answers with the progress block and, out of band, every other block that depends on the
campaign's state (header buttons, retry card, charts, the recipients table as the user filtered it), but only
when the page's `shown` fingerprint says something changed: a quiet poll stays one query.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from litestar import Litestar, Request, Response, get, post
from litestar.params import FromPath, FromQuery, URLEncodedBody
from litestar.plugins.htmx import HTMXRequest
from litestar.response import Redirect, Template

from models import events, sending
from models.accounts.users import CurrentUser
from models.campaigns import actions as campaign_actions
from models.campaigns import history as campaign_history
from models.campaigns.history import by_user
from models.campaigns.live_cache import LiveEntry, LiveViews
from models.campaigns.live_progress import live_view
from models.campaigns.number_view import numbers_view
from models.campaigns.send_history import Remembered, send_history
from models.campaigns.start_plan import campaign_allowance
from models.campaigns.view import CampaignView, campaign_charts, campaign_view
from models.errors import IllegalTransition
from models.recent import Recent
from models.recipients.campaign_table import LivePages, live_recipient_page, recipient_page
from views.campaigns.etags import Blocks, block_etag, block_kind, html_response, matches, not_modified, rendered
from views.campaigns.media import message_preview
from views.campaigns.test_send import CampaignTestSendRoutes
from views.deps import AnyRequest, AppClock, SignedInUser, kept_in_app
from views.guards import SignedInPages
from views.i18n import _, current_locale, reset_locale, use_locale
from views.redirects import success_redirect

DONE_MESSAGES = {
    "start": "Campaign started.",
    "pause": "Campaign paused.",
    "resume": "Campaign resumed.",
    "cancel": "Campaign cancelled.",
}
MAX_SHOWN_LENGTH = 200  # a fingerprint is a status and seven counters; anything longer is not one of ours
DRAWERS_PER_CAMPAIGN = 8  # the ways of drawing a campaign's block kept per owner (sessions, languages, filters)


@dataclass(frozen=True)
class Shown:
    """What the page drew, as its poll and its action forms send it back: the progress fingerprint (`shown`) and
    the recipients table's filter and page."""

    shown: str = ""
    status: str = ""
    search: str = ""
    page: int = 1

    @property
    def fingerprint(self) -> str:
        return self.shown[:MAX_SHOWN_LENGTH]


@dataclass(frozen=True)
class ActionForm(Shown):
    """The action, plus what the page shows."""

    action: str = ""


def chart_labels() -> dict[str, str]:
    return {
        "sent": _("Sent"),
        "delivered": _("Delivered"),
        "read": _("Read"),
        "replied": _("Replied"),
        "failed": _("Failed"),
        "funnel": _("Delivery funnel"),
        "per_minute": _("Sends per minute"),
        "empty": _("Nothing sent yet."),
    }


@dataclass(frozen=True)
class Drawer:
    """A tab's last poll as far as its block's bytes go (the request: its user, session, locale, URLs; what it
    shows): enough to draw the block of a new computation before the tab asks for it. The request is a copy made of
    its scope alone, so a kept drawer never holds on to the connection it came in on."""

    request: AnyRequest
    user: CurrentUser
    shown: Shown
    locale: str

    @property
    def way(self) -> str:
        """Everything the bytes depend on but the computation and what changed since the tab's drawing."""
        return block_kind(self.request, 0, self.user, self.shown.status, self.shown.search, self.shown.page)

    def block(self, entry: LiveEntry) -> DrawnBlock:
        return DrawnBlock.of(self.request, entry, self.shown, self.user)


@dataclass(frozen=True)
class DrawnBlock:
    """The polled block of one computation for one tab: its kind, its ETag (views/campaigns/etags.py) and how to
    draw it."""

    request: AnyRequest
    entry: LiveEntry
    shown: Shown
    user: CurrentUser
    changed: bool
    kind: str
    etag: str

    @classmethod
    def of(cls, request: AnyRequest, entry: LiveEntry, shown: Shown, user: CurrentUser) -> DrawnBlock:
        changed, status_changed = entry.view.progress.changed_since(shown.fingerprint)
        kind = block_kind(
            request, entry.view.campaign.id, user, changed, status_changed, shown.status, shown.search, shown.page
        )
        return cls(request, entry, shown, user, changed, kind, block_etag(entry.stamp, kind))

    async def render(self) -> bytes:
        return rendered(self.request, await live_block(self.request, self.entry.view, self.shown, self.user))

    async def drawn(self, memory: LiveMemory) -> tuple[bytes, str]:
        """(body, ETag), drawn once however many tabs ask (or the last of its kind while it draws)."""
        return await memory.blocks.block(self.kind, self.etag, self.render)


@dataclass
class LiveMemory:
    """One per app, shared by every tab polling a campaign: the send histories its pages drew lately (a poll reads
    only the newest minutes), the recipient pages read once per change, the live block's latest computation per
    campaign and the blocks rendered lately by key (views/campaigns/etags.py: one render per change)."""

    charts: Remembered = field(default_factory=Remembered)
    recipients: LivePages = field(default_factory=LivePages)
    views: LiveViews = field(default_factory=LiveViews)
    blocks: Blocks = field(default_factory=Blocks)
    drawers: Recent[tuple[int, int], dict[str, Drawer]] = field(default_factory=Recent)

    def remember(self, campaign_id: int, drawer: Drawer) -> None:
        """How a tab of this campaign drew its block (the last few ways per campaign and owner)."""
        ways = self.drawers.get((campaign_id, drawer.user.id))
        if ways is None:
            ways = {}
            self.drawers.put((campaign_id, drawer.user.id), ways)
        way = drawer.way
        ways.pop(way, None)  # the newest way goes last: the oldest are dropped first
        ways[way] = drawer
        while len(ways) > DRAWERS_PER_CAMPAIGN:
            del ways[next(iter(ways))]


def live_memory(app: Litestar) -> LiveMemory:
    return kept_in_app(app.state, "live_memory", LiveMemory)


@asynccontextmanager
async def live_refreshes(app: Litestar) -> AsyncIterator[None]:
    """While the app runs, this process's own writes to a campaign (its sender's sends, its actions) compute the
    live block of the tabs watching it at once, before their next poll asks (models/campaigns/live_cache.py)."""
    memory = live_memory(app)
    views, loop, clock = memory.views, asyncio.get_running_loop(), app.state.clock

    def heard(_name: str, data: dict[str, Any]) -> None:
        campaign_id = data.get("campaign_id")
        if isinstance(campaign_id, int) and _running_on(loop):
            views.refresh_soon(campaign_id, now=clock.now, then=lambda entry: draw_ahead(entry, memory))

    stop = events.subscribe(heard)
    try:
        yield
    finally:
        stop()
        await views.close()


async def read_ahead(view: CampaignView, memory: LiveMemory) -> None:
    """What the block drawn from a new computation reads beside it for the tabs whose page is behind (`live_block`):
    the send history and the recipients table's first page, unfiltered as most tabs show it."""
    await asyncio.gather(
        send_history(view.campaign.id, sent_count=view.progress.sent, memory=memory.charts),
        live_recipient_page(view.campaign, as_of=view.progress.fingerprint, memory=memory.recipients),
    )


async def draw_ahead(entry: LiveEntry, memory: LiveMemory) -> None:
    """A new computation's block, read and drawn for each way the campaign's tabs drew it lately, before they ask:
    the poll that next asks finds it drawn (one render per change, made by the refresh, not by a waiting poll)."""
    await read_ahead(entry.view, memory)
    ways = memory.drawers.get((entry.view.campaign.id, entry.view.campaign.owner)) or {}
    for drawer in list(ways.values()):
        await asyncio.sleep(0)  # the polls that arrived meanwhile go first: each draw holds the loop a few ms
        token = use_locale(drawer.locale)
        try:
            await drawer.block(entry).drawn(memory)
        finally:
            reset_locale(token)


def _running_on(loop: asyncio.AbstractEventLoop) -> bool:
    """Whether the event came from this app's loop (another app in the same process, a CLI command: not ours)."""
    try:
        return asyncio.get_running_loop() is loop
    except RuntimeError:
        return False


async def live_block(
    request: AnyRequest, view: CampaignView, shown: Shown, user: CurrentUser, notice: str = ""
) -> Template:
    """The progress block, with the other blocks out of band when anything but the rates changed, and words for
    the screen reader when the status changed (or an action was refused)."""
    changed, status_changed = view.progress.changed_since(shown.fingerprint)
    context: dict[str, Any] = {"view": view, "notice": notice, "changed": changed, "announcement": notice}
    if status_changed and not notice:
        context["announcement"] = _("Campaign status: %(status)s") % {"status": _(view.progress.status)}
    if changed:  # the two reads side by side (each on a reader connection of its own)
        memory = live_memory(request.app)
        context["charts"], context["recipients"] = await asyncio.gather(
            campaign_charts(view, labels=chart_labels(), timezone=user.timezone, memory=memory.charts),
            live_recipient_page(
                view.campaign,
                as_of=view.progress.fingerprint,
                memory=memory.recipients,
                status=shown.status,
                search=shown.search,
                page=shown.page,
            ),
        )
    return Template("partials/campaigns/live.html", context=context)


class CampaignDetailPages(CampaignTestSendRoutes, SignedInPages):
    """The campaign page, its live block, its actions and its test send."""

    path = "/campaigns"

    @get("/{campaign_id:int}", name="campaign_detail")
    async def detail(
        self,
        request: AnyRequest,
        campaign_id: FromPath[int],
        current_user: SignedInUser,
        clock: AppClock,
        status: FromQuery[str] = "",
        search: FromQuery[str] = "",
        page: FromQuery[int] = 1,
    ) -> Template:
        """The whole page; its blocks are the same partials the polled route answers with."""
        view = await campaign_view(campaign_id, owner_id=current_user.id, now=clock.now())
        charts = await campaign_charts(
            view, labels=chart_labels(), timezone=current_user.timezone, memory=live_memory(request.app).charts
        )
        recipients = await recipient_page(
            campaign_id, status=status, search=search, page=page, total=view.campaign.total_recipients
        )
        context: dict[str, Any] = {
            "view": view,
            "charts": charts,
            "recipients": recipients,
            "history": await campaign_history.entries(campaign_id),
            "check": await sending.check_progress(campaign_id, owner_id=current_user.id),
            "numbers": await numbers_view(view.campaign),
            "allowance": await campaign_allowance(view.campaign, now=clock.now()) if "start" in view.actions else None,
            "notice": "",
            "announcement": "",
        }
        context.update(await message_preview(view.campaign, owner_id=current_user.id))
        return Template("campaigns/detail.html", context=context)

    @get("/{campaign_id:int}/progress", name="campaign_progress")
    async def progress(
        self,
        request: AnyRequest,
        campaign_id: FromPath[int],
        current_user: SignedInUser,
        clock: AppClock,
        shown: FromQuery[str] = "",
        status: FromQuery[str] = "",
        search: FromQuery[str] = "",
        page: FromQuery[int] = 1,
    ) -> Response[bytes] | Response[None]:
        """Polled every 2 s while the campaign is live; rendered without the polling attributes once it is not.
        Tabs that show the same thing share one render, even those asking while it runs; a block the tab already
        shows (its ETag) answers 304 with no body, and htmx leaves it as it is."""
        memory = live_memory(request.app)
        entry = await memory.views.get(campaign_id, owner_id=current_user.id, now=clock.now())
        drawer = Drawer(Request(request.scope), current_user, Shown(shown, status, search, page), current_locale())
        memory.remember(campaign_id, drawer)
        block = drawer.block(entry)
        if not block.changed and matches(request, block.etag):
            return not_modified(block.etag)
        return html_response(*await block.drawn(memory))

    @post("/{campaign_id:int}/actions", name="campaign_act")
    async def act(
        self,
        request: HTMXRequest,
        campaign_id: FromPath[int],
        data: URLEncodedBody[ActionForm],
        current_user: SignedInUser,
        clock: AppClock,
    ) -> Template | Redirect:
        """htmx gets the re-rendered live blocks (with the refusal inside); a plain form gets flash + 303."""
        notice = ""
        try:
            who = by_user(current_user.email, current_user.token_name, "page")
            await campaign_actions.perform(campaign_id, data.action, owner_id=current_user.id, now=clock.now(), who=who)
        except IllegalTransition as refused:
            if not request.htmx:
                raise
            notice = refused.translated(_)
        if request.htmx:
            view = await live_view(campaign_id, owner_id=current_user.id, now=clock.now())
            return await live_block(request, view, data, current_user, notice)
        return success_redirect(request, _(DONE_MESSAGES[data.action]), "campaign_detail", campaign_id=campaign_id)
