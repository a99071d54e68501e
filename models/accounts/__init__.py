"""Accounts: users, API tokens, the one-time setup link and the login throttle (`users`)."""
