"""Message rendering: placeholders, defaults, spintax; never template-engine evaluation."""

from __future__ import annotations

import random
import re
import time

from hypothesis import given, settings
from hypothesis import strategies as st

from models.rendering import MAX_MESSAGE_LENGTH, SPINTAX, missing_variables, placeholders, render, variables_in


def test_placeholders_are_replaced_by_the_recipients_values() -> None:
    assert render("Hello {{name}}, code {{ code }}", {"name": "Ana", "code": "X1"}) == "Hello Ana, code X1"


def test_a_missing_variable_without_default_renders_empty() -> None:
    assert render("Hello {{name}}!", {}) == "Hello !"


def test_the_default_is_used_when_the_variable_is_missing_or_empty() -> None:
    assert render("Hi {{name|there}}", {}) == "Hi there"
    assert render("Hi {{name|there}}", {"name": ""}) == "Hi there"
    assert render("Hi {{name|there}}", {"name": "Bia"}) == "Hi Bia"


def test_spintax_picks_one_option_with_a_seeded_rng() -> None:
    options = {render("{Hi|Hello|Hey} Ana", {}, rng=random.Random(seed)) for seed in range(40)}
    assert options == {"Hi Ana", "Hello Ana", "Hey Ana"}


def test_the_same_seed_gives_the_same_choice() -> None:
    text = "{Hi|Hello} {friend|buddy}"
    assert render(text, {}, rng=random.Random(7)) == render(text, {}, rng=random.Random(7))


def test_nested_spintax_resolves_to_a_leaf() -> None:
    results = {render("{a|{b|c}}", {}, rng=random.Random(seed)) for seed in range(40)}
    assert results == {"a", "b", "c"}


def test_spintax_inside_a_variable_value_is_resolved_but_jinja_syntax_stays_literal() -> None:
    text = "{{ 7*7 }} {% if x %}y{% endif %} {{name}}"
    assert render(text, {"name": "Ana"}) == "{{ 7*7 }} {% if x %}y{% endif %} Ana"


def test_braces_without_a_pipe_are_left_alone() -> None:
    assert render("json {a} and {}", {}) == "json {a} and {}"


def test_variables_in_lists_each_name_once_in_order() -> None:
    assert variables_in("{{b}} {{a|x}} {{b}}") == ["b", "a"]


def test_a_variable_with_a_default_is_never_missing() -> None:
    assert missing_variables("{{name|there}} {{city}}", {}) == ["city"]


def test_an_empty_value_counts_as_missing() -> None:
    assert missing_variables("{{city}}", {"city": ""}) == ["city"]


def test_the_message_limit_is_whatsapps() -> None:
    assert MAX_MESSAGE_LENGTH == 4096


def test_a_literal_double_braced_group_is_not_treated_as_spintax() -> None:
    assert render("{{ 1*2|x }}", {}) == "{{ 1*2|x }}"


# Issue 10, finding 1: the placeholder scan is linear, so no message can hold the event loop.
ADVERSARIAL = "{{" + " " * 4000


def test_an_open_placeholder_followed_by_spaces_renders_in_milliseconds() -> None:
    started = time.perf_counter()
    assert render(ADVERSARIAL, {}) == ADVERSARIAL
    assert variables_in(ADVERSARIAL) == []
    assert missing_variables(ADVERSARIAL, {}) == []
    assert time.perf_counter() - started < 0.05


def test_an_unclosed_spintax_group_full_of_pipes_renders_in_milliseconds() -> None:
    text = "{" + "|" * (MAX_MESSAGE_LENGTH - 1)
    started = time.perf_counter()
    assert render(text, {}) == text
    assert time.perf_counter() - started < 0.05


def test_spaces_around_a_name_and_its_default_are_trimmed() -> None:
    assert render("{{   name   |  friend  }}", {}) == "friend"
    assert variables_in("{{ first name }} {{\tcity\n}}") == ["first name", "city"]


def test_a_name_with_a_tab_inside_is_not_a_placeholder() -> None:
    assert render("{{a\tb}}", {"a\tb": "x"}) == "{{a\tb}}"


# The pattern this module used before the linear scanner: on short texts (where its backtracking is cheap) the
# scanner must find exactly the same placeholders, names and defaults.
FORMER_PLACEHOLDER = re.compile(r"\{\{\s*([\w .\-]+?)\s*(?:\|([^{}]*))?\}\}")
FORMER_SPINTAX = re.compile(r"(\{\{[^{}]*\}\})|\{([^{}]*\|[^{}]*)\}")
MESSAGE_CHARS = st.sampled_from([*"{}| \t\n.-_", "a", "b", "é", "7", "%", "\x00"])
PROPERTY_SETTINGS = settings(derandomize=True, max_examples=300, deadline=None, database=None)


@PROPERTY_SETTINGS
@given(st.text(MESSAGE_CHARS, max_size=30))
def test_the_scanner_finds_what_the_former_pattern_found(text: str) -> None:
    former = [(m.start(), m.end(), m.group(1), m.group(2)) for m in FORMER_PLACEHOLDER.finditer(text)]
    assert [(p.start, p.end, p.name, p.default) for p in placeholders(text)] == former
    former_groups = [(m.span(), m.group(1), m.group(2)) for m in FORMER_SPINTAX.finditer(text)]
    assert [(m.span(), m.group(1), m.group(2)) for m in SPINTAX.finditer(text)] == former_groups


@PROPERTY_SETTINGS
@given(
    st.text(MESSAGE_CHARS, max_size=MAX_MESSAGE_LENGTH) | st.text(max_size=MAX_MESSAGE_LENGTH),
    st.dictionaries(st.text(MESSAGE_CHARS, max_size=8), st.text(MESSAGE_CHARS, max_size=40), max_size=5),
)
def test_rendering_never_raises_and_stays_fast_on_any_message(text: str, variables: dict[str, str]) -> None:
    started = time.perf_counter()
    rendered = render(text, variables, rng=random.Random(1))
    variables_in(text)
    missing_variables(text, variables)
    assert isinstance(rendered, str)
    assert time.perf_counter() - started < 0.25
