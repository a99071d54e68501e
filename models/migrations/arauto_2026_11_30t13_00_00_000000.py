"""Variable names once per campaign: `arauto_campaign.variable_names` (a JSON list), each recipient's `variables`
becoming the JSON list of its values in that order (null = absent). Raw SQL valid on SQLite and PostgreSQL; the JSON
is rewritten in Python, one campaign at a time (issue 10, finding 2)."""

import json

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from models.migrations._raw import query, raw_migration

ID = "2026-11-30T13:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "variable names once per campaign"
BATCH = 1000


def _loaded(raw):
    try:
        return json.loads(raw) if isinstance(raw, (str, bytes)) else raw
    except ValueError:
        return None


async def _messages(campaign_id):
    """The campaign's (id, variables) rows, BATCH at a time by id."""
    last = 0
    while True:
        rows = await query(
            "SELECT id, variables FROM arauto_campaign_message WHERE campaign = {} AND id > {} ORDER BY id LIMIT {}",
            campaign_id,
            last,
            BATCH,
        )
        if not rows:
            return
        for row in rows:
            yield row["id"], _loaded(row["variables"])
        last = rows[-1]["id"]


async def _set_variables(message_id, values):
    text = json.dumps(values, ensure_ascii=False, separators=(",", ":"))
    await query("UPDATE arauto_campaign_message SET variables = {} WHERE id = {}", text, message_id)


async def _campaign_ids():
    return [row["id"] for row in await query("SELECT id FROM arauto_campaign ORDER BY id")]


async def forwards() -> MigrationManager:
    async def names_per_campaign() -> None:
        await query("ALTER TABLE arauto_campaign ADD COLUMN variable_names TEXT NOT NULL DEFAULT '[]'")
        for campaign_id in await _campaign_ids():
            names = {}
            async for _, variables in _messages(campaign_id):
                if isinstance(variables, dict):
                    names.update(dict.fromkeys(k for k in variables if k not in names))
            index = {name: position for position, name in enumerate(names)}
            async for message_id, variables in _messages(campaign_id):
                if not isinstance(variables, dict):
                    continue
                values = [None] * max((index[k] + 1 for k in variables), default=0)
                for key, value in variables.items():
                    values[index[key]] = value
                await _set_variables(message_id, values)
            await query(
                "UPDATE arauto_campaign SET variable_names = {} WHERE id = {}",
                json.dumps(list(names), ensure_ascii=False),
                campaign_id,
            )

    async def names_per_recipient() -> None:
        for campaign_id in await _campaign_ids():
            rows = await query("SELECT variable_names FROM arauto_campaign WHERE id = {}", campaign_id)
            names = _loaded(rows[0]["variable_names"]) or []
            async for message_id, variables in _messages(campaign_id):
                if isinstance(variables, list):
                    pairs = zip(names, variables, strict=False)
                    await _set_variables(message_id, {name: value for name, value in pairs if value is not None})
        await query("ALTER TABLE arauto_campaign DROP COLUMN variable_names")

    return raw_migration(ID, DESCRIPTION, names_per_campaign, names_per_recipient)
