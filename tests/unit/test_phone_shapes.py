"""The fast path of `normalise` (a Brazilian number's answer learnt once per shape) against `phonenumbers` itself,
for every shape it accepts: learnt from one number, checked on another number of the same shape."""

from __future__ import annotations

import random

import pytest

from models import phones
from models.phones import PhoneError, normalise


def _slow(compact: str) -> str:
    """What `phonenumbers` alone answers (the E.164 digits, or the reason as text)."""
    try:
        return phones._parse.__wrapped__(compact, "BR")
    except PhoneError as exc:
        return f"error: {exc.reason}"


def _fast(compact: str) -> str:
    try:
        return normalise(compact, "BR")
    except PhoneError as exc:
        return f"error: {exc.reason}"


@pytest.mark.parametrize("form", ["+55", "55", ""])
def test_every_shape_answers_as_phonenumbers_does(form: str) -> None:
    rng = random.Random(form)
    phones._SHAPES.clear()
    learnt = answered = 0
    for prefix in range(10_000):
        for length in (10, 11):
            head = f"{prefix:04d}"
            first, second = (form + head + f"{rng.randrange(10 ** (length - 4)):0{length - 4}d}" for _ in range(2))
            if phones._shape(first, "BR") is None:
                continue
            _fast(first)  # learns the shape from this number
            learnt += 1
            assert _fast(second) == _slow(second), second
            answered += phones._SHAPES[phones._shape(second, "BR")[0]] != ""
    # Every shape but those starting with 0 or 90 (and, without a country code, 55) is taken by the fast path
    assert learnt == 2 * (10_000 - 1_000 - 100 - (100 if form == "" else 0))
    assert answered == learnt


def test_valid_and_invalid_shapes_both_occur() -> None:
    phones._SHAPES.clear()
    assert normalise("+55 11 98888-7777", "BR") == "5511988887777"
    assert normalise("+55 11 98765-4321", "BR") == "5511987654321"  # from the learnt shape
    for raw in ("+55 11 08888-7777", "+55 11 18888-7777"):
        with pytest.raises(PhoneError, match="for BR"):
            normalise(raw, "BR")
    assert len(phones._SHAPES) == 3


@pytest.mark.parametrize("raw", ["011988887777", "9011988887777", "55988887777", "+1 650 253 0000", "4004-1234"])
def test_forms_outside_the_fast_path_go_through_phonenumbers(raw: str) -> None:
    compact = raw.replace(" ", "").replace("-", "")
    assert phones._shape(compact, "BR") is None
    assert _fast(raw) == _slow(compact)
