"""The skipped-rows report neutralises every formula-looking value, as every CSV Arauto writes (finding 9)."""

from __future__ import annotations

import csv
import io

from tests.fixtures.web import html
from tests.integration.test_recipients_pages import campaign, form_fields, upload  # noqa: F401 (fixture)

FORMULAS = ["=1+2", "-2+3", "+3-1", "@SUM(A1)", "\t=1+2", "\r=1+2"]


async def test_formula_values_in_the_skipped_rows_report_get_an_apostrophe(client, campaign):  # noqa: F811
    lines = ["telefone;Nome", "+55 11 98888-7777;Ana", *(f'"{value}";x' for value in FORMULAS)]
    uploaded = await upload(client, campaign, files={"file": ("list.csv", "\r\n".join(lines).encode(), "text/csv")})
    assert uploaded.status_code == 303, uploaded.text
    mapping = await client.get(uploaded.headers["location"])
    imported = await client.post(f"/campaigns/{campaign.id}/recipients/import", data=form_fields(mapping))
    assert imported.status_code == 303, imported.text
    report = html(await client.get(imported.headers["location"]))
    download = await client.get(report.select_one("#report-download")["href"])
    rows = list(csv.reader(io.StringIO(download.text, newline="")))
    assert [row[1] for row in rows[1:]] == ["'" + value for value in FORMULAS]
