"""Listing campaigns: filters, search, sort, pagination and stats, on the page (rows fragment) and the API."""

from __future__ import annotations

from datetime import timedelta

import pytest

from models.campaigns import queries as campaign_queries
from models.campaigns.queries import CampaignFilter
from models.errors import ValidationFailed
from models.statuses import CampaignStatus, MessageStatus
from tests.factories import NOW, make_campaign, make_instance, recipient_rows
from tests.fixtures.web import html
from tests.integration.api_helpers import api_caller, error_fields


async def names(owner_id: int, **query) -> list[str]:
    page = await campaign_queries.list_campaigns(owner_id, CampaignFilter(**query))
    return [c.name for c in page.items]


async def test_status_filter_keeps_only_that_status(make_user):
    user = await make_user()
    await make_campaign(user.id, None, name="draft")
    await make_campaign(user.id, None, name="running", status=CampaignStatus.RUNNING)
    assert await names(user.id, status="RUNNING") == ["running"]


async def test_instance_filter_keeps_only_that_instances_campaigns(make_user):
    user = await make_user()
    first, second = await make_instance(user.id), await make_instance(user.id, name="Second")
    await make_campaign(user.id, first.id, name="on first")
    await make_campaign(user.id, second.id, name="on second")
    assert await names(user.id, instance_id=second.id) == ["on second"]


async def test_search_matches_the_name_case_insensitively(make_user):
    user = await make_user()
    for name in ("Black Friday", "Christmas", "friday again"):
        await make_campaign(user.id, None, name=name)
    assert sorted(await names(user.id, search="FRIDAY")) == ["Black Friday", "friday again"]


async def test_search_treats_percent_and_underscore_literally(make_user):
    user = await make_user()
    await make_campaign(user.id, None, name="50% off")
    await make_campaign(user.id, None, name="500 off")
    assert await names(user.id, search="0%") == ["50% off"]


@pytest.mark.parametrize(
    ("sort_by", "order", "expected"),
    [
        ("name", "asc", ["a", "b", "c"]),
        ("name", "desc", ["c", "b", "a"]),
        ("createdAt", "asc", ["b", "c", "a"]),
        ("scheduledFor", "desc", ["c", "a", "b"]),
        ("status", "asc", ["b", "c", "a"]),
    ],
)
async def test_sorting(make_user, sort_by, order, expected):
    user = await make_user()
    rows = [  # name, created (minutes after NOW), scheduled (days after NOW), status
        ("a", 30, 2, CampaignStatus.SCHEDULED),
        ("b", 10, 1, CampaignStatus.COMPLETED),
        ("c", 20, 3, CampaignStatus.DRAFT),
    ]
    for name, minutes, days, status in rows:
        await make_campaign(
            user.id,
            None,
            name=name,
            status=status,
            created_at=NOW + timedelta(minutes=minutes),
            scheduled_for=NOW + timedelta(days=days),
        )
    assert await names(user.id, sort_by=sort_by, sort_order=order) == expected


async def test_pagination_gives_the_page_and_the_total(make_user):
    user = await make_user()
    for n in range(7):
        await make_campaign(user.id, None, name=f"c{n}")
    page = await campaign_queries.list_campaigns(
        user.id, CampaignFilter(sort_by="name", sort_order="asc", limit=3, offset=3)
    )
    assert ([c.name for c in page.items], page.total, page.has_next, page.has_previous) == (
        ["c3", "c4", "c5"],
        7,
        True,
        True,
    )


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"limit": 201}, "limit"),
        ({"limit": 0}, "limit"),
        ({"sort_by": "owner"}, "sortBy"),
        ({"status": "DONE"}, "status"),
    ],
)
async def test_bad_list_queries_name_the_parameter(make_user, query, field):
    user = await make_user()
    with pytest.raises(ValidationFailed) as refused:
        await campaign_queries.list_campaigns(user.id, CampaignFilter(**query))
    assert list(refused.value.errors) == [field]


async def test_the_list_never_shows_another_users_campaigns(make_user):
    user, other = await make_user(), await make_user()
    await make_campaign(other.id, None, name="theirs")
    page = await campaign_queries.list_campaigns(user.id, CampaignFilter())
    assert (page.items, page.total) == ([], 0)


