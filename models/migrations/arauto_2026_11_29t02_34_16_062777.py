"""The initial tables, as Piccolo's auto migration created them.

Piccolo generated one `add_table` per table, then one `add_column` per column with every argument spelled out. The
same calls, in the same order and with the same arguments, are now made by a loop over `_tables()`: each column is
its name, its class and its own parameters, the ones every column states filled in by `_params`.
tests/unit/test_migration_calls.py holds the generated file's calls and checks this one still makes exactly them.
"""

from enum import Enum

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.base import OnDelete, OnUpdate
from piccolo.columns.column_types import (
    JSON,
    BigSerial,
    Boolean,
    Date,
    ForeignKey,
    Integer,
    Serial,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.columns.indexes import IndexMethod
from piccolo.table import Table

ID = "2026-11-29T02:34:16:062777"
VERSION = "1.38.0"
DESCRIPTION = "initial tables"


# The parameters Piccolo states for every column, with the value most columns give them.
_COMMON = {
    "null": False,
    "primary_key": False,
    "unique": False,
    "index": False,
    "index_method": IndexMethod.btree,
    "choices": None,
    "db_column_name": None,
    "secret": False,
}


def _params(**given):
    """A column's parameters as Piccolo writes them: its class's own first (length, default, references...), then
    every common one, given or default."""
    own = {name: value for name, value in given.items() if name not in _COMMON}
    return {**own, **{name: given.get(name, default) for name, default in _COMMON.items()}}


# The tables the foreign keys point at, as the migration knew them: a name and a serial key.
class BaseUser(Table, tablename="piccolo_user", schema=None):
    id = Serial(**_params(primary_key=True, db_column_name="id"))


class Campaign(Table, tablename="arauto_campaign", schema=None):
    id = Serial(**_params(primary_key=True))


class Instance(Table, tablename="arauto_instance", schema=None):
    id = Serial(**_params(primary_key=True))


class MessageTemplate(Table, tablename="arauto_message_template", schema=None):
    id = Serial(**_params(primary_key=True))


def _column(name, column_class, **given):
    """A column's `add_column` arguments but its table's: named alike in Python and in the database."""
    return {
        "column_name": name,
        "db_column_name": name,
        "column_class_name": column_class.__name__,
        "column_class": column_class,
        "params": _params(**given),
    }


def _key(column_class=Serial):
    return _column("id", column_class, primary_key=True)


def _varchar(name, length, default="", **flags):
    return _column(name, Varchar, length=length, default=default, **flags)


def _text(name, **flags):
    return _column(name, Text, default="", **flags)


def _integer(name, default):
    return _column(name, Integer, default=default)


def _moment(name, **flags):
    """A time that may be absent (NULL until it happens)."""
    return _column(name, Timestamptz, default=None, null=True, **flags)


def _stamp(name, **flags):
    """A time set to now when the row is written."""
    return _column(name, Timestamptz, default=TimestamptzNow(), **flags)


def _foreign_key(name, references, on_delete=OnDelete.cascade, **flags):
    specific = {"references": references, "on_delete": on_delete, "on_update": OnUpdate.cascade, "target_column": None}
    return _column(name, ForeignKey, **specific, null=True, **flags)


def _owner(name="owner", **flags):
    return _foreign_key(name, BaseUser, index=True, **flags)


def _tables():
    """(class name, table name, columns), in the generated file's order."""
    connection_state = Enum(
        "ConnectionState", {"OPEN": "open", "CONNECTING": "connecting", "CLOSE": "close", "UNKNOWN": "unknown"}
    )
    campaign_status = Enum(
        "CampaignStatus",
        {s: s for s in ("DRAFT", "SCHEDULED", "RUNNING", "PAUSED", "COMPLETED", "CANCELLED", "FAILED")},
    )
    message_status = Enum(
        "MessageStatus", {s: s for s in ("PENDING", "SENDING", "SENT", "DELIVERED", "READ", "FAILED", "SKIPPED")}
    )
    return (
        (
            "MessageTemplate",
            "arauto_message_template",
            (
                _key(),
                _owner(),
                _varchar("name", 200),
                _text("body"),
                _varchar("media_url", 2000),
                _varchar("media_type", 16),
                _stamp("created_at"),
                _stamp("updated_at"),
            ),
        ),
        (
            "OptOut",
            "arauto_opt_out",
            (
                _key(),
                _owner(),
                _varchar("phone", 20),
                _varchar("source", 16, "manual"),
                _text("note"),
                _stamp("created_at"),
            ),
        ),
        (
            "ApiToken",
            "arauto_api_token",
            (
                _key(),
                _owner(),
                _varchar("name", 100),
                _varchar("token_hash", 64, unique=True),
                _varchar("prefix", 12),
                _stamp("created_at"),
                _moment("last_used_at"),
            ),
        ),
        (
            "Instance",
            "arauto_instance",
            (
                _key(),
                _owner(),
                _varchar("name", 100),
                _varchar("server_url", 500),
                _text("api_key", secret=True),
                _varchar("instance_name", 100, index=True),
                _varchar("webhook_secret", 64, secret=True),
                _varchar("state", 16, "unknown", choices=connection_state),
                _text("state_reason"),
                _moment("state_checked_at"),
                _varchar("phone_number", 32),
                _column("webhook_registered", Boolean, default=False),
                _integer("rate_per_minute", 20),
                _integer("jitter_percent", 30),
                _integer("daily_cap", 1000),
                _moment("next_send_at"),
                _integer("sent_today", 0),
                _column("sent_day", Date, default=None, null=True),
                _stamp("created_at"),
                _stamp("updated_at"),
            ),
        ),
        (
            "Campaign",
            "arauto_campaign",
            (
                _key(),
                _owner(),
                _foreign_key("instance", Instance, OnDelete.restrict, index=True),
                _foreign_key("template", MessageTemplate, OnDelete.set_null),
                _varchar("name", 200),
                _text("message"),
                _varchar("media_url", 2000),
                _varchar("media_type", 16),
                _varchar("media_filename", 255),
                _varchar("status", 16, "DRAFT", index=True, choices=campaign_status),
                _text("pause_reason"),
                _column("auto_paused", Boolean, default=False),
                _moment("scheduled_for", index=True),
                _moment("started_at"),
                _moment("completed_at"),
                _integer("rate_limit", 20),
                _integer("max_retries", 3),
                _moment("next_send_at"),
                *(
                    _integer(count, 0)
                    for count in (
                        "total_recipients",
                        "pending_count",
                        "sent_count",
                        "delivered_count",
                        "read_count",
                        "failed_count",
                        "skipped_count",
                    )
                ),
                _stamp("created_at", index=True),
                _stamp("updated_at"),
            ),
        ),
        (
            "UserProfile",
            "arauto_user_profile",
            (
                _key(),
                _owner("user", unique=True),
                _varchar("timezone", 64, "UTC"),
            ),
        ),
        (
            "CampaignMessage",
            "arauto_campaign_message",
            (
                _key(BigSerial),
                _foreign_key("campaign", Campaign),
                _integer("row_number", 0),
                _varchar("phone", 20),
                _varchar("raw_phone", 64),
                _column("variables", JSON, default="{}"),
                _varchar("status", 16, "PENDING", choices=message_status),
                _integer("attempts", 0),
                _moment("next_attempt_at"),
                _moment("claimed_at"),
                _varchar("claimed_by", 64),
                _varchar("evolution_id", 64, None, null=True, index=True),
                _varchar("remote_jid", 128),
                _text("error"),
                *(_moment(at) for at in ("sent_at", "delivered_at", "read_at", "failed_at")),
            ),
        ),
        (
            "SetupToken",
            "arauto_setup_token",
            (
                _key(),
                _varchar("token_hash", 64, unique=True),
                _stamp("created_at"),
                _moment("used_at"),
            ),
        ),
        (
            "WebhookEvent",
            "arauto_webhook_event",
            (
                _key(),
                _foreign_key("instance", Instance, index=True),
                _varchar("event", 40),
                _varchar("dedupe_key", 200),
                _varchar("key_id", 64, None, null=True, index=True),
                _column("payload", JSON, default="{}"),
                _stamp("received_at"),
                _moment("processed_at", index=True),
            ),
        ),
        (
            "LoginFailure",
            "arauto_login_failure",
            (
                _key(),
                _varchar("email", 254, index=True),
                _varchar("address", 64, index=True),
                _stamp("at", index=True),
            ),
        ),
    )


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="arauto", description=DESCRIPTION)
    tables = _tables()
    for class_name, tablename, _ in tables:
        manager.add_table(class_name=class_name, tablename=tablename, schema=None, columns=None)
    for class_name, tablename, columns in tables:
        for column in columns:
            manager.add_column(table_class_name=class_name, tablename=tablename, schema=None, **column)
    return manager
