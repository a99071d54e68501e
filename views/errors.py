"""Turn domain and HTTP errors into answers: JSON under /api, pages (or a redirect to log in) elsewhere."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import quote

from litestar import MediaType, Response
from litestar.exceptions import (
    HTTPException,
    NotAuthorizedException,
    NotFoundException,
    PermissionDeniedException,
    ValidationException,
)
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template
from litestar.status_codes import (
    HTTP_400_BAD_REQUEST,
    HTTP_404_NOT_FOUND,
    HTTP_409_CONFLICT,
    HTTP_500_INTERNAL_SERVER_ERROR,
)

from models.errors import (
    DomainError,
    IllegalTransition,
    ImportRejected,
    NotFoundOrNotYours,
    ResourceInUse,
    ValidationFailed,
)
from views.deps import AnyRequest
from views.i18n import _
from views.security import referer_path

logger = logging.getLogger("arauto.errors")


def is_api(request: AnyRequest) -> bool:
    return request.url.path.startswith("/api/") or request.url.path == "/api"


def _json(status: int, detail: str, extra: dict[str, Any] | None = None) -> Response[dict[str, Any]]:
    return Response({"status_code": status, "detail": detail, **(extra or {})}, status_code=status)


def _page(request: AnyRequest, status: int, title: str, detail: str) -> Template:
    """The error page; `title` and `detail` arrive translated and are shown as text (never formatted again)."""
    return Template(
        "errors/error.html",
        context={"status": status, "title": title, "detail": detail},
        status_code=status,
        media_type=MediaType.HTML,
    )


def not_authorized(request: AnyRequest, exc: NotAuthorizedException) -> Response[Any]:
    if is_api(request):
        return _json(401, _(exc.detail), None)
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    response: Response[Any] = Redirect(f"/login?next={quote(target, safe='')}", status_code=303)
    if request.headers.get("hx-request"):
        response = Response(b"", status_code=200, headers={"HX-Redirect": f"/login?next={quote(target, safe='')}"})
    return response


def permission_denied(request: AnyRequest, exc: PermissionDeniedException) -> Response[Any]:
    if is_api(request):
        return _json(403, _(exc.detail))
    return _page(request, 403, _("Not allowed"), _(exc.detail))


def not_found(request: AnyRequest, exc: Exception) -> Response[Any]:
    detail = exc.translated(_) if isinstance(exc, DomainError) else _("Not found")
    if is_api(request):
        return _json(HTTP_404_NOT_FOUND, detail)
    return _page(request, 404, _("Page not found"), detail)


def illegal_transition(request: AnyRequest, exc: IllegalTransition) -> Response[Any]:
    if is_api(request):
        return _json(HTTP_409_CONFLICT, exc.translated(_))
    flash(request, exc.translated(_), category="error")
    return Redirect(referer_path(request, "/campaigns"), status_code=303)


def resource_in_use(request: AnyRequest, exc: ResourceInUse) -> Response[Any]:
    """409 on the API; on pages the refusal is flashed on the list the user came from."""
    if is_api(request):
        return _json(HTTP_409_CONFLICT, exc.translated(_))
    flash(request, exc.translated(_), category="error")
    return Redirect(referer_path(request, "/"), status_code=303)


def validation_failed(request: AnyRequest, exc: ValidationFailed) -> Response[Any]:
    reasons = exc.translated_errors(_)
    errors = [{"field": field, "message": reason} for field, reason in reasons.items()]
    if is_api(request):
        return _json(HTTP_400_BAD_REQUEST, _("Validation failed"), {"errors": errors})
    return _page(request, 400, _("Invalid input"), "; ".join(reasons.values()))


def import_rejected(request: AnyRequest, exc: ImportRejected) -> Response[Any]:
    if is_api(request):
        return _json(HTTP_400_BAD_REQUEST, exc.translated(_))
    return _page(request, 400, _("Import refused"), exc.translated(_))


def litestar_validation(request: AnyRequest, exc: ValidationException) -> Response[Any]:
    extra = exc.extra if isinstance(exc.extra, list) else []
    errors = [{"field": e.get("key", ""), "message": e.get("message", "")} for e in extra if isinstance(e, dict)]
    if is_api(request):
        return _json(HTTP_400_BAD_REQUEST, exc.detail, {"errors": errors})
    return _page(request, 400, _("Invalid input"), exc.detail)


def http_error(request: AnyRequest, exc: HTTPException) -> Response[Any]:
    """Keeps the exception's headers (a 405 carries `Allow`)."""
    response: Response[Any]
    if is_api(request):
        response = _json(exc.status_code, exc.detail)
    elif exc.status_code < 400:
        response = Response(exc.detail, status_code=exc.status_code)
    else:
        response = _page(request, exc.status_code, exc.detail, exc.detail)
    response.headers.update(exc.headers or {})
    return response


def server_error(request: AnyRequest, exc: Exception) -> Response[Any]:
    logger.exception("Unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    if is_api(request):
        return _json(HTTP_500_INTERNAL_SERVER_ERROR, _("Internal server error"))
    return _page(request, 500, _("Something went wrong"), _("The error was logged. Please try again."))


EXCEPTION_HANDLERS: dict[Any, Any] = {
    NotAuthorizedException: not_authorized,
    PermissionDeniedException: permission_denied,
    NotFoundException: not_found,
    NotFoundOrNotYours: not_found,
    IllegalTransition: illegal_transition,
    ResourceInUse: resource_in_use,
    ValidationFailed: validation_failed,
    ImportRejected: import_rejected,
    ValidationException: litestar_validation,
    HTTPException: http_error,
    HTTP_500_INTERNAL_SERVER_ERROR: server_error,
    Exception: server_error,
}
