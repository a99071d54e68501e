"""The campaign form, for new and edit: validation errors re-render it with 422; the live preview is a fragment."""

from __future__ import annotations

from typing import Any

from litestar import Controller, get, post
from litestar.params import FromQuery, URLEncodedBody
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template

from models import message_templates
from models.accounts.users import CurrentUser
from models.campaigns import editing as campaigns
from models.campaigns import from_lists, lifecycle
from models.campaigns import media as campaign_media
from models.campaigns import preview as campaign_preview
from models.campaigns import queries as campaign_queries
from models.campaigns.history import by_user
from models.campaigns.numbers import numbers_of
from models.campaigns.rules import MEDIA_TYPES, checked
from models.contacts.audience import campaign_lists
from models.contacts.lists import list_lists
from models.errors import IllegalTransition, NotFoundOrNotYours, ValidationFailed
from models.tables import Campaign
from scheduler.clock import Clock
from settings import Settings
from views.campaigns.deps import OwnCampaign
from views.campaigns.forms import (
    CampaignForm,
    campaign_form_of,
    field_errors,
    new_campaign_form,
    other_ids,
    parse_campaign,
    week_days,
    window_days,
)
from views.campaigns.media import bubble_media
from views.deps import AnyRequest, AppClock, AppSettings, SignedInUser
from views.i18n import _

# The form's fields URL-encoded: a 4,096-character message takes at most ~36 KB (emoji as %XX%XX%XX%XX).
PREVIEW_MAX_BODY_BYTES = 64 * 1024
ChosenLists = tuple[list[int], list[int]]


async def _chosen_lists(request: AnyRequest) -> ChosenLists:
    """The form's checked lists: sent to (`list_ids`) and left out (`exclude_list_ids`)."""
    form = await request.form()

    def ids(name: str) -> list[int]:
        return [int(v) for v in form.getall(name, []) if str(v).isdigit()][:100]

    return ids("list_ids"), ids("exclude_list_ids")


async def _save_lists(campaign_id: int, chosen: ChosenLists, owner_id: int) -> None:
    await from_lists.update_lists(campaign_id, list_ids=chosen[0], exclude_list_ids=chosen[1], owner_id=owner_id)


async def _form_page(
    owner_id: int,
    form: CampaignForm,
    *,
    campaign: Campaign | None,
    errors: dict[str, str],
    status_code: int = 200,
    chosen: ChosenLists = ([], []),
) -> Template:
    """The one form template for new and edit, with its choices and a first preview."""
    preview = await _preview_for(owner_id, form)
    upload = campaign_media.upload_of(campaign) if campaign else None
    context = {
        "all_lists": await list_lists(owner_id=owner_id),
        "include_ids": chosen[0],
        "exclude_ids": chosen[1],
        "form": form,
        "errors": errors,
        "campaign": campaign,
        "instances": await campaign_queries.instance_choices(owner_id),
        "templates": await message_templates.list_templates(owner_id),
        "media_types": MEDIA_TYPES,
        "other_ids": other_ids(form),
        "window_days": window_days(form),
        "week_days": week_days(),
        "preview": preview,
        "message_and_rate_only": campaign is not None and not lifecycle.can_edit(campaign.status),
        "upload": upload,
        "media": bubble_media(campaign.id, upload) if campaign else None,
    }
    return Template("campaigns/form.html", context=context, status_code=status_code)


async def _preview_for(owner_id: int, form: CampaignForm) -> campaign_preview.Preview:
    text = form.message.replace("\r\n", "\n")
    if not text.strip() and form.template_id.isdigit():
        try:
            text = (await message_templates.get(int(form.template_id), owner_id=owner_id)).body
        except NotFoundOrNotYours:
            text = ""
    campaign_id = int(form.campaign_id) if form.campaign_id.isdigit() else None
    sample = int(form.sample) if form.sample.isdigit() else 0
    try:
        return await campaign_preview.preview(text, owner_id=owner_id, campaign_id=campaign_id, sample=sample)
    except NotFoundOrNotYours:
        return await campaign_preview.preview(text, owner_id=owner_id, sample=sample)


