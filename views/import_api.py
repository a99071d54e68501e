"""The import endpoint of the JSON API, one implementation for every target, as views/import_wizard.py is for the pages.

`POST` a CSV (`text/csv`), an XLSX (its media type) or a multipart `file`, the mapping in the query
(`hasHeader, phoneColumn, variableColumns, defaultRegion, sheet`); the answer, 201, is the import report (what went
in, and every row left out with its number and reason). A target controller subclasses `ImportApi` with the route's
name and what it may answer as class keywords, its `path` and `tags`, and the `target` dependency its wizard pages
use (an `ImportTarget`: the import itself and what it imports into). A target that offers add or replace provides an
`import_mode` dependency (from its own query parameter); the others add.
"""

from __future__ import annotations

from typing import Any, ClassVar

from litestar.di import NamedDependency
from litestar.exceptions import ClientException
from litestar.handlers import HTTPRouteHandler
from litestar.handlers.base import BaseRouteHandler

from models.recipients import ImportOptions
from views.deps import AnyRequest
from views.guards import SignedInApi
from views.i18n import _
from views.import_wizard import ImportTarget
from views.schemas import INPUT
from views.uploads import import_route, spooled_upload

ADD = ""  # the target's default mode (a campaign and the opt-outs only add)


class ImportApi(SignedInApi):
    """`class RecipientsApi(ImportApi, name="api_recipients_import", raises=CHANGE)`: the import at the
    controller's own path, named and documented for its target."""

    route_name: ClassVar[str]
    answers: ClassVar[list[type[ClientException]]]

    def __init_subclass__(cls, *, name: str, raises: list[type[ClientException]], **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.route_name, cls.answers = name, raises

    def get_route_handlers(self) -> list[BaseRouteHandler]:
        handlers = super().get_route_handlers()
        for handler in handlers:
            if isinstance(handler, HTTPRouteHandler) and handler.name == "import":
                handler.name, handler.raises = self.route_name, self.answers
        return handlers

    @import_route("/", name="import", raises=INPUT)
    async def import_(
        self,
        request: AnyRequest,
        target: NamedDependency[ImportTarget],
        import_options: NamedDependency[ImportOptions],
        import_mode: NamedDependency[str] = ADD,
    ) -> dict[str, Any]:
        async with spooled_upload(request) as path:
            report = await target.run(path, import_options, import_mode)
        return report.as_json(_)
