"""Password strength, judged by zxcvbn (Dropbox's estimator, pinned) rather than by home-made rules.

zxcvbn's matching grows quickly with length (a random 72-character password takes about 0.3 s), so only the first
`CHECKED_LENGTH` characters are judged: a password is never stronger than it would be without its tail, and the
check stays near 10 ms. Callers run it off the event loop.
"""

from __future__ import annotations

import threading

from zxcvbn import zxcvbn

from models.errors import N_, Message

MIN_LENGTH = 8
MIN_SCORE = 3  # zxcvbn: 3 = "safely unguessable: moderate protection from offline slow-hash attacks"
CHECKED_LENGTH = 32
TOO_SHORT = N_("Use at least 8 characters.")
TOO_WEAK = N_("This password is too easy to guess. Add a few uncommon words, or make it longer and less predictable.")
_ZXCVBN_LOCK = threading.Lock()  # zxcvbn keeps the user inputs in a module-level dict while it runs


def password_problem(password: str, *, max_length: int, user_inputs: tuple[str, ...] = ()) -> str | None:
    """What is wrong with `password` (a message for the user), or None when it is acceptable."""
    if len(password) < MIN_LENGTH:
        return TOO_SHORT
    if len(password) > max_length:
        return Message(N_("Use at most %(limit)s characters."), limit=max_length)
    inputs = [value[:CHECKED_LENGTH] for value in user_inputs]
    with _ZXCVBN_LOCK:
        score = zxcvbn(password[:CHECKED_LENGTH], user_inputs=inputs)["score"]
    return TOO_WEAK if score < MIN_SCORE else None
