"""The API's JSON for a record: camelCase names in field order, moments as ISO text, explicit values win."""

from datetime import UTC, datetime

from models.api_json import camel, camel_json
from models.campaigns.queries import CampaignStats
from models.recipients import RecipientView


def test_names_become_camel_case_as_msgspec_reads_them() -> None:
    assert [camel(n) for n in ("phone", "raw_phone", "average_delivery_rate", "whatsapp_jid")] == [
        "phone",
        "rawPhone",
        "averageDeliveryRate",
        "whatsappJid",
    ]


def test_a_recipient_keeps_the_api_names_order_and_values() -> None:
    sent = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
    view = RecipientView("5511988880001", "11 98888-0001", {"Nome": "Ana"}, "SENT", "", 1, sent, None, None, None, "")
    assert view.as_json() == {
        "phone": "5511988880001",
        "rawPhone": "11 98888-0001",
        "variables": {"Nome": "Ana"},
        "status": "SENT",
        "error": "",
        "attempts": 1,
        "sentAt": "2026-11-30T12:00:00+00:00",
        "deliveredAt": None,
        "readAt": None,
        "repliedAt": None,
        "whatsappJid": None,
        "whatsappJidDiffers": False,
    }
    assert list(view.as_json()) == [*camel_json(view), "whatsappJidDiffers"]


def test_stats_are_their_fields() -> None:
    assert CampaignStats(3, 1, 2, 40, 0.5).as_json() == {
        "total": 3,
        "active": 1,
        "completed": 2,
        "messagesSent": 40,
        "averageDeliveryRate": 0.5,
    }
