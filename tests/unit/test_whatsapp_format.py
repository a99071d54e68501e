"""The preview bubble's formatter: WhatsApp's markers become tags, everything else is shown as typed."""

from __future__ import annotations

import time

from bs4 import BeautifulSoup

from models.whatsapp_format import whatsapp_html


def parsed(text: str) -> BeautifulSoup:
    return BeautifulSoup(str(whatsapp_html(text)), "html.parser")


def test_bold_italic_and_strike_become_tags() -> None:
    soup = parsed("*bold* and _italic_ and ~gone~")
    assert [(tag.name, tag.get_text()) for tag in soup.find_all(True)] == [
        ("strong", "bold"),
        ("em", "italic"),
        ("s", "gone"),
    ]


def test_a_script_tag_is_shown_as_text_and_never_becomes_an_element() -> None:
    soup = parsed("<script>alert('x')</script> *hi*")
    assert soup.find("script") is None
    assert soup.get_text() == "<script>alert('x')</script> hi"


def test_markers_inside_words_stay_literal() -> None:
    soup = parsed("snake_case_name 2*3*4")
    assert soup.find_all(True) == []
    assert soup.get_text() == "snake_case_name 2*3*4"


def test_triple_backticks_make_monospace_without_formatting_inside() -> None:
    code = parsed("run ```*not bold*``` now").find("code")
    assert code is not None and code.get_text() == "*not bold*"


def test_line_breaks_become_br_and_markers_do_not_cross_them() -> None:
    soup = parsed("*one\ntwo*")
    assert len(soup.find_all("br")) == 1
    assert soup.find("strong") is None


def test_links_become_anchors_without_the_trailing_full_stop_and_keep_underscores() -> None:
    link = parsed("see https://example.com/a_b_c.").find("a")
    assert link is not None
    assert (link["href"], link.get_text(), link["rel"]) == (
        "https://example.com/a_b_c",
        "https://example.com/a_b_c",
        ["noopener", "noreferrer", "nofollow"],
    )


def test_a_quote_in_a_link_cannot_break_out_of_the_href() -> None:
    link = parsed('https://x.com/"onclick=alert(1)').find("a")
    assert link is not None and list(link.attrs) == ["href", "rel", "target"]


def test_nested_markers_and_emoji_render() -> None:
    soup = parsed("Olá 😀 *_both_*")
    strong = soup.find("strong")
    assert strong is not None and strong.find("em") is not None
    assert soup.get_text() == "Olá 😀 both"


def test_an_unclosed_marker_stays_literal() -> None:
    assert parsed("*open only").get_text() == "*open only"


def test_formatting_is_linear_on_hostile_input() -> None:
    started = time.perf_counter()
    for hostile in ("*" * 20_000, "*a " * 7_000, "_*~" * 7_000, "```" * 7_000):
        whatsapp_html(hostile)
    assert time.perf_counter() - started < 1.0


def test_text_past_the_formatting_bound_is_escaped_but_not_formatted() -> None:
    soup = parsed("a" * 8_192 + " *late* <b>x</b>")
    assert soup.find("strong") is None and soup.find("b") is None
    assert soup.get_text().endswith(" *late* <b>x</b>")
