"""Message template pages: list, new, edit, delete (every form works without JavaScript)."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, URLEncodedBody
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template

from models import message_templates
from models.accounts.users import CurrentUser
from models.campaigns.rules import MEDIA_TYPES
from models.errors import ValidationFailed
from models.tables import MessageTemplate
from scheduler.clock import Clock
from views.campaigns.forms import TemplateForm, field_errors
from views.guards import SignedInPages
from views.i18n import _
from views.message_templates.deps import OWN_TEMPLATE

AnyRequest = Request[Any, Any, Any]


def _form(form: TemplateForm, template: MessageTemplate | None, errors: dict[str, str], status: int = 200) -> Template:
    context = {"form": form, "template": template, "errors": errors, "media_types": MEDIA_TYPES}
    return Template("message_templates/form.html", context=context, status_code=status)


class MessageTemplatePages(SignedInPages):
    path = "/templates"
    dependencies = OWN_TEMPLATE

    @get("/", name="template_list")
    async def list_(self, current_user: NamedDependency[CurrentUser]) -> Template:
        templates = await message_templates.list_templates(current_user.id)
        return Template("message_templates/list.html", context={"templates": templates})

    @get("/new", name="template_new")
    async def new(self) -> Template:
        return _form(TemplateForm(), None, {})

    @post("/", name="template_create")
    async def create(
        self,
        request: AnyRequest,
        data: URLEncodedBody[TemplateForm],
        current_user: NamedDependency[CurrentUser],
        clock: NamedDependency[Clock],
    ) -> Template | Redirect:
        try:
            await message_templates.create(data.as_input(), owner_id=current_user.id, now=clock.now())
        except ValidationFailed as invalid:
            return _form(data, None, field_errors(invalid.errors), status=422)
        flash(request, _("Template saved."), category="success")
        return Redirect(request.app.route_reverse("template_list"), status_code=303)

    @get("/{template_id:int}/edit", name="template_edit")
    async def edit(self, template: NamedDependency[MessageTemplate]) -> Template:
        return _form(TemplateForm.of(template), template, {})

    @post("/{template_id:int}/edit", name="template_update")
    async def update(
        self,
        request: AnyRequest,
        template: NamedDependency[MessageTemplate],
        data: URLEncodedBody[TemplateForm],
        current_user: NamedDependency[CurrentUser],
        clock: NamedDependency[Clock],
    ) -> Template | Redirect:
        try:
            await message_templates.update(template.id, data.as_input(), owner_id=current_user.id, now=clock.now())
        except ValidationFailed as invalid:
            return _form(data, template, field_errors(invalid.errors), status=422)
        flash(request, _("Template saved."), category="success")
        return Redirect(request.app.route_reverse("template_list"), status_code=303)

    @post("/{template_id:int}/delete", name="template_delete")
    async def delete(
        self, request: AnyRequest, template_id: FromPath[int], current_user: NamedDependency[CurrentUser]
    ) -> Redirect:
        """Campaigns made from the template keep their own copy of its text."""
        await message_templates.delete(template_id, owner_id=current_user.id)
        flash(request, _("Template deleted."), category="success")
        return Redirect(request.app.route_reverse("template_list"), status_code=303)