async def _save(
    request: AnyRequest,
    form: CampaignForm,
    campaign: Campaign | None,
    user: CurrentUser,
    settings: Settings,
    clock: Clock,
) -> Template | Redirect:
    """New (no campaign) and edit alike: the saved campaign's page, or the form again (422) with every field error,
    from reading the strings and from the domain's rules."""
    form.campaign_id = str(campaign.id) if campaign else ""
    chosen = await _chosen_lists(request)
    data, errors = parse_campaign(form, user.timezone)
    owner_id, now, max_rate = user.id, clock.now(), settings.max_rate
    try:
        if not errors:
            if campaign is None:
                saved = await campaigns.create(data, owner_id=owner_id, now=now, max_rate=max_rate)
                flash(request, _("Campaign created. Add its recipients next."), category="success")
            else:
                who = by_user(user.email, user.token_name, "page")
                saved = await campaigns.update(
                    campaign.id, data, owner_id=owner_id, now=now, max_rate=max_rate, who=who
                )
                flash(request, _("Campaign saved."), category="success")
            if campaign is None or lifecycle.can_edit(campaign.status):  # a PAUSED one changes message and rate only
                await _save_lists(saved.id, chosen, owner_id)
            return Redirect(f"/campaigns/{saved.id}", status_code=303)
        await checked(data, owner_id=owner_id, now=now, max_rate=max_rate)
    except ValidationFailed as invalid:
        errors = {**field_errors(invalid.errors), **errors}
    return await _form_page(user.id, form, campaign=campaign, errors=errors, status_code=422, chosen=chosen)


class CampaignEditorRoutes(Controller):
    """Mixed into `CampaignPages` (views/campaigns/__init__.py): one controller, so `/campaigns` has one OPTIONS."""

    @get("/new", name="campaign_new")
    async def new(self, current_user: SignedInUser, sample: FromQuery[int] = 0) -> Template:
        """`sample`: the "another example" link without JavaScript (with it, htmx asks `campaign_preview`)."""
        form = new_campaign_form(current_user.timezone, sample)
        return await _form_page(current_user.id, form, campaign=None, errors={})

    @post("/", name="campaign_create")
    async def create(
        self,
        request: AnyRequest,
        data: URLEncodedBody[CampaignForm],
        current_user: SignedInUser,
        settings: AppSettings,
        clock: AppClock,
    ) -> Template | Redirect:
        return await _save(request, data, None, current_user, settings, clock)

    @get("/{campaign_id:int}/edit", name="campaign_edit")
    async def edit(
        self,
        campaign: OwnCampaign,
        current_user: SignedInUser,
        sample: FromQuery[int] = 0,
    ) -> Template:
        """DRAFT and SCHEDULED campaigns open for editing, PAUSED ones for their message and rate; others flash why
        (naming the status)."""
        if not lifecycle.can_edit_message(campaign.status):
            raise IllegalTransition(campaigns.edit_refusal(campaign.status))
        form = campaign_form_of(campaign, current_user.timezone, await numbers_of(campaign))
        form.sample = str(max(sample, 0))
        chosen = await campaign_lists(campaign.id)
        return await _form_page(current_user.id, form, campaign=campaign, errors={}, chosen=chosen)

    @post("/{campaign_id:int}/edit", name="campaign_update")
    async def update(
        self,
        request: AnyRequest,
        campaign: OwnCampaign,
        data: URLEncodedBody[CampaignForm],
        current_user: SignedInUser,
        settings: AppSettings,
        clock: AppClock,
    ) -> Template | Redirect:
        return await _save(request, data, campaign, current_user, settings, clock)

    @post("/preview", name="campaign_preview", request_max_body_size=PREVIEW_MAX_BODY_BYTES)
    async def preview(self, data: URLEncodedBody[CampaignForm], current_user: SignedInUser) -> Template:
        """The live preview fragment the form refreshes as the user types (htmx, 400 ms after the last key).

        A message over the 4,096-character limit is refused in the fragment, unrendered (models/campaigns/preview.py).
        """
        result = await _preview_for(current_user.id, data)
        context: dict[str, Any] = {"preview": result, "media": None}
        if data.campaign_id.isdigit():
            upload = await campaign_media.upload_for(int(data.campaign_id), owner_id=current_user.id)
            context["media"] = bubble_media(int(data.campaign_id), upload)
        return Template("partials/campaigns/preview.html", context=context)

    @post("/message-fields", name="campaign_message_fields")
    async def message_fields(self, data: URLEncodedBody[CampaignForm], current_user: SignedInUser) -> Template:
        """Choosing a template (htmx) fills the message and media fields from it; without JS the server does so."""
        if data.template_id.isdigit():
            template = await message_templates.get(int(data.template_id), owner_id=current_user.id)
            data.message, data.media_url, data.media_type = template.body, template.media_url, template.media_type
        preview = await _preview_for(current_user.id, data)
        context = {"form": data, "errors": {}, "media_types": MEDIA_TYPES, "preview": preview}
        return Template("partials/campaigns/message_fields.html", context=context)
