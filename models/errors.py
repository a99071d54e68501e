"""Domain errors: each carries a message fit to show the user; views map them to HTTP answers."""

from __future__ import annotations


class DomainError(Exception):
    """Base of every rule violation the user can be told about."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFoundOrNotYours(DomainError):
    """The row does not exist, or belongs to another user: both answer 404."""


class IllegalTransition(DomainError):
    """The campaign's current status does not allow the action (409)."""


class ValidationFailed(DomainError):
    """Bad input; `errors` maps a field name to its reason (400/422)."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{field}: {reason}" for field, reason in errors.items()))
        self.errors = errors


class ImportRejected(DomainError):
    """A recipients file that cannot be imported at all; nothing was written."""


class ResourceInUse(DomainError):
    """The row is still needed by others (an instance used by a live campaign): 409, nothing changed."""
