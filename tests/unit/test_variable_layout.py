"""A file's layout encodes each row in a worker process exactly as the importing thread's `NameTable` would."""

from __future__ import annotations

import json
import pickle

from hypothesis import given
from hypothesis import strategies as st

from models.variables import NameTable, decode

_names = st.lists(st.text(min_size=1, max_size=8), min_size=0, max_size=5, unique=True)
_value = st.text(max_size=12)


@given(stored=_names, file_names=_names, data=st.data())
def test_a_layout_encodes_as_the_name_table_does(stored: list[str], file_names: list[str], data: st.DataObject) -> None:
    values = [data.draw(_value) for _ in file_names]
    layout = pickle.loads(pickle.dumps(NameTable(stored).layout(file_names)))  # noqa: S301 (its own bytes: it travels to a worker)
    table = NameTable(stored)
    assert layout.encode(values) == table.encode(dict(zip(file_names, values, strict=True)))
    assert decode(table.names, layout.encode(values)) == dict(zip(file_names, values, strict=True))


@given(file_names=_names, data=st.data())
def test_a_contact_layout_encodes_a_mapping(file_names: list[str], data: st.DataObject) -> None:
    values = [data.draw(_value) for _ in file_names]
    encoded = NameTable().layout(file_names, as_object=True).encode(values)
    assert encoded == json.dumps(dict(zip(file_names, values, strict=True)), ensure_ascii=False)


def test_a_layout_leaves_the_table_as_it_was() -> None:
    table = NameTable(["Cidade"])
    layout = table.layout(["Nome", "Cidade", "Idade"])
    assert layout.slots == (1, 0, 2)
    assert table.names == ["Cidade"]
