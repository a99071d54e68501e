"""create_app(settings): the one place that wires routes, templates, static files, database and scheduler."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from typing import Any

from litestar import Litestar
from litestar.datastructures import State
from litestar.di import Provide
from litestar.plugins.flash import FlashConfig, FlashPlugin
from litestar.plugins.htmx import HTMXPlugin
from litestar.static_files import create_static_files_router
from litestar.template.config import TemplateConfig

from models.accounts.users import CurrentUser, issue_setup_token
from models.db import use_engine
from models.engines import close_pool, engine_from_url, open_pool
from models.sending.pacing import configure as configure_pacing
from scheduler.clock import Clock, SystemClock
from settings import BASE_DIR, Settings, load_settings
from views import route_handlers
from views.bounds import bound_integers
from views.campaigns.detail import live_refreshes
from views.csrf import csrf_middleware
from views.deps import provide_clock, provide_current_user, provide_evolution, provide_settings
from views.errors import EXCEPTION_HANDLERS
from views.headers import openapi_config, security_headers
from views.locale import LocaleMiddleware
from views.logs import logging_config
from views.metrics import MetricsEndpoint, timing_middleware
from views.openapi import refine_openapi
from views.security import authentication_middleware, csrf_config, session_config
from views.templating import configure_jinja

logger = logging.getLogger("arauto")
Lifespan = Callable[[Litestar], AbstractAsyncContextManager[None]]


def db_lifespan(settings: Settings) -> Lifespan:
    """Bind the tables to the configured engine; on PostgreSQL open (and close) a connection pool."""

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        engine = engine_from_url(settings.database_url)
        use_engine(engine)
        await open_pool(engine)
        try:
            await announce_setup_link(settings, app.state.clock)
            yield
        finally:
            await close_pool(engine)

    return lifespan


def evolution_lifespan(settings: Settings) -> Lifespan:
    """One pooled Evolution client for the app's lifetime (`app.state.evolution`): pages, API and sender share it."""

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        from scheduler.evolution import EvolutionClient

        # Room for the sender's concurrent sends (Dispatcher.concurrency, 20) plus pages' test sends and checks.
        async with EvolutionClient(read_timeout=settings.evolution_timeout_seconds, max_connections=40) as client:
            app.state.evolution = client
            yield

    return lifespan


def import_pool_lifespan(settings: Settings) -> Lifespan:
    """The recipients import's process pool for the app's lifetime (workers start on the first large import)."""

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        from models.recipients import close_import_pool, open_import_pool

        pool = open_import_pool(settings.import_workers)
        try:
            yield
        finally:
            close_import_pool(pool)

    return lifespan


async def announce_setup_link(settings: Settings, clock: Clock) -> None:
    """With no user yet, print the one-time link that creates the first account (there is no default password)."""
    token = await issue_setup_token(now=clock.now())
    if token:
        link = f"{settings.base_url.rstrip('/')}/setup/{token}"
        print(f"\n  No user exists yet. Create the first account here (one-time link):\n\n    {link}\n", flush=True)


def first_user_hook(settings: Settings) -> Callable[[CurrentUser, State], Any]:
    """After setup: give the first user a sandbox instance when `make run` started one, checked and with
    Arauto's webhook registered (so receipts flow back), exactly as if it had been added through the form."""

    async def on_first_user(user: CurrentUser, state: State) -> None:
        if settings.sandbox_url:
            from models.instances.records import create_sandbox_instance
            from scheduler.instance_setup import check_instance

            instance_id = await create_sandbox_instance(user.id, settings.sandbox_url)
            await check_instance(
                state.evolution, instance_id, user.id, base_url=settings.base_url, now=state.clock.now()
            )

    return on_first_user


def create_app(
    settings: Settings | None = None,
    *,
    clock: Clock | None = None,
    extra_lifespans: list[Lifespan] | None = None,
) -> Litestar:
    settings = settings or load_settings()
    configure_pacing(settings.pacing)
    template_config = TemplateConfig(
        directory=BASE_DIR / "templates", engine=_jinja_engine(), engine_callback=configure_jinja(settings)
    )
    session = session_config(settings)
    lifespans: list[Lifespan] = [
        db_lifespan(settings),
        evolution_lifespan(settings),
        import_pool_lifespan(settings),
        live_refreshes,
    ]
    if settings.scheduler_enabled:
        from scheduler.lifespan import scheduler_lifespan

        lifespans.append(scheduler_lifespan(settings))
    lifespans.extend(extra_lifespans or [])
    return Litestar(
        route_handlers=[
            *route_handlers(),
            MetricsEndpoint,
            create_static_files_router(path="/static", directories=[Path(BASE_DIR / "static")], name="static"),
        ],
        template_config=template_config,
        plugins=[HTMXPlugin(), FlashPlugin(config=FlashConfig(template_config=template_config))],
        # The locale is chosen before authentication (its errors speak the browser's language) and again after it.
        middleware=[
            timing_middleware,
            session.middleware,
            LocaleMiddleware(),
            authentication_middleware(),
            LocaleMiddleware(),
            csrf_middleware(csrf_config(settings)),
        ],
        logging_config=logging_config(settings),
        exception_handlers=EXCEPTION_HANDLERS,
        before_send=[security_headers(https=settings.base_url.startswith("https://"))],
        openapi_config=openapi_config(),
        before_request=bound_integers,
        on_startup=[refine_openapi],
        lifespan=lifespans,
        state=State(
            {"settings": settings, "clock": clock or SystemClock(), "on_first_user": first_user_hook(settings)}
        ),
        dependencies={
            "settings": Provide(provide_settings),
            "clock": Provide(provide_clock),
            "current_user": Provide(provide_current_user),
            "evolution": Provide(provide_evolution),
        },
        debug=settings.debug,
    )


def _jinja_engine() -> type:
    from litestar.plugins.jinja import JinjaTemplateEngine

    return JinjaTemplateEngine
