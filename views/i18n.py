"""Translation hooks: every user-visible string goes through `_` (templates use the same catalogue)."""

from __future__ import annotations

import gettext

TRANSLATIONS = gettext.NullTranslations()


def _(message: str) -> str:
    return TRANSLATIONS.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return TRANSLATIONS.ngettext(singular, plural, n)
