"""A new password typed twice. The three pages that set one (the first setup, a one-time link, the account page)
refuse a mismatch the same way, before the password rules of models/accounts run."""

from dataclasses import dataclass

from views.i18n import _


def mismatch(password: str, repeated: str, field: str = "password_confirm") -> dict[str, str]:
    """The error under the repetition's field (`field`) when the two differ; empty when they match."""
    return {} if password == repeated else {field: _("The passwords do not match.")}


@dataclass
class NewPassword:
    """The two fields of the setup and one-time link forms (the account page names its own: it asks for the
    current password too)."""

    password: str = ""
    password_confirm: str = ""

    def mismatch(self) -> dict[str, str]:
        return mismatch(self.password, self.password_confirm)
