"""`/api/users` for admins: list, create (the answer carries the one-time password link), change one user."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import get, patch, post
from litestar.params import FromPath, JSONBody

from models.accounts import admin, password_links
from models.accounts.admin import UserRecord
from models.api_json import camel_json
from settings import Settings
from views.deps import AppClock, AppSettings, SignedInUser
from views.guards import AdminApi
from views.schemas import ADMIN, ADMIN_CHANGE, ADMIN_ONE

UNSET: Any = msgspec.UNSET


class UserInput(msgspec.Struct, rename="camel", forbid_unknown_fields=True):
    """POST needs `email`; PATCH changes only the fields given (`dailyLimit: null` means unlimited)."""

    email: str | msgspec.UnsetType = UNSET
    is_admin: bool | msgspec.UnsetType = UNSET
    active: bool | msgspec.UnsetType = UNSET
    daily_limit: int | msgspec.UnsetType | None = UNSET
    monthly_limit: int | msgspec.UnsetType | None = UNSET
    locale: str | msgspec.UnsetType | None = UNSET  # null: the browser's language
    timezone: str | msgspec.UnsetType = UNSET

    def given(self) -> dict[str, Any]:
        fields = ("is_admin", "active", *admin.PROFILE)
        return {name: getattr(self, name) for name in fields if getattr(self, name) is not UNSET}


def user_json(user: UserRecord) -> dict[str, Any]:
    """The record in camelCase; an empty locale (the browser's language) is null."""
    return camel_json(user, locale=user.locale or None)


def link_url(settings: Settings, token: str) -> str:
    return settings.base_url.rstrip("/") + f"/set-password/{token}"


class UsersApi(AdminApi):
    path = "/api/users"
    tags = ["users"]

    @get("/", name="api_user_list", raises=ADMIN)
    async def list_(self) -> list[dict[str, Any]]:
        return [user_json(user) for user in await admin.list_users()]

    @get("/{user_id:int}", name="api_user_detail", raises=ADMIN_ONE)
    async def detail(self, user_id: FromPath[int]) -> dict[str, Any]:
        return user_json(await admin.get_record(user_id))

    @post("/", name="api_user_create", raises=ADMIN_CHANGE, status_code=201)
    async def create(self, data: JSONBody[UserInput], settings: AppSettings, clock: AppClock) -> dict[str, Any]:
        """The link is in this answer only (it is stored hashed); hand it to the new user."""
        profile = data.given()
        is_admin = bool(profile.pop("is_admin", False))
        profile.pop("active", None)
        email = data.email if isinstance(data.email, str) else ""
        user, token = await password_links.invite_user(email, profile, admin=is_admin, now=clock.now())
        return {**user_json(user), "passwordLink": link_url(settings, token)}

    @patch("/{user_id:int}", name="api_user_update", raises=ADMIN_CHANGE)
    async def update(
        self, user_id: FromPath[int], data: JSONBody[UserInput], current_user: SignedInUser, clock: AppClock
    ) -> dict[str, Any]:
        user = await admin.update_user(
            user_id,
            data.given(),
            acting_admin_id=current_user.id,
            acting_admin_email=current_user.email,
            now=clock.now(),
        )
        return user_json(user)
