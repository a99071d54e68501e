"""The text one recipient of one campaign receives: the only way pages, preview, test send and sender render it.

`models.rendering.render` does the substitution; this module adds the one rule the callers must share, the spintax
seed. Choices are seeded by (campaign, phone), so a recipient's test send, the preview of that recipient, the send
itself and every retry of it show the same variant, while different recipients still get different ones.
"""

from __future__ import annotations

import random
from collections.abc import Mapping

from models.rendering import render


def recipient_text(message: str, variables: Mapping[str, object], *, campaign_id: int | None, phone: str) -> str:
    """`message` rendered for the recipient `phone` of campaign `campaign_id` (None: a campaign not saved yet)."""
    return render(message, variables, rng=random.Random(f"{campaign_id}:{phone}"))  # variation, not security
