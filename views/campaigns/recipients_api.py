"""JSON API for a campaign's recipients: import a CSV (body or multipart `file`) and list them."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated, Any

import anyio
from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, QueryParameter
from litestar.status_codes import HTTP_201_CREATED

from models.accounts.users import CurrentUser
from models.errors import ValidationFailed
from models.recipients import MAX_LIMIT, ImportOptions, import_csv, list_recipients
from scheduler.clock import Clock
from settings import BASE_DIR, Settings
from views.bounds import INT_MAX
from views.guards import SignedInApi
from views.schemas import CHANGE, ONE, listing_json
from views.uploads import UploadLimitMiddleware, spool_csv


class RecipientsApi(SignedInApi):
    path = "/api/campaigns/{campaign_id:int}/recipients"
    tags = ["recipients"]

    @post(
        "/",
        name="api_recipients_import",
        raises=CHANGE,
        status_code=HTTP_201_CREATED,
        request_max_body_size=None,  # the limit is settings.max_upload_bytes, enforced by the middleware
        middleware=[UploadLimitMiddleware],
    )
    async def import_(
        self,
        request: Request[Any, Any, Any],
        campaign_id: FromPath[int],
        current_user: NamedDependency[CurrentUser],
        settings: NamedDependency[Settings],
        clock: NamedDependency[Clock],
        has_header: Annotated[str | None, QueryParameter(name="hasHeader")] = None,
        phone_column: Annotated[str | None, QueryParameter(name="phoneColumn")] = None,
        variable_columns: Annotated[str | None, QueryParameter(name="variableColumns")] = None,
        default_region: Annotated[str | None, QueryParameter(name="defaultRegion")] = None,
    ) -> dict[str, Any]:
        """Import a CSV into the campaign; the answer is the import report (what went in, what was left out)."""
        options = ImportOptions(
            has_header=_boolean(has_header, "hasHeader"),
            phone_column=phone_column or None,
            variable_columns=variable_columns.split(",") if variable_columns is not None else None,
            default_region=default_region or None,
        )
        spool_dir = BASE_DIR / "var" / "uploads"
        await anyio.Path(spool_dir).mkdir(parents=True, exist_ok=True)
        path = Path(tempfile.mktemp(suffix=".csv", dir=spool_dir))  # noqa: S306 (opened exclusively by spool_csv)
        try:
            await spool_csv(request, path)
            report = await import_csv(
                campaign_id, path, options, owner_id=current_user.id, settings=settings, now=clock.now()
            )
        finally:
            await anyio.Path(path).unlink(missing_ok=True)
        return report.as_json()

    @get("/", name="api_recipients_list", raises=ONE)
    async def list_(
        self,
        campaign_id: FromPath[int],
        current_user: NamedDependency[CurrentUser],
        status: Annotated[str | None, QueryParameter(name="status")] = None,
        search: Annotated[str, QueryParameter(name="search")] = "",
        limit: Annotated[int, QueryParameter(name="limit", ge=1, le=MAX_LIMIT)] = 50,
        offset: Annotated[int, QueryParameter(name="offset", ge=0, le=INT_MAX)] = 0,
    ) -> dict[str, Any]:
        """One page of recipients with their delivery state, and how many match in all."""
        page = await list_recipients(
            campaign_id, owner_id=current_user.id, status=status, search=search, limit=limit, offset=offset
        )
        return listing_json([item.as_json() for item in page.items], page.total, limit=limit, offset=offset)


def _boolean(raw: str | None, field: str) -> bool | None:
    """`hasHeader`: true/false (1/0, yes/no); absent or `auto` lets the import guess."""
    if raw is None or raw.strip().lower() in ("", "auto"):
        return None
    value = raw.strip().lower()
    if value in ("true", "1", "yes"):
        return True
    if value in ("false", "0", "no"):
        return False
    raise ValidationFailed({field: "must be true, false or auto"})
