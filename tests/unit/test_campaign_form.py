"""Reading the campaign page form: numbers, ids and the schedule typed in the user's time zone."""

from __future__ import annotations

from views.campaigns.forms import CampaignForm, field_errors, parse_campaign


def test_the_schedule_is_read_in_the_users_zone_and_kept_aware_in_utc() -> None:
    form = CampaignForm(schedule_date="2026-07-01", schedule_time="08:00")
    data, errors = parse_campaign(form, "Europe/Lisbon")
    assert errors == {}
    assert data.scheduled_for is not None and data.scheduled_for.isoformat() == "2026-07-01T07:00:00+00:00"


def test_a_date_without_a_time_is_refused_on_the_date_field() -> None:
    _, errors = parse_campaign(CampaignForm(schedule_date="2026-07-01"), "UTC")
    assert list(errors) == ["schedule_date"]


def test_an_empty_schedule_means_start_by_hand() -> None:
    data, errors = parse_campaign(CampaignForm(), "UTC")
    assert (data.scheduled_for, errors) == (None, {})


def test_a_malformed_date_is_named() -> None:
    _, errors = parse_campaign(CampaignForm(schedule_date="31/01/2026", schedule_time="10:00"), "UTC")
    assert errors == {"schedule_date": "Use a date like 2026-01-31 and a time like 14:30."}


def test_an_unknown_time_zone_falls_back_to_utc() -> None:
    data, _ = parse_campaign(CampaignForm(schedule_date="2026-07-01", schedule_time="08:00"), "Mars/Base")
    assert data.scheduled_for is not None and data.scheduled_for.isoformat() == "2026-07-01T08:00:00+00:00"


def test_domain_field_names_map_to_the_forms() -> None:
    assert field_errors({"instanceId": "a", "scheduledFor": "b", "rateLimit": "c"}) == {
        "instance_id": "a",
        "schedule_date": "b",
        "rate_limit": "c",
    }
