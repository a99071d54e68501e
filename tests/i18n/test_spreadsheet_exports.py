"""Reports open in the user's spreadsheet as they should: one column per field, every phone intact, dates as dates."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import openpyxl
import pytest

from models.accounts import users
from models.statuses import CampaignStatus, MessageStatus
from models.tables import CampaignMessage, UserProfile
from tests.factories import make_campaign, make_instance
from tests.fixtures.web import post_form

SENT_AT = datetime(2026, 11, 30, 17, 20, 5, tzinfo=UTC)  # 14:20:05 in São Paulo
PHONES = ["5511987654321", "447911123456", "123456789012345"]  # the last: 15 digits, past Excel's precision


async def _report_campaign(user) -> int:
    instance = await make_instance(user.id)
    recipients = [
        {"phone": phone, "variables": {"Nome": "Silva; Ana, Jr.", "Valor": "=1+1"}, "status": MessageStatus.SENT}
        for phone in PHONES
    ]
    campaign = await make_campaign(user.id, instance.id, recipients=recipients, status=CampaignStatus.COMPLETED)
    await CampaignMessage.update({CampaignMessage.sent_at: SENT_AT}).where(CampaignMessage.campaign == campaign.id)
    await users.set_locale(user.id, "pt-BR")
    await UserProfile.update({UserProfile.timezone: "America/Sao_Paulo"}).where(UserProfile.user == user.id)
    return int(campaign.id)


def excel_value(cell: str) -> str | float:
    """What Excel puts in a cell it reads from a CSV: `="text"` evaluates to the text, a number-looking cell becomes a
    number (15 significant digits), anything else stays text."""
    if cell.startswith('="') and cell.endswith('"'):
        return cell[2:-1]
    try:
        return float(f"{float(cell):.15g}")
    except ValueError:
        return cell


async def test_a_pt_br_report_csv_splits_on_semicolons_into_one_column_per_field_with_every_phone_intact(
    client, login, make_user
) -> None:
    user = await make_user()
    await login(user)
    campaign_id = await _report_campaign(user)
    response = await client.get(f"/campaigns/{campaign_id}/export.csv")
    assert response.content.startswith(b"\xef\xbb\xbf")
    table = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    header = [
        "Telefone",
        "Nome",
        "Valor",
        "Outras variáveis",
        "Situação",
        "Erro",
        "Enviada em",
        "Entregue em",
        "Lida em",
        "Respondida em",
        "ID do WhatsApp",
        "ID do WhatsApp difere do número digitado",
    ]
    assert table[0] == header
    assert all(len(row) == len(header) for row in table)
    assert [excel_value(row[0]) for row in table[1:]] == PHONES
    assert {row[1] for row in table[1:]} == {"Silva; Ana, Jr."}
    assert {row[2] for row in table[1:]} == {"'=1+1"}  # user text never runs as a formula
    assert {row[4] for row in table[1:]} == {"Enviada"}
    assert table[1][6] == "30/11/2026 14:20:05"  # São Paulo time, as a pt-BR Excel reads a date


def _libreoffice(csv_path: Path, separator: str) -> openpyxl.Workbook:
    """The CSV opened by LibreOffice Calc (headless) with the given separator, saved as XLSX and read back."""
    options = f"CSV:{ord(separator)},34,76,1"
    subprocess.run(
        [
            "soffice",
            "--headless",
            f"-env:UserInstallation=file://{csv_path.parent}/lo",
            "--infilter=" + options,
            "--convert-to",
            "xlsx",
            "--outdir",
            str(csv_path.parent),
            str(csv_path),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    return openpyxl.load_workbook(csv_path.with_suffix(".xlsx"), data_only=True)


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice Calc is not installed")
@pytest.mark.parametrize(("locale", "separator"), [("pt-BR", ";"), ("en", ",")])
async def test_libreoffice_opens_the_report_csv_with_every_phone_as_text(
    client, login, make_user, tmp_path, locale, separator
) -> None:
    user = await make_user()
    await login(user)
    campaign_id = await _report_campaign(user)
    await users.set_locale(user.id, locale)
    path = tmp_path / "report.csv"
    path.write_bytes((await client.get(f"/campaigns/{campaign_id}/export.csv")).content)
    rows = list(_libreoffice(path, separator).active.iter_rows(values_only=True))
    assert len(rows[0]) == 12
    assert [row[0] for row in rows[1:]] == PHONES  # strings, every digit: no 5,51199E+12


async def test_the_xlsx_report_holds_phones_as_text_cells_and_times_as_date_cells(client, login, make_user) -> None:
    user = await make_user()
    await login(user)
    campaign_id = await _report_campaign(user)
    response = await client.get(f"/campaigns/{campaign_id}/export.xlsx")
    assert response.status_code == 200
    assert response.headers["content-disposition"].endswith('.xlsx"')
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows())
    assert [cell.value for cell in rows[0]][:3] == ["Telefone", "Nome", "Valor"]
    phones = [row[0] for row in rows[1:]]
    assert [cell.value for cell in phones] == PHONES and {cell.data_type for cell in phones} == {"s"}
    assert {row[2].value for row in rows[1:]} == {"=1+1"} and {row[2].data_type for row in rows[1:]} == {"s"}
    sent = rows[1][6]
    assert sent.is_date and sent.value == datetime(2026, 11, 30, 14, 20, 5)  # the user's wall clock


async def test_the_import_report_download_has_a_bom_the_users_separator_and_the_rows_other_columns(
    client, login, make_user
) -> None:
    user = await make_user()
    await users.set_locale(user.id, "pt-BR")
    await login(user)
    instance = await make_instance(user.id)
    campaign = await make_campaign(user.id, instance.id)
    upload = await post_form(
        client,
        f"/campaigns/{campaign.id}/recipients/upload",
        {"lines": "phone,Nome\n5511987654321,Ana\nnot-a-phone,Bia\n5511987654321,Twice"},
        f"/campaigns/{campaign.id}/recipients/upload",
    )
    token = upload.headers["location"].split("upload=")[1]
    form = {"upload": token, "has_header": "true", "phone_column": "1", "variable_columns": "2"}
    imported = await post_form(client, f"/campaigns/{campaign.id}/recipients/import", form, upload.headers["location"])
    assert imported.status_code == 303, imported.text
    response = await client.get(f"/campaigns/{campaign.id}/recipients/report.csv?upload={token}")
    assert response.content.startswith(b"\xef\xbb\xbf")
    table = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert table[0] == ["Linha", "Valor", "Tipo", "Motivo", "Nome"]
    assert [(row[0], row[1], row[2], row[4]) for row in table[1:]] == [
        ("3", "not-a-phone", "inválido", "Bia"),
        ("4", "5511987654321", "repetido", "Twice"),
    ]
