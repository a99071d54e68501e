"""A new password typed twice. The three pages that set one (the first setup, a one-time link, the account page)
refuse a mismatch the same way, before the password rules of models/accounts run."""

from views.i18n import _


def mismatch(password: str, repeated: str, field: str = "password_confirm") -> dict[str, str]:
    """The error under the repetition's field (`field`) when the two differ; empty when they match."""
    return {} if password == repeated else {field: _("The passwords do not match.")}
