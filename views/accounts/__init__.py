"""Accounts: log in/out and the setup link (`auth`), the account page with API tokens (`pages`), `/api/whoami`
(`api`), user administration (`users_pages`, `users_api`), usage and cost
(`usage`)."""

from views.accounts.alerts import AlertPages
from views.accounts.api import AccountApi
from views.accounts.auth import AuthPages
from views.accounts.pages import AccountPages
from views.accounts.usage import UsageApi, UsagePages
from views.accounts.users_api import UsersApi
from views.accounts.users_pages import PasswordLinkPages, UserPages

CONTROLLERS = [
    AuthPages,
    AccountPages,
    AccountApi,
    UserPages,
    PasswordLinkPages,
    UsersApi,
    UsagePages,
    UsageApi,
    AlertPages,
]

__all__ = ["CONTROLLERS"]
