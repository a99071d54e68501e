"""Registers the shared fixtures (database, app and client, sandbox) for every test folder."""

pytest_plugins = ["tests.fixtures.database", "tests.fixtures.web", "tests.fixtures.sandbox"]
