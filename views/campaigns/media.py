"""A campaign's uploaded media file: upload (multipart, checked by content), remove, and serve it to its owner."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import anyio
from litestar import get, post
from litestar.datastructures import UploadFile
from litestar.exceptions import NotFoundException
from litestar.params import MultipartBody
from litestar.plugins.flash import flash
from litestar.response import File, Redirect

from models.campaigns import media
from models.campaigns import preview as campaign_preview
from models.errors import ValidationFailed
from models.media_files import MAX_MEDIA_BYTES
from models.tables import Campaign
from views.campaigns.deps import OWN_CAMPAIGN, OwnCampaign
from views.deps import AnyRequest, AppSettings, SignedInUser
from views.guards import SignedInPages
from views.i18n import _
from views.redirects import success_redirect

ENVELOPE_BYTES = 64 * 1024


@dataclass
class MediaForm:
    file: UploadFile | None = None


def bubble_media(campaign_id: int, upload: media.MediaUpload | None) -> dict[str, str] | None:
    """What the preview bubble draws for an upload: its kind, where the owner's browser fetches it, its name."""
    if upload is None:
        return None
    return {"kind": upload.kind, "src": f"/campaigns/{campaign_id}/media", "file_name": upload.file_name}


async def message_preview(campaign: Campaign, *, owner_id: int) -> dict[str, Any]:
    """The campaign page's message block: the bubble as its first recipient gets it, with the media."""
    preview = await campaign_preview.preview(campaign.message, owner_id=owner_id, campaign_id=campaign.id)
    return {"message_preview": preview, "media": bubble_media(campaign.id, media.upload_of(campaign))}


class CampaignMediaPages(SignedInPages):
    path = "/campaigns/{campaign_id:int}/media"
    dependencies = OWN_CAMPAIGN

    @post("/", name="campaign_media_upload", request_max_body_size=MAX_MEDIA_BYTES + ENVELOPE_BYTES)
    async def upload(
        self,
        request: AnyRequest,
        campaign: OwnCampaign,
        current_user: SignedInUser,
        settings: AppSettings,
        data: MultipartBody[MediaForm],
    ) -> Redirect:
        """Keep the file as the campaign's media; back to the form, which shows it in the preview bubble."""
        if data.file is None or not data.file.filename:
            flash(request, _("Choose a file to upload."), category="error")
        else:
            try:
                await media.attach(
                    campaign.id,
                    owner_id=current_user.id,
                    source=data.file.file,
                    file_name=data.file.filename,
                    media_dir=settings.media_path,
                )
                flash(request, _("Media file uploaded."), category="success")
            except ValidationFailed as invalid:
                flash(request, invalid.errors.get("file", str(invalid)), category="error")
        return Redirect(f"/campaigns/{campaign.id}/edit", status_code=303)

    @post("/delete", name="campaign_media_delete")
    async def delete(self, request: AnyRequest, campaign: OwnCampaign, current_user: SignedInUser) -> Redirect:
        await media.remove(campaign.id, owner_id=current_user.id)
        return success_redirect(request, _("Media file removed."), "campaign_edit", campaign_id=campaign.id)

    @get("/", name="campaign_media")
    async def show(self, campaign: OwnCampaign) -> File:
        """The file, to its owner only (the dependency answers 404 to anyone else); never sniffed by the browser."""
        upload = media.upload_of(campaign)
        if upload is None or not await anyio.Path(upload.path).is_file():
            raise NotFoundException(_("This campaign has no media file."))
        return File(
            path=upload.path,
            filename=upload.file_name,
            media_type=upload.mime,
            content_disposition_type="attachment" if upload.kind == "document" else "inline",
            headers={"X-Content-Type-Options": "nosniff", "Cache-Control": "private, no-store"},
        )
