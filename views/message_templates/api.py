"""JSON API for message templates."""

from __future__ import annotations

from typing import Any

from litestar import delete, get, post, put
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody

from models import message_templates
from models.message_templates import TemplateInput
from models.tables import MessageTemplate
from views.deps import AppClock, SignedInUser
from views.guards import SignedInApi
from views.message_templates.deps import OWN_TEMPLATE
from views.schemas import CHANGE, INPUT, ONE, SIGNED_IN, TemplateWrite, listing_json, template_json


def _input(data: TemplateWrite) -> TemplateInput:
    return TemplateInput(name=data.name, body=data.body, media_url=data.media_url, media_type=data.media_type)


class TemplateApi(SignedInApi):
    path = "/api/templates"
    dependencies = OWN_TEMPLATE
    tags = ["templates"]

    @get("/", name="api_template_list", raises=SIGNED_IN)
    async def list_(self, current_user: SignedInUser) -> dict[str, Any]:
        items = await message_templates.list_templates(current_user.id)
        return listing_json([template_json(t) for t in items], len(items))

    @post("/", name="api_template_create", raises=INPUT, status_code=201)
    async def create(
        self, data: JSONBody[TemplateWrite], current_user: SignedInUser, clock: AppClock
    ) -> dict[str, Any]:
        template = await message_templates.create(_input(data), owner_id=current_user.id, now=clock.now())
        return template_json(template)

    @get("/{template_id:int}", name="api_template_detail", raises=ONE)
    async def detail(self, template: NamedDependency[MessageTemplate]) -> dict[str, Any]:
        return template_json(template)

    @put("/{template_id:int}", name="api_template_update", raises=ONE)
    async def update(
        self, template_id: FromPath[int], data: JSONBody[TemplateWrite], current_user: SignedInUser, clock: AppClock
    ) -> dict[str, Any]:
        """A full replacement: name and body are required as on creation."""
        template = await message_templates.update(template_id, _input(data), owner_id=current_user.id, now=clock.now())
        return template_json(template)

    @delete("/{template_id:int}", name="api_template_delete", raises=CHANGE, status_code=204)
    async def delete(self, template_id: FromPath[int], current_user: SignedInUser) -> None:
        await message_templates.delete(template_id, owner_id=current_user.id)
