"""Composite and unique indexes named by the design's queries (raw SQL: Piccolo cannot add them on SQLite)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from models.migrations._raw import create_indexes, drop_indexes, raw_migration, run

ID = "2026-11-29T02:40:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "composite indexes"

INDEXES = (
    ("uq_message_campaign_phone", "arauto_campaign_message", "campaign, phone", True),
    ("ix_message_campaign_status_next", "arauto_campaign_message", "campaign, status, next_attempt_at", False),
    ("ix_message_status_claimed", "arauto_campaign_message", "status, claimed_at", False),
    ("ix_campaign_owner_status", "arauto_campaign", "owner, status", False),
    ("ix_campaign_owner_instance", "arauto_campaign", "owner, instance", False),
    ("ix_campaign_status_scheduled", "arauto_campaign", "status, scheduled_for", False),
    ("uq_optout_owner_phone", "arauto_opt_out", "owner, phone", True),
    ("uq_webhook_event_dedupe", "arauto_webhook_event", "instance, dedupe_key", True),
    ("ix_login_failure_email_at", "arauto_login_failure", "email, at", False),
)


async def forwards() -> MigrationManager:
    return raw_migration(ID, DESCRIPTION, run(create_indexes(INDEXES)), run(drop_indexes(INDEXES)))
