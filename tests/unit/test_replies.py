"""Reading incoming replies: the text in every shape the contract lists, the sender's phone, stop words."""

from __future__ import annotations

import pytest

from models.inbound.replies import is_stop, quoted_key_id, reply_text, sender_phone


@pytest.mark.parametrize(
    "message",
    [
        {"conversation": "STOP"},
        {"extendedTextMessage": {"text": "STOP"}},
        {"ephemeralMessage": {"message": {"extendedTextMessage": {"text": "STOP"}}}},
        {"imageMessage": {"caption": "STOP", "url": "x"}},
        {"buttonsResponseMessage": {"selectedDisplayText": "STOP"}},
        {"listResponseMessage": {"title": "STOP"}},
    ],
)
def test_reply_text_is_found_in_every_message_shape(message) -> None:
    assert reply_text(message) == "STOP"


def test_reply_text_of_a_message_without_text_is_empty() -> None:
    assert reply_text({"reactionMessage": {"text": ""}}) == ""


@pytest.mark.parametrize("text", ["STOP", " stop ", "Sair", "PARAR\n", "cancelar", "Unsubscribe"])
def test_stop_words_match_in_any_case_trimmed(text) -> None:
    assert is_stop(text)


@pytest.mark.parametrize("text", ["Stop please", "não", "", "STOPP"])
def test_other_texts_are_not_stop_words(text) -> None:
    assert not is_stop(text)


def test_sender_phone_of_a_lid_comes_from_remote_jid_alt() -> None:
    key = {"remoteJid": "232366454870257@lid", "remoteJidAlt": "5511988887777@s.whatsapp.net"}
    assert sender_phone(key) == "5511988887777"


def test_sender_phone_of_a_lid_without_alt_is_unknown() -> None:
    assert sender_phone({"remoteJid": "232366454870257@lid"}) == ""


def test_sender_phone_of_a_group_is_unknown() -> None:
    assert sender_phone({"remoteJid": "120363025246125888@g.us"}) == ""


def test_quoted_key_id_is_read_from_the_extended_text_context_too() -> None:
    data = {"message": {"extendedTextMessage": {"text": "STOP", "contextInfo": {"stanzaId": "3EB0AA"}}}}
    assert quoted_key_id(data) == "3EB0AA"
