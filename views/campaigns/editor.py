"""The campaign form, for new and edit: validation errors re-render it with 422; the live preview is a fragment."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, URLEncodedBody
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template

from models import message_templates
from models.accounts.users import CurrentUser
from models.campaigns import editing as campaigns
from models.campaigns import from_lists, lifecycle
from models.campaigns import preview as campaign_preview
from models.campaigns import queries as campaign_queries
from models.campaigns.rules import MEDIA_TYPES, CampaignInput, checked
from models.contacts.audience import campaign_lists
from models.contacts.lists import list_lists
from models.errors import IllegalTransition, NotFoundOrNotYours, ValidationFailed
from models.tables import Campaign
from scheduler.clock import Clock
from settings import Settings
from views.campaigns.forms import CampaignForm, campaign_form_of, field_errors, parse_campaign
from views.i18n import _

AnyRequest = Request[Any, Any, Any]
Save = Callable[[CampaignInput], Awaitable[Campaign]]
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
        "preview": preview,
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
    try:
        return await campaign_preview.preview(text, owner_id=owner_id, campaign_id=campaign_id)
    except NotFoundOrNotYours:
        return await campaign_preview.preview(text, owner_id=owner_id)


async def _submit(
    form: CampaignForm, user: CurrentUser, settings: Settings, clock: Clock, save: Save
) -> Campaign | dict[str, str]:
    """The saved campaign, or every field error (from reading the strings and from the domain's rules)."""
    data, errors = parse_campaign(form, user.timezone)
    try:
        if not errors:
            return await save(data)
        await checked(data, owner_id=user.id, now=clock.now(), max_rate=settings.max_rate)
    except ValidationFailed as invalid:
        errors = {**field_errors(invalid.errors), **errors}
    return errors


class CampaignEditorRoutes(Controller):
    """Mixed into `CampaignPages` (views/campaigns/__init__.py): one controller, so `/campaigns` has one OPTIONS."""

    @get("/new", name="campaign_new")
    async def new(self, current_user: NamedDependency[CurrentUser]) -> Template:
        return await _form_page(current_user.id, CampaignForm(), campaign=None, errors={})

    @post("/", name="campaign_create")
    async def create(
        self,
        request: AnyRequest,
        data: URLEncodedBody[CampaignForm],
        current_user: NamedDependency[CurrentUser],
        settings: NamedDependency[Settings],
        clock: NamedDependency[Clock],
    ) -> Template | Redirect:
        async def save(values: CampaignInput) -> Campaign:
            return await campaigns.create(values, owner_id=current_user.id, now=clock.now(), max_rate=settings.max_rate)

        data.campaign_id = ""
        chosen = await _chosen_lists(request)
        result = await _submit(data, current_user, settings, clock, save)
        if isinstance(result, dict):
            return await _form_page(
                current_user.id, data, campaign=None, errors=result, status_code=422, chosen=chosen
            )
        await _save_lists(result.id, chosen, current_user.id)
        flash(request, _("Campaign created. Add its recipients next."), category="success")
        return Redirect(f"/campaigns/{result.id}", status_code=303)

    @get("/{campaign_id:int}/edit", name="campaign_edit")
    async def edit(self, campaign_id: FromPath[int], current_user: NamedDependency[CurrentUser]) -> Template:
        """Only DRAFT and SCHEDULED campaigns open for editing; others flash why (naming the status)."""
        campaign = await campaigns.get(campaign_id, owner_id=current_user.id)
        if not lifecycle.can_edit(campaign.status):
            raise IllegalTransition(campaigns.edit_refusal(campaign.status))
        form = campaign_form_of(campaign, current_user.timezone)
        chosen = await campaign_lists(campaign_id)
        return await _form_page(current_user.id, form, campaign=campaign, errors={}, chosen=chosen)

    @post("/{campaign_id:int}/edit", name="campaign_update")
    async def update(
        self,
        request: AnyRequest,
        campaign_id: FromPath[int],
        data: URLEncodedBody[CampaignForm],
        current_user: NamedDependency[CurrentUser],
        settings: NamedDependency[Settings],
        clock: NamedDependency[Clock],
    ) -> Template | Redirect:
        campaign = await campaigns.get(campaign_id, owner_id=current_user.id)

        async def save(values: CampaignInput) -> Campaign:
            return await campaigns.update(
                campaign_id, values, owner_id=current_user.id, now=clock.now(), max_rate=settings.max_rate
            )

        data.campaign_id = str(campaign_id)
        chosen = await _chosen_lists(request)
        result = await _submit(data, current_user, settings, clock, save)
        if isinstance(result, dict):
            return await _form_page(
                current_user.id, data, campaign=campaign, errors=result, status_code=422, chosen=chosen
            )
        await _save_lists(campaign_id, chosen, current_user.id)
        flash(request, _("Campaign saved."), category="success")
        return Redirect(f"/campaigns/{campaign_id}", status_code=303)

    @post("/preview", name="campaign_preview")
    async def preview(self, data: URLEncodedBody[CampaignForm], current_user: NamedDependency[CurrentUser]) -> Template:
        """The live preview fragment the form refreshes as the user types (htmx, 400 ms after the last key)."""
        result = await _preview_for(current_user.id, data)
        return Template("partials/campaigns/preview.html", context={"preview": result})

    @post("/message-fields", name="campaign_message_fields")
    async def message_fields(
        self, data: URLEncodedBody[CampaignForm], current_user: NamedDependency[CurrentUser]
    ) -> Template:
        """Choosing a template (htmx) fills the message and media fields from it; without JS the server does so."""
        if data.template_id.isdigit():
            template = await message_templates.get(int(data.template_id), owner_id=current_user.id)
            data.message, data.media_url, data.media_type = template.body, template.media_url, template.media_type
        context = {"form": data, "errors": {}, "media_types": MEDIA_TYPES}
        return Template("partials/campaigns/message_fields.html", context=context)
