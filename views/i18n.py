"""Translation hooks: every user-visible string goes through `_`, by the locale of the request being answered.

The locale lives in a contextvar that `views/locale.py`'s middleware sets per request, so flashes, API errors and
Jinja (which calls these same functions) all speak the request's language. Catalogues are compiled `.mo` files under
translations/ (`make messages` extracts and updates them; the `.mo` files are committed so a fresh clone runs).
"""

from __future__ import annotations

import gettext
from collections.abc import Callable
from contextvars import ContextVar, Token
from functools import cache
from pathlib import Path

from babel import Locale

from models.errors import N_ as N_  # re-exported: views mark messages with the same marker as models
from models.errors import Message
from models.sending.pacing import FREQUENCY_CAPPED, FREQUENCY_CAPPED_BY

TRANSLATIONS_DIR = Path(__file__).resolve().parent.parent / "translations"
LOCALES = ("pt-BR", "en")
DEFAULT_LOCALE = "pt-BR"
LOCALE_NAMES = {"pt-BR": "Português (Brasil)", "en": "English"}  # each in its own language, never translated

_current: ContextVar[str] = ContextVar("arauto_locale", default=DEFAULT_LOCALE)
# Tests install a callback here to fail on any message the current catalogue lacks.
on_miss: ContextVar[Callable[[str, str], None] | None] = ContextVar("arauto_on_miss", default=None)


def gettext_name(locale: str) -> str:
    """'pt-BR' -> 'pt_BR', the folder and Babel name of a locale."""
    return locale.replace("-", "_")


@cache
def catalogue(locale: str) -> gettext.NullTranslations:
    try:
        with (TRANSLATIONS_DIR / gettext_name(locale) / "LC_MESSAGES" / "messages.mo").open("rb") as handle:
            return gettext.GNUTranslations(handle)
    except FileNotFoundError:
        return gettext.NullTranslations()


def _known(translations: gettext.NullTranslations, key: str | tuple[str, int]) -> bool:
    return key in getattr(translations, "_catalog", {})


def current_locale() -> str:
    return _current.get()


def babel_locale() -> Locale:
    return Locale.parse(gettext_name(current_locale()))


def use_locale(locale: str) -> Token[str]:
    """Make `locale` the current one (falls back to the default for anything unsupported)."""
    return _current.set(locale if locale in LOCALES else DEFAULT_LOCALE)


def reset_locale(token: Token[str]) -> None:
    _current.reset(token)


def _report_miss(message: str, known: bool) -> None:
    callback = on_miss.get()
    if callback is not None and not known and current_locale() != "en":
        callback(current_locale(), message)


def _(message: str) -> str:
    translations = catalogue(current_locale())
    _report_miss(message, _known(translations, message))
    return translations.gettext(message)


# How the dispatcher records a number Evolution does not know (scheduler/evolution_results.py): "<number> is not on
# WhatsApp"; pages show it in the user's language.
NOT_ON_WHATSAPP_SUFFIX = " is not on WhatsApp"
NOT_ON_WHATSAPP = N_("%(number)s is not on WhatsApp")


def stored(text: str) -> str:
    """Text kept in the database in English (a pause reason): its translation when the catalogue has one, else the
    text as it is (a gateway's own words). "Instance disconnected (close, 401)" is a known message followed by the
    gateway's details in brackets: the message is translated, the details kept. A lookup only, never a format step;
    not a miss when unknown."""
    if not text:
        return text
    translations = catalogue(current_locale())
    if text.endswith(NOT_ON_WHATSAPP_SUFFIX) and not _known(translations, text):  # the gateway's answer, per number
        number = text.removesuffix(NOT_ON_WHATSAPP_SUFFIX)
        return translations.gettext(NOT_ON_WHATSAPP) % {"number": number}  # the number is a parameter, not a format
    capped_by = _frequency_capped_by(text)
    if capped_by:
        return translations.gettext(FREQUENCY_CAPPED_BY) % {"campaign": capped_by}
    if _known(translations, text) or not text.endswith(")"):
        return translations.gettext(text)
    head, bracket, details = text.partition(" (")
    return translations.gettext(head) + bracket + details if bracket and _known(translations, head) else text


def _frequency_capped_by(text: str) -> str:
    """The campaign number in "Messaged too recently (campaign 12)", or '' for any other text (no regex)."""
    head, _sep, tail = text.partition(" (campaign ")
    number = tail.removesuffix(")")
    return number if head == FREQUENCY_CAPPED and tail.endswith(")") and number.isdigit() and len(number) < 20 else ""


def say(text: object) -> str:
    """A message built in models/ (`Message`: id and parameters) in the request's language; any other text (already
    translated by a view, or a stored English id) through `stored`."""
    return text.translated(_) if isinstance(text, Message) else stored(str(text)) if text is not None else ""


def ngettext(singular: str, plural: str, n: int) -> str:
    translations = catalogue(current_locale())
    _report_miss(singular, _known(translations, (singular, 0)))
    return translations.ngettext(singular, plural, n)