async def test_stats_add_up_the_users_campaigns(make_user):
    user, other = await make_user(), await make_user()
    sent = [{"phone": f"55119888800{n:02d}", "status": MessageStatus.SENT} for n in range(3)]
    delivered = [{"phone": "5511988880099", "status": MessageStatus.DELIVERED}]
    await make_campaign(user.id, None, status=CampaignStatus.COMPLETED, recipients=sent + delivered)
    await make_campaign(user.id, None, status=CampaignStatus.RUNNING)
    await make_campaign(user.id, None, status=CampaignStatus.PAUSED)
    await make_campaign(user.id, None, status=CampaignStatus.DRAFT)
    await make_campaign(other.id, None, status=CampaignStatus.COMPLETED, recipients=sent)
    stats = await campaign_queries.stats(user.id)
    assert (stats.total, stats.active, stats.completed, stats.messages_sent) == (4, 2, 1, 4)
    assert stats.average_delivery_rate == 0.25


async def test_stats_with_nothing_sent_have_a_zero_delivery_rate(make_user):
    user = await make_user()
    await make_campaign(user.id, None)
    assert (await campaign_queries.stats(user.id)).average_delivery_rate == 0.0


async def test_api_list_answers_items_total_limit_offset(client, make_user):
    caller = await api_caller(make_user)
    for name in ("one", "two", "three"):
        await make_campaign(caller.user.id, caller.instance_id, name=name)
    response = await client.get(
        "/api/campaigns", params={"sortBy": "name", "sortOrder": "asc", "limit": 2, "offset": 1}, headers=caller.headers
    )
    body = response.json()
    assert ([c["name"] for c in body["items"]], body["total"], body["limit"], body["offset"]) == (
        ["three", "two"],
        3,
        2,
        1,
    )


async def test_api_list_refuses_a_limit_over_200(client, make_user):
    caller = await api_caller(make_user)
    response = await client.get("/api/campaigns", params={"limit": 500}, headers=caller.headers)
    assert list(error_fields(response)) == ["limit"]


async def test_api_stats_answer_in_camel_case(client, make_user):
    caller = await api_caller(make_user)
    await make_campaign(caller.user.id, caller.instance_id, status=CampaignStatus.SCHEDULED)
    response = await client.get("/api/campaigns/stats", headers=caller.headers)
    assert response.json() == {"total": 1, "active": 1, "completed": 0, "messagesSent": 0, "averageDeliveryRate": 0.0}


async def test_the_list_page_shows_badge_and_progress_per_row(client, make_user, login):
    user = await make_user()
    await login(user)
    recipients = recipient_rows(["5511988880001", "5511988880002"])
    recipients[0]["status"] = MessageStatus.SENT
    campaign = await make_campaign(user.id, None, status=CampaignStatus.RUNNING, recipients=recipients)
    row = html(await client.get("/campaigns")).select_one(f'tr[data-id="{campaign.id}"]')
    assert row.select_one(".badge")["class"] == ["badge", "badge-running"]
    assert row.select_one('[role="progressbar"]')["aria-valuenow"] == "50.0"


async def test_the_rows_fragment_is_one_tbody_filtered_by_the_query(client, make_user, login):
    user = await make_user()
    await login(user)
    await make_campaign(user.id, None, name="Black Friday")
    await make_campaign(user.id, None, name="Christmas")
    response = await client.get("/campaigns/rows", params={"search": "christ"})
    fragment = html(response)
    assert [t.name for t in fragment.find_all(recursive=False)] == ["tbody"]
    assert [a.get_text() for a in fragment.select("tr.campaign-row td:first-child a")] == ["Christmas"]


async def test_the_full_page_filters_without_javascript(client, make_user, login):
    user = await make_user()
    await login(user)
    await make_campaign(user.id, None, name="Draft one")
    await make_campaign(user.id, None, name="Done one", status=CampaignStatus.COMPLETED)
    page = html(await client.get("/campaigns", params={"status": "COMPLETED"}))
    assert [a.get_text() for a in page.select("#campaign-rows tr.campaign-row td:first-child a")] == ["Done one"]
    assert page.select_one("#status option[selected]")["value"] == "COMPLETED"


async def test_the_list_page_links_the_next_page_after_50(client, make_user, login):
    user = await make_user()
    await login(user)
    for n in range(51):
        await make_campaign(user.id, None, name=f"c{n:02d}")
    first = html(await client.get("/campaigns", params={"sort": "name", "order": "asc"}))
    assert len(first.select("tr.campaign-row")) == 50
    next_link = first.select_one('a[rel="next"]')["href"]
    second = html(await client.get(next_link))
    assert [a.get_text() for a in second.select("tr.campaign-row td:first-child a")] == ["c50"]
