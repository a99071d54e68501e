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


class Message(str):
    """English text that remembers its message id and parameters, so the view that shows it can say it in the
    user's language (`say`). Being a `str`, it goes anywhere text goes (logs, JSON, comparisons) unchanged."""

    message_id: str
    params: dict[str, object]

    def __new__(cls, message_id: str, **params: object) -> Message:
        text = super().__new__(cls, fill(message_id, params))
        text.message_id = message_id
        text.params = params
        return text

    def translated(self, translate: Callable[[str], str]) -> str:
        return fill(translate(self.message_id), {k: say(v, translate) for k, v in self.params.items()})


def say(value: object, translate: Callable[[str], str]) -> str:
    """A `Message` in the language of `translate` (its parameters too, when they are messages); anything else is
    a value (a number, a file's cell) shown as it is."""
    return value.translated(translate) if isinstance(value, Message) else str(value)


class DomainError(Exception):
    """Base of every rule violation the user can be told about."""

    def __init__(self, message: str, **params: object) -> None:
        if isinstance(message, Message):  # a message built elsewhere (a refusal shared by several errors)
            params = {**message.params, **params}
            message = message.message_id
        super().__init__(fill(message, params))
        self.message_id = message
        self.params = params
        self.message = fill(message, params)  # English, for logs and callers that do not translate yet

    def translated(self, translate: Callable[[str], str]) -> str:
        return fill(translate(self.message_id), {k: say(v, translate) for k, v in self.params.items()})


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
        return {
            field: say(reason, translate) if isinstance(reason, Message) else translate(reason)
            for field, reason in self.errors.items()
        }

    def translated(self, translate: Callable[[str], str]) -> str:
        """The reasons alone, for a page that shows them in one line."""
        return "; ".join(self.translated_errors(translate).values())


class ImportRejected(DomainError):
    """A recipients file that cannot be imported at all; nothing was written."""


class ResourceInUse(DomainError):
    """The row is still needed by others (an instance used by a live campaign): 409, nothing changed."""
