"""What Evolution tells us: webhook envelopes stored once (`events`), applied as delivery receipts, replies and
connection changes (`receipts`, `replies`), and the opt-outs they and the user record (`optouts`)."""
