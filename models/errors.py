"""Domain errors: each carries a message id (English, marked with `N_`) and its parameters; views translate the id
into the request's language and only then fill in the parameters, so user text never becomes a format string."""

from __future__ import annotations

from collections.abc import Callable


def N_(message: str) -> str:
    """Marks a message id for extraction (pybabel -k N_); the caller translates it where it is shown."""
    return message


def fill(template: str, params: dict[str, object]) -> str:
    """`template` with %(name)s parameters filled in; without parameters the text is left as it is."""
    return template % params if params else template


class DomainError(Exception):
    """Base of every rule violation the user can be told about."""

    def __init__(self, message: str, **params: object) -> None:
        super().__init__(fill(message, params))
        self.message_id = message
        self.params = params
        self.message = fill(message, params)  # English, for logs and callers that do not translate yet

    def translated(self, translate: Callable[[str], str]) -> str:
        return fill(translate(self.message_id), self.params)


class NotFoundOrNotYours(DomainError):
    """The row does not exist, or belongs to another user: both answer 404."""


class IllegalTransition(DomainError):
    """The campaign's current status does not allow the action (409)."""


class ValidationFailed(DomainError):
    """Bad input; `errors` maps a field name to its reason (400/422), each reason a message id."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{field}: {reason}" for field, reason in errors.items()))
        self.errors = errors

    def translated_errors(self, translate: Callable[[str], str]) -> dict[str, str]:
        return {field: translate(reason) for field, reason in self.errors.items()}


class ImportRejected(DomainError):
    """A recipients file that cannot be imported at all; nothing was written."""


class ResourceInUse(DomainError):
    """The row is still needed by others (an instance used by a live campaign): 409, nothing changed."""
