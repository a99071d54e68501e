"""Recipients of a campaign: CSV reading, column mapping, phone screening, the chunked all-or-nothing insert;
the campaign page's recipients table and "retry failed" (`campaign_table`)."""

from models.recipients._csv import DELIMITER_NAMES, CsvPreview, CsvSource, preview, too_large_message
from models.recipients._importing import import_csv, import_inline, nothing_to_import, screen_source
from models.recipients._listing import MAX_LIMIT, RecipientPage, RecipientView, list_recipients
from models.recipients._mapping import ImportOptions, default_phone_column
from models.recipients._pool import close_import_pool, current_pool, open_import_pool
from models.recipients._report import OPTED_OUT_ERROR, ImportReport, SkipKind, SkippedRow
from models.recipients._screening import Screener
from models.recipients._sheet import workbook_sheets

__all__ = [
    "DELIMITER_NAMES",
    "MAX_LIMIT",
    "OPTED_OUT_ERROR",
    "CsvPreview",
    "CsvSource",
    "ImportOptions",
    "ImportReport",
    "RecipientPage",
    "RecipientView",
    "Screener",
    "SkipKind",
    "SkippedRow",
    "close_import_pool",
    "current_pool",
    "default_phone_column",
    "import_csv",
    "import_inline",
    "list_recipients",
    "nothing_to_import",
    "open_import_pool",
    "preview",
    "screen_source",
    "too_large_message",
    "workbook_sheets",
]
