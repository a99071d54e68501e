"""Campaign pages: the list and delete (`_list`), and the form for new and edit with its live preview (`_editor`).

One controller for `/campaigns`, assembled from the two route sets, because Litestar registers one OPTIONS
handler per path and controller (two controllers both owning `/campaigns/` would collide).
"""

from views.campaigns._editor import CampaignEditorRoutes
from views.campaigns._list import CampaignListRoutes
from views.guards import requires_login


class CampaignPages(CampaignListRoutes, CampaignEditorRoutes):
    path = "/campaigns"
    guards = [requires_login]
    include_in_schema = False


__all__ = ["CampaignPages"]
