"""Media by upload: checked by content, shown to its owner in the preview bubble, sent to Evolution as base64."""

from __future__ import annotations

import base64
import hashlib
import io

import httpx

from models.campaigns import editing, media
from models.statuses import CampaignStatus
from models.tables import Campaign
from scheduler.evolution import EvolutionClient
from tests.factories import make_campaign, make_instance, recipient_rows
from tests.fixtures.web import csrf_token, html
from tests.media_files import png_bytes
from tests.sending_helpers import dispatcher, phones, run_until_done, sandbox_instance


async def upload(client: httpx.AsyncClient, campaign_id: int, name: str, content: bytes) -> httpx.Response:
    token = await csrf_token(client, f"/campaigns/{campaign_id}/edit")
    files = {"file": (name, content, "application/octet-stream")}
    return await client.post(f"/campaigns/{campaign_id}/media", data={"_csrf_token": token}, files=files)


async def test_an_uploaded_image_shows_in_the_preview_bubble_and_is_served_to_its_owner(client, signed_in_user):
    campaign = await make_campaign(signed_in_user.id, (await make_instance(signed_in_user.id)).id)
    image = png_bytes()
    assert (await upload(client, campaign.id, "promo.jpg", image)).status_code == 303
    page = html(await client.get(f"/campaigns/{campaign.id}/edit"))
    picture = page.select_one("#campaign-preview .bubble img.media")
    assert picture is not None and picture["src"] == f"/campaigns/{campaign.id}/media"
    assert page.select_one("#campaign-media .media-current a").get_text() == "promo.png"
    served = await client.get(picture["src"])
    assert (served.status_code, served.headers["content-type"], served.content) == (200, "image/png", image)
    assert served.headers["x-content-type-options"] == "nosniff"


async def test_a_text_file_named_like_an_image_is_refused_by_its_content(client, signed_in_user):
    campaign = await make_campaign(signed_in_user.id, (await make_instance(signed_in_user.id)).id)
    response = await upload(client, campaign.id, "photo.jpg", b"<html>not an image</html>")
    assert response.status_code == 303
    page = html(await client.get(response.headers["location"]))
    assert "not an image, video, audio or document" in page.select_one(".flash-error").get_text()
    assert media.upload_of(await Campaign.objects().get(Campaign.id == campaign.id)) is None


async def test_an_image_over_whatsapps_5_mb_is_refused(client, signed_in_user):
    campaign = await make_campaign(signed_in_user.id, (await make_instance(signed_in_user.id)).id)
    response = await upload(client, campaign.id, "big.png", png_bytes() + b"\x00" * (5 * 1024 * 1024))
    page = html(await client.get(response.headers["location"]))
    assert "at most 5 MB" in page.select_one(".flash-error").get_text()


async def test_another_user_cannot_fetch_the_media(client, signed_in_user, make_user, tmp_path):
    other = await make_user()
    campaign = await make_campaign(other.id, (await make_instance(other.id)).id)
    source = io.BytesIO(png_bytes())
    await media.attach(campaign.id, owner_id=other.id, source=source, file_name="x.png", media_dir=tmp_path)
    assert (await client.get(f"/campaigns/{campaign.id}/media")).status_code == 404


async def test_an_uploaded_image_reaches_evolution_as_base64_equal_to_the_file(db, sandbox, clock, make_user, tmp_path):
    owner = await make_user()
    instance = await sandbox_instance(owner.id, sandbox)
    campaign = await make_campaign(owner.id, instance.id, recipients=recipient_rows(phones(3), {"name": "Ana"}))
    image = png_bytes(3, 3)
    await media.attach(campaign.id, owner_id=owner.id, source=io.BytesIO(image), file_name="x.png", media_dir=tmp_path)
    await Campaign.update({Campaign.status: CampaignStatus.RUNNING.value}).where(Campaign.id == campaign.id)
    async with EvolutionClient(read_timeout=2, connect_timeout=2) as evolution:
        await run_until_done(dispatcher(clock, evolution), clock)
    sends = [r["body"] for r in sandbox.requests() if r["path"].startswith("/message/sendMedia")]
    assert len(sends) == 3
    assert {(s["mediatype"], s["fileName"], s["caption"]) for s in sends} == {("image", "x.png", "Hello Ana!")}
    assert all(base64.b64decode(s["media"], validate=True) == image for s in sends)
    recorded = [m["message"]["imageMessage"] for m in sandbox.messages()]
    digest = list(hashlib.sha256(image).digest())
    assert [(r["fileLength"]["low"], list(r["fileSha256"].values())) for r in recorded] == [(len(image), digest)] * 3


async def test_a_missing_media_file_fails_the_sends_with_the_reason(db, sandbox, clock, make_user, tmp_path):
    owner = await make_user()
    instance = await sandbox_instance(owner.id, sandbox)
    campaign = await make_campaign(owner.id, instance.id, recipients=recipient_rows(phones(1), {"name": "Ana"}))
    stored = await media.attach(
        campaign.id, owner_id=owner.id, source=io.BytesIO(png_bytes()), file_name="x.png", media_dir=tmp_path
    )
    (tmp_path / stored.path).unlink()
    await Campaign.update({Campaign.status: CampaignStatus.RUNNING.value}).where(Campaign.id == campaign.id)
    async with EvolutionClient(read_timeout=2, connect_timeout=2) as evolution:
        await run_until_done(dispatcher(clock, evolution), clock)
    assert [r for r in sandbox.requests() if r["path"].startswith("/message/send")] == []
    row = await Campaign.objects().get(Campaign.id == campaign.id)
    assert row.failed_count == 1


async def test_deleting_a_campaign_deletes_its_media_file(db, make_user, tmp_path):
    owner = await make_user()
    campaign = await make_campaign(owner.id, (await make_instance(owner.id)).id)
    source = io.BytesIO(png_bytes())
    stored = await media.attach(campaign.id, owner_id=owner.id, source=source, file_name="x.png", media_dir=tmp_path)
    await editing.delete(campaign.id, owner_id=owner.id)
    assert not (tmp_path / stored.path).exists()


async def test_a_second_upload_replaces_the_first_file(db, make_user, tmp_path):
    owner = await make_user()
    campaign = await make_campaign(owner.id, (await make_instance(owner.id)).id)
    first = await media.attach(
        campaign.id, owner_id=owner.id, source=io.BytesIO(png_bytes()), file_name="a.png", media_dir=tmp_path
    )
    second = await media.attach(
        campaign.id, owner_id=owner.id, source=io.BytesIO(b"%PDF-1.7\n%%EOF"), file_name="b.pdf", media_dir=tmp_path
    )
    assert not (tmp_path / first.path).exists() and (tmp_path / second.path).exists()
    assert (second.kind, second.file_name) == ("document", "b.pdf")
