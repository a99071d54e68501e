"""The dependency that loads "the user's own message template" (404 when missing or not yours)."""

from __future__ import annotations

from litestar.di import Provide
from litestar.params import FromPath

from models import message_templates
from models.tables import MessageTemplate
from views.deps import SignedInUser


async def provide_own_template(template_id: FromPath[int], current_user: SignedInUser) -> MessageTemplate:
    return await message_templates.get(template_id, owner_id=current_user.id)


OWN_TEMPLATE = {"template": Provide(provide_own_template)}
"""A template controller's `dependencies`: handlers ask for `template: NamedDependency[MessageTemplate]`."""
