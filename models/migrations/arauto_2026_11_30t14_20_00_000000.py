"""Accounts, limits, cost and history (issue 15).

`arauto_user_profile` gains the per-user limits (NULL = unlimited), the language, and the alert webhook;
`arauto_password_link` holds the one-time links an admin hands to a new user (stored hashed, expiring);
`arauto_instance.cost_per_message` is the current price, and `arauto_campaign_message.price` the price recorded when
the message was sent (so a later change of price does not rewrite history); `arauto_campaign_history` keeps every
status change of a campaign with who did it and from where; `replied_count` and `replied_at` attribute replies
received within 72 hours of a send to the campaign; `arauto_alert` records each usage alert once per owner, kind
and period (a unique index), with its webhook delivery state.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from models.migrations._raw import add_column, changes_migration, create_table

ID = "2026-11-30T14:20:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "user limits, password links, message cost and campaign history"

PASSWORD_LINKS = create_table(
    "arauto_password_link",
    '"id" {serial} PRIMARY KEY NOT NULL, '
    '"user" INTEGER NOT NULL REFERENCES "piccolo_user" ("id") ON DELETE CASCADE, '
    '"token_hash" VARCHAR(64) NOT NULL UNIQUE, '
    '"created_at" TIMESTAMPTZ NOT NULL, '
    '"expires_at" TIMESTAMPTZ NOT NULL, '
    '"used_at" TIMESTAMPTZ NULL DEFAULT NULL',
    (("ix_password_link_user", '"user"', False),),
)
HISTORY = create_table(
    "arauto_campaign_history",
    '"id" {serial} PRIMARY KEY NOT NULL, '
    '"campaign" INTEGER NOT NULL REFERENCES "arauto_campaign" ("id") ON DELETE CASCADE, '
    '"at" TIMESTAMPTZ NOT NULL, '
    '"action" VARCHAR(20) NOT NULL, '
    "\"from_status\" VARCHAR(16) NOT NULL DEFAULT '', "
    "\"to_status\" VARCHAR(16) NOT NULL DEFAULT '', "
    "\"actor\" VARCHAR(200) NOT NULL DEFAULT '', "
    "\"source\" VARCHAR(16) NOT NULL DEFAULT '', "
    "\"reason\" TEXT NOT NULL DEFAULT ''",
    (("ix_campaign_history_campaign_at", '"campaign", "at"', False),),
)
ALERTS = create_table(
    "arauto_alert",
    '"id" {serial} PRIMARY KEY NOT NULL, '
    '"owner" INTEGER NOT NULL REFERENCES "piccolo_user" ("id") ON DELETE CASCADE, '
    '"kind" VARCHAR(32) NOT NULL, '
    '"period" VARCHAR(64) NOT NULL, '
    '"message" TEXT NOT NULL DEFAULT \'\', '
    '"created_at" TIMESTAMPTZ NOT NULL, '
    '"dismissed_at" TIMESTAMPTZ NULL DEFAULT NULL, '
    '"delivered_at" TIMESTAMPTZ NULL DEFAULT NULL, '
    '"delivery_attempts" INTEGER NOT NULL DEFAULT 0, '
    '"next_delivery_at" TIMESTAMPTZ NULL DEFAULT NULL, '
    '"delivery_error" VARCHAR(500) NOT NULL DEFAULT \'\'',
    (
        ("uq_alert_owner_kind_period", '"owner", "kind", "period"', True),
        ("ix_alert_next_delivery", '"next_delivery_at"', False),
    ),
)

CHANGES = (
    add_column("arauto_user_profile", "daily_limit", "INTEGER NULL DEFAULT NULL"),
    add_column("arauto_user_profile", "monthly_limit", "INTEGER NULL DEFAULT NULL"),
    add_column("arauto_user_profile", "alert_webhook_url", "VARCHAR(500) NOT NULL DEFAULT ''"),
    PASSWORD_LINKS,
    add_column("arauto_instance", "cost_per_message", "NUMERIC(12, 4) NOT NULL DEFAULT 0"),
    add_column("arauto_campaign_message", "price", "NUMERIC(12, 4) NULL DEFAULT NULL"),
    add_column("arauto_campaign", "replied_count", "INTEGER NOT NULL DEFAULT 0"),
    add_column("arauto_campaign_message", "replied_at", "TIMESTAMPTZ NULL DEFAULT NULL"),
    HISTORY,
    add_column("arauto_user_profile", "alert_webhook_secret", "VARCHAR(64) NOT NULL DEFAULT ''"),
    ALERTS,
)


async def forwards() -> MigrationManager:
    return changes_migration(ID, DESCRIPTION, CHANGES)
