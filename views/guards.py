"""Guards: who may reach a route."""

from __future__ import annotations

from typing import Any

from litestar import Controller
from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler

from views.i18n import N_


def requires_login(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    if connection.scope.get("user") is None:
        raise NotAuthorizedException(N_("Sign in to continue."))


def requires_admin(connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler) -> None:
    requires_login(connection, handler)
    if not connection.user.is_admin:
        raise PermissionDeniedException(N_("Only administrators can do this."))


class SignedInPages(Controller):
    """The base of every page controller: behind login, and left out of the OpenAPI schema (HTML, not API)."""

    guards = [requires_login]
    include_in_schema = False


class SignedInApi(Controller):
    """The base of every JSON API controller: behind login (a Bearer token, or the session for safe methods)."""

    guards = [requires_login]


class AdminPages(Controller):
    """The base of the administrators' page controllers (users and their links), out of the OpenAPI schema."""

    guards = [requires_admin]
    include_in_schema = False


class AdminApi(Controller):
    """The base of the administrators' JSON API controllers."""

    guards = [requires_admin]
