"""One renderer: the test send, the form preview and the sender give a recipient the same text (spintax, defaults).

Both sends go over real HTTP to the sandbox; the texts are read back from the sandbox's request log.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from models.campaigns import lifecycle
from models.statuses import CampaignStatus
from scheduler.evolution import EvolutionClient
from tests.factories import make_campaign
from tests.fixtures.web import html, post_form
from tests.sending_helpers import dispatcher, run_until_done, sandbox_instance

MESSAGE = "{Oi|Olá|Bom dia} {{Nome|cliente}}, {tudo bem|como vai|{beleza|certo}}?"
ANA, NAMELESS = "5511987650001", "5511987650002"
RENDERED = re.compile(r"(Oi|Olá|Bom dia) (Ana|cliente), (tudo bem|como vai|beleza|certo)\?")


@pytest.fixture
async def campaign(client, login, make_user, sandbox) -> Any:
    user = await make_user()
    await login(user)
    instance = await sandbox_instance(user.id, sandbox)
    rows = [{"phone": ANA, "variables": {"Nome": "Ana"}}, {"phone": NAMELESS, "variables": {"Nome": ""}}]
    return await make_campaign(user.id, instance.id, recipients=rows, message=MESSAGE, status=CampaignStatus.DRAFT)


async def _test_send(client: Any, campaign: Any, phone: str) -> None:
    page = f"/campaigns/{campaign.id}"
    response = await post_form(client, f"{page}/test-send", {"phone": phone}, page=page)
    assert response.status_code in (200, 303), response.text


def _texts_sent_to(sandbox: Any, phone: str) -> list[str]:
    return [
        r["body"]["text"]
        for r in sandbox.requests()
        if r["path"].startswith("/message/sendText") and r["body"]["number"] == phone
    ]


async def test_a_test_send_and_the_campaign_send_give_each_recipient_the_same_text(client, campaign, sandbox, clock):
    for phone in (ANA, NAMELESS):
        await _test_send(client, campaign, phone)
    await lifecycle.apply(campaign.id, "start", owner_id=campaign.owner, now=clock.now())
    async with EvolutionClient(read_timeout=2) as evolution:
        await run_until_done(dispatcher(clock, evolution), clock)
    ana, nameless = _texts_sent_to(sandbox, ANA), _texts_sent_to(sandbox, NAMELESS)
    assert len(ana) == len(nameless) == 2  # the test send, then the campaign's own send
    assert ana[0] == ana[1] and nameless[0] == nameless[1]
    assert RENDERED.fullmatch(ana[0]) and " Ana," in ana[0]
    assert RENDERED.fullmatch(nameless[0]) and " cliente," in nameless[0]


async def test_the_preview_shows_a_recipient_the_variant_the_sender_will_send(client, campaign, sandbox, clock):
    response = await post_form(
        client, "/campaigns/preview", {"message": MESSAGE, "campaign_id": str(campaign.id)}, page="/campaigns/new"
    )
    previewed = [pre.get_text() for pre in html(response).select("#campaign-preview .bubble .message")]
    await lifecycle.apply(campaign.id, "start", owner_id=campaign.owner, now=clock.now())
    async with EvolutionClient(read_timeout=2) as evolution:
        await run_until_done(dispatcher(clock, evolution), clock)
    assert previewed == [*_texts_sent_to(sandbox, ANA), *_texts_sent_to(sandbox, NAMELESS)]
