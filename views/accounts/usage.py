"""Usage and cost: `GET /api/usage`, the usage page with its chart, and the CSV and XLSX exports (one model call
each)."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import get
from litestar.di import NamedDependency, Provide
from litestar.params import QueryParameter
from litestar.response import Response, Template

from models.accounts.usage import GroupBy, Usage, UsageRow, parse_group, parse_period, usage
from models.accounts.usage_report import usage_csv, usage_svg, usage_xlsx
from models.api_json import camel_json
from models.money import money_text
from models.spreadsheet import sheet_locale
from models.timezones import in_zone
from views.campaigns.reports import XLSX_TYPE
from views.deps import AppClock, AppSettings, SignedInUser
from views.guards import SignedInApi, SignedInPages
from views.i18n import _, current_locale
from views.schemas import INPUT

From = Annotated[str, QueryParameter(name="from")]
To = Annotated[str, QueryParameter(name="to")]
Group = Annotated[str, QueryParameter(name="groupBy")]


async def provide_usage(
    current_user: SignedInUser, clock: AppClock, start: From = "", end: To = "", group_by: Group = "day"
) -> Usage:
    """The caller's usage for `from`, `to`, `groupBy`; an admin grouping by user sees every user's totals."""
    first, last = parse_period(start, end, today=in_zone(clock.now(), current_user.timezone).date())
    group = parse_group(group_by, is_admin=current_user.is_admin)
    owner = None if group is GroupBy.USER else current_user.id
    return await usage(owner_id=owner, first=first, last=last, group=group, timezone=current_user.timezone)


USAGE = {"usage_result": Provide(provide_usage)}


def _row_json(row: UsageRow, currency: str) -> dict[str, Any]:
    """The row in camelCase; its cost as a decimal string, in `currency`."""
    return camel_json(row, cost=money_text(row.cost), currency=currency)


class UsageApi(SignedInApi):
    path = "/api/usage"
    tags = ["usage"]
    dependencies = USAGE

    @get("/", name="api_usage", raises=INPUT)
    async def usage(self, usage_result: NamedDependency[Usage], settings: AppSettings) -> dict[str, Any]:
        """Messages sent, delivered and failed, and their cost (a decimal string) per day, instance or campaign."""
        result = usage_result
        return {
            "from": result.start.isoformat(),
            "to": result.end.isoformat(),
            "groupBy": result.group_by.value,
            "currency": settings.currency,
            "rows": [_row_json(row, settings.currency) for row in result.rows],
            "total": _row_json(result.total, settings.currency),
        }


class UsagePages(SignedInPages):
    path = "/usage"
    dependencies = USAGE

    @get("/", name="usage")
    async def page(self, usage_result: NamedDependency[Usage], settings: AppSettings) -> Template:
        result = usage_result
        chart = usage_svg(
            result,
            title=_("Messages and cost"),
            desc=_("Messages sent (green) and failed (red) per group, with their cost."),
            currency=settings.currency,
        )
        context = {"usage": result, "chart": chart, "currency": settings.currency, "money": money_text}
        return Template("accounts/usage.html", context=context)

    @get("/export.csv", name="usage_export")
    async def export(self, usage_result: NamedDependency[Usage], settings: AppSettings) -> Response[str]:
        """UTF-8 with BOM so Excel reads accents; cells neutralised by models/spreadsheet.py."""
        return Response(
            usage_csv(usage_result, headers=export_headers(), currency=settings.currency, total_label=_("Total")),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{export_name(usage_result, "csv")}"'},
        )

    @get("/export.xlsx", name="usage_export_xlsx")
    async def export_workbook(self, usage_result: NamedDependency[Usage], settings: AppSettings) -> Response[bytes]:
        """The same table as a workbook: counts as numbers, cost as an exact decimal cell."""
        body = await usage_xlsx(
            usage_result,
            headers=export_headers(),
            currency=settings.currency,
            sheet=sheet_locale(current_locale()),
            title=_("Usage"),
            total_label=_("Total"),
        )
        return Response(
            body,
            media_type=XLSX_TYPE,
            headers={"Content-Disposition": f'attachment; filename="{export_name(usage_result, "xlsx")}"'},
        )


def export_headers() -> list[str]:
    return [_("Group"), _("Sent"), _("Delivered"), _("Failed"), _("Cost"), _("Currency")]


def export_name(result: Usage, extension: str) -> str:
    return f"usage-{result.start.isoformat()}-{result.end.isoformat()}-{result.group_by.value}.{extension}"
