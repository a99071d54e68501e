"""POST a test send: the rendered message to one number, through the same Evolution client, result inline."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from litestar import Controller, post
from litestar.di import NamedDependency
from litestar.params import FromPath, URLEncodedBody
from litestar.plugins.flash import flash
from litestar.plugins.htmx import HTMXRequest
from litestar.response import Redirect, Template

from models.campaigns import test_send
from models.errors import ValidationFailed
from scheduler.evolution import EvolutionClient, SendResult, Sent
from views.deps import AppSettings, SignedInUser
from views.i18n import _


@dataclass
class PhoneForm:
    phone: str = ""


async def deliver(message: test_send.PreparedTestSend, client: EvolutionClient) -> SendResult:
    """Through the app's pooled client, the one the sender uses."""
    if message.media is not None:
        return await client.send_media(message.address, message.phone, message.media, caption=message.text or None)
    return await client.send_text(message.address, message.phone, message.text)


def outcome(result: SendResult, message: test_send.PreparedTestSend) -> tuple[bool, str]:
    if isinstance(result, Sent):
        return True, _("Sent to +%(phone)s (message id %(id)s).") % {"phone": message.phone, "id": result.key_id}
    reason = getattr(result, "reason", type(result).__name__)
    return False, _("Not sent to +%(phone)s: %(reason)s") % {"phone": message.phone, "reason": reason}


class CampaignTestSendRoutes(Controller):
    """Mixed into `CampaignDetailPages` (views/campaigns/detail.py): the test send is a form on the campaign page."""

    @post("/{campaign_id:int}/test-send", name="campaign_test_send")
    async def test_send(
        self,
        request: HTMXRequest,
        campaign_id: FromPath[int],
        data: URLEncodedBody[PhoneForm],
        current_user: SignedInUser,
        settings: AppSettings,
        evolution: NamedDependency[EvolutionClient],
    ) -> Template | Redirect:
        """htmx gets the result block; a plain form gets a flash and the campaign page again."""
        context: dict[str, Any] = {"campaign_id": campaign_id, "phone": data.phone}
        try:
            message = await test_send.prepare(
                campaign_id, data.phone, owner_id=current_user.id, region=settings.default_region
            )
        except ValidationFailed as invalid:
            ok, text = False, next(iter(invalid.translated_errors(_).values()))
        else:
            ok, text = outcome(await deliver(message, evolution), message)
            context["preview"] = message.text
        if request.htmx:
            return Template("partials/campaigns/test_send.html", context={**context, "ok": ok, "result": text})
        flash(request, text, category="success" if ok else "error")
        return Redirect(request.app.route_reverse("campaign_detail", campaign_id=campaign_id), status_code=303)
