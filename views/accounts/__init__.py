"""Accounts: log in/out and the setup link (`auth`), the account page with API tokens (`pages`), `/api/whoami`
(`api`)."""

from views.accounts.api import AccountApi
from views.accounts.auth import AuthPages
from views.accounts.pages import AccountPages

CONTROLLERS = [AuthPages, AccountPages, AccountApi]

__all__ = ["CONTROLLERS"]
