"""The catalogues: every marked string (templates and Python) is in pt_BR and translated; the committed .mo files
are the compiled .po files (a fresh clone runs without compiling)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

REPO = Path(__file__).resolve().parents[2]
CATALOGUES = REPO / "translations"


def _po(locale: str):
    with (CATALOGUES / locale / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle)


def _extracted(out: Path) -> set[str]:
    """What `make messages` would extract now (pybabel extract, with the repository's babel.cfg)."""
    command = [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg", "-k", "N_"]
    command += ["-k", "ngettext:1,2", "--no-wrap", "--omit-header", "-o", str(out), "."]
    subprocess.run(command, cwd=REPO, capture_output=True, check=True)
    with out.open("rb") as handle:
        return {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(handle) if m.id}


def _key(value: str | list[str] | tuple[str, ...]) -> str | tuple[str, ...]:
    return value if isinstance(value, str) else tuple(value)


def test_every_marked_string_is_in_the_pt_br_catalogue_and_translated(tmp_path: Path) -> None:
    catalogue = _po("pt_BR")
    extracted = _extracted(tmp_path / "messages.pot")
    assert "Sign in" in extracted and "DRAFT" in extracted  # templates and Python were both read
    missing = sorted(msgid for msgid in extracted if catalogue.get(msgid) is None)
    assert missing == [], f"run `make messages` and translate: {missing}"
    untranslated = [m.id for m in catalogue if m.id and not (m.string if isinstance(m.string, str) else all(m.string))]
    assert untranslated == []
    fuzzy = [m.id for m in catalogue if m.id and m.fuzzy]
    assert fuzzy == []


def test_the_committed_compiled_catalogues_match_their_sources() -> None:
    for locale in ("pt_BR", "en"):
        source = {
            _key(m.id): _key(m.string)
            for m in _po(locale)
            if m.id and m.string and (isinstance(m.string, str) or all(m.string))
        }
        with (CATALOGUES / locale / "LC_MESSAGES" / "messages.mo").open("rb") as handle:
            compiled = {_key(m.id): _key(m.string) for m in read_mo(handle) if m.id}
        assert {key: compiled.get(key) for key in source} == source, f"run `make messages` ({locale}'s .mo is stale)"


def test_translations_keep_every_placeholder_of_their_message() -> None:
    placeholder = re.compile(r"%\([a-z_]+\)[sd]|%%")
    for message in _po("pt_BR"):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        expected = sorted(placeholder.findall(ids[-1]))
        for string in strings:
            assert sorted(placeholder.findall(string)) == expected, message.id
