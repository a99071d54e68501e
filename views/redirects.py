"""The answer to a page form that worked: a success flash for the next page, then 303 See Other to it."""

from __future__ import annotations

from typing import Any

from litestar.plugins.flash import flash
from litestar.response import Redirect

from views.deps import AnyRequest


def success_redirect(request: AnyRequest, message: str, route: str, **path_params: Any) -> Redirect:
    """Post/Redirect/Get to the named `route`: `message` (already translated) shows once there."""
    flash(request, message, category="success")
    return Redirect(request.app.route_reverse(route, **path_params), status_code=303)
