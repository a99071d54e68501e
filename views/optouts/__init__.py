"""Opt-outs: the page (`pages`), `/api/opt-outs` (`api`), and importing them from a file (`opt_out_import`)."""

from views.optouts.api import OptOutApi
from views.optouts.opt_out_import import OptOutImportApi, OptOutImportPages
from views.optouts.pages import OptOutPages

CONTROLLERS = [OptOutPages, OptOutImportPages, OptOutApi, OptOutImportApi]

__all__ = ["CONTROLLERS"]
