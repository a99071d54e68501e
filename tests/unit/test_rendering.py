"""Message rendering: placeholders, defaults, spintax; never template-engine evaluation."""

from __future__ import annotations

import random

from models.rendering import MAX_MESSAGE_LENGTH, missing_variables, render, variables_in


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
