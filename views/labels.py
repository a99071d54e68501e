"""Words stored as codes (statuses, states, media kinds, opt-out sources) that templates show through `_(code)`.

Declared here with `N_` so extraction puts every code in the catalogues; both catalogues translate them (the
English one too: 'DRAFT' reads 'Draft'), and the page-coverage test fails if one is missing.
"""

from __future__ import annotations

from views.i18n import N_, _

CODES = (
    # campaign statuses
    N_("DRAFT"),
    N_("SCHEDULED"),
    N_("RUNNING"),
    N_("PAUSED"),
    N_("COMPLETED"),
    N_("CANCELLED"),
    N_("FAILED"),
    # message statuses
    N_("PENDING"),
    N_("SENDING"),
    N_("SENT"),
    N_("DELIVERED"),
    N_("READ"),
    N_("SKIPPED"),
    # instance connection states and their badge words
    N_("open"),
    N_("connecting"),
    N_("close"),
    N_("unknown"),
    N_("connected"),
    N_("disconnected"),
    # media kinds
    N_("image"),
    N_("video"),
    N_("document"),
    N_("audio"),
    # opt-out sources
    N_("manual"),
    N_("reply"),
    N_("import"),
    # CSV separators
    N_("comma"),
    N_("semicolon"),
    N_("tab"),
)

# Python's codec names mean nothing to a marketer: say which program wrote the file.
ENCODING_NAMES = {"utf-8": N_("UTF-8"), "utf-8-sig": N_("UTF-8 (Excel)"), "cp1252": N_("Windows (Excel)")}


def encoding_name(codec: str) -> str:
    """The translated name of a detected file encoding; an unknown codec is shown as it is."""
    return _(ENCODING_NAMES[codec]) if codec in ENCODING_NAMES else codec
