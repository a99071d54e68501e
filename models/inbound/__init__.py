"""What Evolution tells us: webhook envelopes stored once (`events`), applied as delivery receipts, replies and
connection changes (`receipts`, `replies`; state changes go to models/instances/connection.py), retried when they
failed (`backlog`), and the opt-outs they and the user record (`optouts`).

`OPTED_OUT` lives here, free of imports, so the recipients import and the claimer can share it without a cycle."""

OPTED_OUT = "Opted out"  # the error of every message (and import row) skipped because its number opted out

__all__ = ["OPTED_OUT"]
