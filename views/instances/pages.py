"""Instance pages: list, add, edit, delete, "check now" (HTMX state fragment) and the server's instance list."""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass
from typing import Any

from litestar import get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, URLEncodedBody
from litestar.plugins.flash import flash
from litestar.plugins.htmx import HTMXRequest
from litestar.response import Redirect, Template

from models.errors import ValidationFailed
from models.instances import records as instances
from models.instances.address import NumberAddress
from scheduler import instance_setup
from scheduler.evolution import EvolutionClient
from views.deps import AppSettings, SignedInUser
from views.guards import SignedInPages
from views.i18n import _
from views.instances.deps import OWN_INSTANCES, OwnInstances
from views.redirects import success_redirect

logger = logging.getLogger("arauto.instances")


@dataclass
class AddressFields:
    """Where the number lives: its Evolution server, the server's API key and the instance's name there. The key is
    a secret: the form never renders it back."""

    server_url: str = ""
    api_key: str = ""
    instance_name: str = ""

    def shown(self) -> dict[str, str]:
        """What the form may render back: everything but the API key."""
        return {key: value for key, value in asdict(self).items() if key != "api_key"}


@dataclass
class InstanceForm(AddressFields):
    """The add/edit form; field names are stable (browser tests fill them)."""

    name: str = ""
    rate_per_minute: str = str(instances.DEFAULT_RATE_PER_MINUTE)
    jitter_percent: str = str(instances.DEFAULT_JITTER_PERCENT)
    daily_cap: str = str(instances.DEFAULT_DAILY_CAP)
    cost_per_message: str = "0"
    warmup: str = ""  # the checkbox: "on" when ticked
    warmup_started_at: str = ""


def _form(
    values: dict[str, Any],
    *,
    instance: Any = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
    remote: list[Any] | None = None,
    remote_error: str = "",
) -> Template:
    """The add/edit page; `values` never holds the API key."""
    context = {"values": values, "instance": instance, "errors": errors or {}, "remote": remote}
    context["remote_error"] = remote_error
    return Template("instances/form.html", context=context, status_code=status)


class InstancePages(SignedInPages):
    path = "/instances"
    dependencies = OWN_INSTANCES

    @get("/", name="instance_list")
    async def list_(self, own_instances: NamedDependency[OwnInstances]) -> Template:
        return Template("instances/list.html", context={"instances": await own_instances.all()})

    @get("/new", name="instance_new")
    async def new(self) -> Template:
        return _form(InstanceForm().shown())

    @post("/", name="instance_create")
    async def create(
        self, request: HTMXRequest, data: URLEncodedBody[InstanceForm], own_instances: NamedDependency[OwnInstances]
    ) -> Template | Redirect:
        """Refused (422, input kept but the key) for a bad key, name or address; saved with a warning if unreachable."""
        return await _save(request, data, own_instances, None, _("Instance added."))

    @get("/{instance_id:int}/edit", name="instance_edit")
    async def edit(self, instance_id: FromPath[int], own_instances: NamedDependency[OwnInstances]) -> Template:
        view = await own_instances.view(instance_id)
        values = {field: str(getattr(view, field)) for field in InstanceForm().shown()}
        values["warmup"] = "on" if view.warmup else ""
        values["warmup_started_at"] = view.warmup_started_at.isoformat() if view.warmup_started_at else ""
        return _form(values, instance=view)

    @post("/{instance_id:int}", name="instance_update")
    async def update(
        self,
        request: HTMXRequest,
        instance_id: FromPath[int],
        data: URLEncodedBody[InstanceForm],
        own_instances: NamedDependency[OwnInstances],
    ) -> Template | Redirect:
        """An empty API key keeps the stored one."""
        return await _save(request, data, own_instances, instance_id, _("Instance saved."))

    @post("/remote", name="instance_remote_list")
    async def remote(
        self,
        request: HTMXRequest,
        data: URLEncodedBody[InstanceForm],
        evolution: NamedDependency[EvolutionClient],
        settings: AppSettings,
    ) -> Template:
        """The server's instances to pick from, once URL and key are typed: a fragment for htmx, else the form.
        Whatever went wrong with the server, the page gets one message (the detail goes to the log): different
        messages for refused, dropped or 404 connections would turn this form into a port scanner."""
        url, url_error = instances.clean_server_url(data.server_url)
        reason, remote = url_error or instance_setup.host_refusal(url, settings.evolution_host_list) or "", None
        if not reason and not data.api_key.strip():
            reason = _("Enter the server address and the API key first.")
        if not reason:
            result = await evolution.fetch_instances(NumberAddress(url, data.api_key.strip(), ""))
            if isinstance(result, tuple):
                remote = list(result)
            else:
                logger.info("loading instances from %s failed: %s", url, instance_setup.describe(result, url, "")[1])
                reason = _("Could not load the instances from this server. Check the address and the API key.")
        if request.htmx:
            context = {"remote": remote, "remote_error": reason}
            return Template("partials/instances/remote_choices.html", context=context)
        return _form(data.shown(), remote=remote, remote_error=reason)

    @post("/{instance_id:int}/check", name="instance_check")
    async def check(
        self, request: HTMXRequest, instance_id: FromPath[int], own_instances: NamedDependency[OwnInstances]
    ) -> Template | Redirect:
        """Refresh the connection state through Evolution; htmx swaps the state fragment."""
        warning = await own_instances.check(instance_id)
        if request.htmx:
            view = await own_instances.view(instance_id)
            return Template("partials/instances/state.html", context={"instance": view, "warning": warning})
        _flash_outcome(request, warning, _("Connection state refreshed."))
        return Redirect(request.app.route_reverse("instance_list"), status_code=303)

    @get("/{instance_id:int}/delete", name="instance_delete_confirm")
    async def confirm_delete(
        self, instance_id: FromPath[int], own_instances: NamedDependency[OwnInstances]
    ) -> Template:
        view = await own_instances.view(instance_id)
        in_use = await instances.campaigns_using(instance_id)
        return Template("instances/delete.html", context={"instance": view, "in_use": in_use})

    @post("/{instance_id:int}/delete", name="instance_delete")
    async def delete(self, request: HTMXRequest, instance_id: FromPath[int], current_user: SignedInUser) -> Redirect:
        """Refused (flash on the list) while an unfinished campaign uses the instance."""
        await instances.delete_instance(instance_id, current_user.id)
        return success_redirect(request, _("Instance deleted."), "instance_list")


async def _save(
    request: HTMXRequest, data: InstanceForm, own: OwnInstances, instance_id: int | None, done: str
) -> Template | Redirect:
    """Create and update alike: the form again with 422 and the fields' errors, or a flash and the list."""
    try:
        saved = await own.save(asdict(data), instance_id)
    except ValidationFailed as exc:
        view = await own.view(instance_id) if instance_id is not None else None
        return _form(data.shown(), instance=view, errors=exc.errors, status=422)
    _flash_outcome(request, saved.warning, done)
    return Redirect(request.app.route_reverse("instance_list"), status_code=303)


def _flash_outcome(request: HTMXRequest, warning: str, success: str) -> None:
    if warning:
        flash(request, warning, category="warning")
    else:
        flash(request, success, category="success")
