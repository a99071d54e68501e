"""Message template pages: list, new, edit, delete (every form works without JavaScript)."""

from __future__ import annotations

from litestar import get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, URLEncodedBody
from litestar.response import Redirect, Template

from models import message_templates
from models.campaigns.preview import Preview, preview
from models.campaigns.rules import MEDIA_TYPES
from models.errors import ValidationFailed
from models.tables import MessageTemplate
from views.campaigns.forms import TemplateForm, field_errors
from views.deps import AnyRequest, AppClock, SignedInUser
from views.guards import SignedInPages
from views.i18n import _
from views.message_templates.deps import OWN_TEMPLATE
from views.redirects import success_redirect


async def _preview(form: TemplateForm, owner_id: int) -> Preview:
    sample = int(form.sample) if form.sample.isdigit() else 0
    return await preview(form.body.replace("\r\n", "\n"), owner_id=owner_id, sample=sample)


async def _form(
    form: TemplateForm, template: MessageTemplate | None, errors: dict[str, str], owner_id: int, status: int = 200
) -> Template:
    """The template form draws the campaign's composer: the same preview bubble, counter and formatting."""
    context = {
        "form": form,
        "template": template,
        "errors": errors,
        "media_types": MEDIA_TYPES,
        "preview": await _preview(form, owner_id),
        "preview_route": "template_preview",
    }
    return Template("message_templates/form.html", context=context, status_code=status)


class MessageTemplatePages(SignedInPages):
    path = "/templates"
    dependencies = OWN_TEMPLATE

    @get("/", name="template_list")
    async def list_(self, current_user: SignedInUser) -> Template:
        templates = await message_templates.list_templates(current_user.id)
        return Template("message_templates/list.html", context={"templates": templates})

    @get("/new", name="template_new")
    async def new(self, current_user: SignedInUser, sample: FromQuery[int] = 0) -> Template:
        return await _form(TemplateForm(sample=str(max(sample, 0))), None, {}, current_user.id)

    @post("/preview", name="template_preview")
    async def preview(self, data: URLEncodedBody[TemplateForm], current_user: SignedInUser) -> Template:
        """The composer's preview fragment for a template (no recipients: sample values)."""
        context = {"preview": await _preview(data, current_user.id), "preview_route": "template_preview"}
        return Template("partials/campaigns/preview.html", context=context)

    @post("/", name="template_create")
    async def create(
        self, request: AnyRequest, data: URLEncodedBody[TemplateForm], current_user: SignedInUser, clock: AppClock
    ) -> Template | Redirect:
        try:
            await message_templates.create(data.as_input(), owner_id=current_user.id, now=clock.now())
        except ValidationFailed as invalid:
            return await _form(data, None, field_errors(invalid.errors), current_user.id, status=422)
        return success_redirect(request, _("Template saved."), "template_list")

    @get("/{template_id:int}/edit", name="template_edit")
    async def edit(self, template: NamedDependency[MessageTemplate], current_user: SignedInUser) -> Template:
        return await _form(TemplateForm.of(template), template, {}, current_user.id)

    @post("/{template_id:int}/edit", name="template_update")
    async def update(
        self,
        request: AnyRequest,
        template: NamedDependency[MessageTemplate],
        data: URLEncodedBody[TemplateForm],
        current_user: SignedInUser,
        clock: AppClock,
    ) -> Template | Redirect:
        try:
            await message_templates.update(template.id, data.as_input(), owner_id=current_user.id, now=clock.now())
        except ValidationFailed as invalid:
            return await _form(data, template, field_errors(invalid.errors), current_user.id, status=422)
        return success_redirect(request, _("Template saved."), "template_list")

    @post("/{template_id:int}/delete", name="template_delete")
    async def delete(self, request: AnyRequest, template_id: FromPath[int], current_user: SignedInUser) -> Redirect:
        """Campaigns made from the template keep their own copy of its text."""
        await message_templates.delete(template_id, owner_id=current_user.id)
        return success_redirect(request, _("Template deleted."), "template_list")
