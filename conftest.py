"""Registers the shared fixtures (the sandbox Evolution server) for every test folder."""

pytest_plugins = ["tests.fixtures.sandbox"]
