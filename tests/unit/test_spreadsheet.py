"""One neutralising function for every CSV Arauto writes (issue 10, finding 9)."""

from __future__ import annotations

import csv
import io

import pytest

from models.spreadsheet import csv_text, neutralise


@pytest.mark.parametrize("formula", ["=1+2", "-2+3", "+3", "@A1", "\t=1+2", "\r=1+2", "-", "="])
def test_a_cell_a_spreadsheet_would_run_gets_an_apostrophe(formula: str) -> None:
    assert neutralise(formula) == "'" + formula


@pytest.mark.parametrize("plain", ["Ana", "5511988887777", " =1+2", "", "1-2", "'=1"])
def test_a_plain_cell_is_kept_as_written(plain: str) -> None:
    assert neutralise(plain) == plain


def test_csv_text_neutralises_every_cell_and_ends_lines_with_crlf() -> None:
    text = csv_text([["=1+2", None, 7], ["-2+3", "x", "\r=1"]])
    assert text.endswith("\r\n")
    assert list(csv.reader(io.StringIO(text, newline=""))) == [["'=1+2", "", "7"], ["'-2+3", "x", "'\r=1"]]
