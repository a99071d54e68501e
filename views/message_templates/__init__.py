"""Message templates: the pages (`pages`) and `/api/templates` (`api`)."""

from views.message_templates.api import TemplateApi
from views.message_templates.pages import MessageTemplatePages

CONTROLLERS = [MessageTemplatePages, TemplateApi]

__all__ = ["CONTROLLERS"]
