"""Every table of Arauto. Rules live in the modules beside this one; this file declares columns only.

Composite and unique indexes (campaign+phone unique, campaign+status+next attempt, ...) are created by raw SQL in
the migrations, because Piccolo cannot add table constraints on SQLite.
"""

from __future__ import annotations

from decimal import Decimal

from piccolo.apps.user.tables import BaseUser
from piccolo.columns import (
    JSON,
    BigInt,
    BigSerial,
    Boolean,
    Date,
    ForeignKey,
    Integer,
    Numeric,
    OnDelete,
    Serial,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.table import Table

from models.statuses import CampaignStatus, ConnectionState, MessageStatus


class OwnedRow:
    """The columns of a row a user owns and edits (a number, a template, a contact, a list): its owner (deleting the
    user deletes it) and when it was created and last changed. Piccolo copies a mixin's columns into each table;
    the migrations, not the order of these columns, define the schema."""

    owner = ForeignKey(BaseUser, on_delete=OnDelete.cascade, index=True)
    created_at = Timestamptz()
    updated_at = Timestamptz()


class UserProfile(Table, tablename="arauto_user_profile"):
    """What Arauto keeps about a user beyond Piccolo's BaseUser (login is by e-mail = username)."""

    id = Serial(primary_key=True)

    user = ForeignKey(BaseUser, on_delete=OnDelete.cascade, unique=True, index=True)
    timezone = Varchar(length=64, default="UTC")
    locale = Varchar(length=8, default="", help_text="pt-BR or en; empty: the browser's language")
    daily_limit = Integer(null=True, default=None)  # messages per day in `timezone`; NULL = unlimited
    monthly_limit = Integer(null=True, default=None)  # messages per calendar month in `timezone`; NULL = unlimited
    alert_webhook_url = Varchar(length=500, default="")
    alert_webhook_secret = Varchar(length=64, default="", secret=True)  # signs the alerts POSTed to the URL
    # The user-limit slot (models/sending/_user_slot.py): sends claimed on the local day `day_of` and in the local
    # month beginning `month_of`, moved by compare-and-swap in each claim's transaction.
    day_sent = Integer(default=0)
    day_of = Date(null=True, default=None)
    month_sent = Integer(default=0)
    month_of = Date(null=True, default=None)


class PasswordLink(Table, tablename="arauto_password_link"):
    """A one-time link an admin hands to a new user to set their password (stored hashed; it expires)."""

    id = Serial(primary_key=True)

    user = ForeignKey(BaseUser, on_delete=OnDelete.cascade, index=True)
    token_hash = Varchar(length=64, unique=True)
    created_at = Timestamptz()
    expires_at = Timestamptz()
    used_at = Timestamptz(null=True, default=None)


class SetupToken(Table, tablename="arauto_setup_token"):
    """The one-time link printed on the console while no user exists (stored hashed)."""

    id = Serial(primary_key=True)

    token_hash = Varchar(length=64, unique=True)
    created_at = Timestamptz()
    used_at = Timestamptz(null=True, default=None)


class UserSession(Table, tablename="arauto_session"):
    """A signed-in browser; the cookie names it by a random key (stored hashed). Deleting the row ends the session
    at once, in every process; `last_seen_at` makes it expire after inactivity."""

    key_hash = Varchar(length=64, primary_key=True)
    owner = ForeignKey(BaseUser, on_delete=OnDelete.cascade, null=False, index=True)
    created_at = Timestamptz()
    last_seen_at = Timestamptz(index=True)


class LoginThrottle(Table, tablename="arauto_login_throttle"):
    """Login attempts per key (`email:<e-mail>` or `address:<ip>`) in a fixed window starting at `window_start`
    (epoch seconds); one atomic upsert counts an attempt before its password is checked."""

    key = Varchar(length=300, primary_key=True)
    attempts = Integer(default=0)
    window_start = BigInt(default=0)


class ApiToken(Table, tablename="arauto_api_token"):
    """A bearer token for the JSON API; only its SHA-256 is stored."""

    id = Serial(primary_key=True)

    owner = ForeignKey(BaseUser, on_delete=OnDelete.cascade, index=True)
    name = Varchar(length=100)
    token_hash = Varchar(length=64, unique=True)
    prefix = Varchar(length=12)
    created_at = Timestamptz()
    last_used_at = Timestamptz(null=True, default=None)


class Instance(OwnedRow, Table, tablename="arauto_instance"):
    """One WhatsApp number on an Evolution server, with its send caps and its send slot."""

    id = Serial(primary_key=True)

    name = Varchar(length=100)
    server_url = Varchar(length=500)
    api_key = Text(secret=True)
    instance_name = Varchar(length=100, index=True)
    webhook_secret = Varchar(length=64, secret=True)
    state = Varchar(length=16, default=ConnectionState.UNKNOWN.value, choices=ConnectionState)
    state_reason = Text(default="")
    state_checked_at = Timestamptz(null=True, default=None)
    phone_number = Varchar(length=32, default="")
    webhook_registered = Boolean(default=False)
    rate_per_minute = Integer(default=20)
    jitter_percent = Integer(default=30)
    daily_cap = Integer(default=1000)
    cost_per_message = Numeric(digits=(12, 4), default=Decimal(0))  # in ARAUTO_CURRENCY; exact, never a float
    next_send_at = Timestamptz(null=True, default=None)
    next_check_at = Timestamptz(null=True, default=None)  # the number check's own slot (models/sending/_precheck)
    sent_today = Integer(default=0)
    sent_day = Date(null=True, default=None)
    warmup = Boolean(default=False)  # the daily cap ramps up with the number's age (models/sending/pacing.py)
    warmup_started_at = Date(null=True, default=None)  # day 0 of the warm-up schedule
    warmup_halved_day = Date(null=True, default=None)  # the cap day its cap was halved for a high failure rate


class MessageTemplate(OwnedRow, Table, tablename="arauto_message_template"):
    """A reusable message with {{variable}} placeholders and optional media."""

    id = Serial(primary_key=True)

    name = Varchar(length=200)
    body = Text()
    media_url = Varchar(length=2000, default="")
    media_type = Varchar(length=16, default="")


class Campaign(Table, tablename="arauto_campaign"):
    """A bulk send: message, audience (CampaignMessage rows), rate, status and funnel counters."""

    id = Serial(primary_key=True)

    owner = ForeignKey(BaseUser, on_delete=OnDelete.cascade, index=True)
    instance = ForeignKey(Instance, on_delete=OnDelete.restrict, null=True, index=True)
    template = ForeignKey(MessageTemplate, on_delete=OnDelete.set_null, null=True)
    name = Varchar(length=200)
    message = Text(default="")
    media_url = Varchar(length=2000, default="")
    media_type = Varchar(length=16, default="")
    media_filename = Varchar(length=255, default="")
    # The recipients' variable names, once (a JSON list); each CampaignMessage.variables holds values in this order.
    variable_names = Text(default="[]")
    media_upload = Text(default="")  # JSON: an uploaded file (models/campaigns/media.py); '' = none
    status = Varchar(length=16, default=CampaignStatus.DRAFT.value, choices=CampaignStatus, index=True)
    pause_reason = Text(default="")
    auto_paused = Boolean(default=False)  # paused by Arauto (instance down): resumes by itself on reconnect
    scheduled_for = Timestamptz(null=True, default=None, index=True)
    started_at = Timestamptz(null=True, default=None)
    completed_at = Timestamptz(null=True, default=None)
    rate_limit = Integer(default=20)
    max_retries = Integer(default=3)
    precheck = Boolean(default=False)  # check numbers on WhatsApp before the first send (new campaigns: on)
    check_requested = Boolean(default=False)  # "Check numbers" asked before Start
    next_send_at = Timestamptz(null=True, default=None)
    send_window = Text(null=True, default=None)  # JSON {"days": [...], "start": "09:00", "end": "20:00"}; NULL = any
    timezone = Varchar(length=64, default="")  # the window's zone; '' = the owner's
    expires_at = Timestamptz(null=True, default=None)  # pending messages become SKIPPED "expired" at this time
    frequency_cap_hours = Integer(null=True, default=None)  # NULL = off
    total_recipients = Integer(default=0)
    pending_count = Integer(default=0)
    sent_count = Integer(default=0)
    delivered_count = Integer(default=0)
    read_count = Integer(default=0)
    failed_count = Integer(default=0)
    skipped_count = Integer(default=0)
    replied_count = Integer(default=0)  # recipients who wrote back within 72 h of their send
    created_at = Timestamptz(index=True)
    updated_at = Timestamptz()


class CampaignMessage(Table, tablename="arauto_campaign_message"):
    """One recipient of one campaign and everything that happened to its message."""

    id = BigSerial(primary_key=True)
    campaign = ForeignKey(Campaign, on_delete=OnDelete.cascade)
    row_number = Integer(default=0)
    phone = Varchar(length=20)
    raw_phone = Varchar(length=64, default="")
    variables = JSON(default="[]")  # values in Campaign.variable_names' order (models/variables.py decodes)
    status = Varchar(length=16, default=MessageStatus.PENDING.value, choices=MessageStatus)
    attempts = Integer(default=0)
    next_attempt_at = Timestamptz(null=True, default=None)
    claimed_at = Timestamptz(null=True, default=None)
    claimed_by = Varchar(length=64, default="")
    evolution_id = Varchar(length=64, null=True, default=None, index=True)
    remote_jid = Varchar(length=128, default="")
    whatsapp_jid = Varchar(length=128, default="")  # the JID the pre-check resolved ('' = not checked)
    instance_id = Integer(null=True, default=None)  # the number that sends to it (set at claim, kept for retries)
    error = Text(default="")
    sent_at = Timestamptz(null=True, default=None)
    delivered_at = Timestamptz(null=True, default=None)
    read_at = Timestamptz(null=True, default=None)
    failed_at = Timestamptz(null=True, default=None)
    replied_at = Timestamptz(null=True, default=None)  # the first reply within 72 h of the send
    price = Numeric(digits=(12, 4), null=True, default=None)  # the instance's cost_per_message when it was sent


class CampaignHistory(Table, tablename="arauto_campaign_history"):
    """One status change of a campaign: what, who (user, API token, scheduler, instance state), from where, when."""

    id = Serial(primary_key=True)

    campaign = ForeignKey(Campaign, on_delete=OnDelete.cascade)
    at = Timestamptz()
    action = Varchar(length=20)
    from_status = Varchar(length=16, default="")
    to_status = Varchar(length=16, default="")
    actor = Varchar(length=200, default="")
    source = Varchar(length=16, default="")
    reason = Text(default="")


class Alert(Table, tablename="arauto_alert"):
    """A usage alert, recorded once per (owner, kind, period) by a unique index; shown until dismissed and POSTed
    to the owner's alert webhook by a periodic job (with retries)."""

    id = Serial(primary_key=True)

    owner = ForeignKey(BaseUser, on_delete=OnDelete.cascade)
    kind = Varchar(length=32)
    period = Varchar(length=64)  # the day, the month, or instance:<id>:<since>
    message = Text(default="")
    created_at = Timestamptz()
    dismissed_at = Timestamptz(null=True, default=None)
    delivered_at = Timestamptz(null=True, default=None)
    delivery_attempts = Integer(default=0)
    next_delivery_at = Timestamptz(null=True, default=None)
    delivery_error = Varchar(length=500, default="")


class CampaignNumber(Table, tablename="arauto_campaign_number"):
    """One of a campaign's numbers (`instanceIds`, in order; the first is also `Campaign.instance`)."""

    id = Serial(primary_key=True)

    campaign = ForeignKey(Campaign, on_delete=OnDelete.cascade)
    instance = ForeignKey(Instance, on_delete=OnDelete.restrict)  # indexed by the migration
    position = Integer(default=0)


class NumberEvent(Table, tablename="arauto_number_event"):
    """One of a campaign's numbers went down or came back, and what the campaign did (shown on its page)."""

    id = Serial(primary_key=True)

    campaign = ForeignKey(Campaign, on_delete=OnDelete.cascade)
    instance = ForeignKey(Instance, on_delete=OnDelete.cascade)
    at = Timestamptz()
    event = Varchar(length=16)  # down, up, paused, resumed (models/instances/connection.py)
    reason = Text(default="")


class WhatsappCheck(Table, tablename="arauto_whatsapp_check"):
    """Whether a number is on WhatsApp and the JID it resolved to, per user; reused for 30 days."""

    id = Serial(primary_key=True)

    owner = ForeignKey(BaseUser, on_delete=OnDelete.cascade)
    phone = Varchar(length=20)
    on_whatsapp = Boolean(default=False)
    jid = Varchar(length=128, default="")
    checked_at = Timestamptz()


class OptOut(Table, tablename="arauto_opt_out"):
    """A number that asked not to be contacted by this user (a STOP reply, or added by hand)."""

    id = Serial(primary_key=True)

    owner = ForeignKey(BaseUser, on_delete=OnDelete.cascade, index=True)
    phone = Varchar(length=20)
    source = Varchar(length=16, default="manual")
    note = Text(default="")
    created_at = Timestamptz()


class WebhookEvent(Table, tablename="arauto_webhook_event"):
    """A received Evolution event, kept once per dedupe key so a replay changes nothing."""

    id = Serial(primary_key=True)

    instance = ForeignKey(Instance, on_delete=OnDelete.cascade, index=True)
    event = Varchar(length=40)
    dedupe_key = Varchar(length=200)
    key_id = Varchar(length=64, null=True, default=None, index=True)
    payload = JSON(default="{}")
    received_at = Timestamptz()
    processed_at = Timestamptz(null=True, default=None, index=True)  # applied (NULL: not yet, or waiting)
    apply_attempts = Integer(default=0)  # tries that did not apply it: failed, or a receipt still waiting
    apply_error = Varchar(length=500, default="")  # why the last try failed (logs and support)


class Contact(OwnedRow, Table, tablename="arauto_contact"):
    """One person a user can message, unique by number per user; campaigns copy it, so deleting it keeps reports."""

    id = Serial(primary_key=True)

    phone = Varchar(length=20)  # E.164 digits, as CampaignMessage.phone; unique per owner (migration index)
    attributes = JSON(default="{}")  # the import's columns by header, the variables of the campaigns that use it
    tags = Varchar(length=1000, default="")  # " tag-a tag-b " (each tag [a-z0-9_-], spaces around each)


class ContactList(OwnedRow, Table, tablename="arauto_contact_list"):
    """A named set of contacts that many campaigns reuse (a contact can be in many lists)."""

    id = Serial(primary_key=True)

    name = Varchar(length=200)


class ListMember(Table, tablename="arauto_list_member"):
    """A contact's place in a list; (list, contact) is unique (migration index)."""

    id = BigSerial(primary_key=True)

    contact_list = ForeignKey(ContactList, on_delete=OnDelete.cascade)
    contact = ForeignKey(Contact, on_delete=OnDelete.cascade, index=True)
    added_at = Timestamptz()


class CampaignList(Table, tablename="arauto_campaign_list"):
    """A list a campaign sends to (`exclude` false) or leaves out (`exclude` true); frozen into messages at start."""

    id = Serial(primary_key=True)

    campaign = ForeignKey(Campaign, on_delete=OnDelete.cascade)
    contact_list = ForeignKey(ContactList, on_delete=OnDelete.cascade, index=True)
    exclude = Boolean(default=False)


class Worker(Table, tablename="arauto_worker"):
    """A sender's liveness: it beats every few seconds; a worker silent past the limit is dead and its claims are
    reconciled by the others (models/sending/_recovery.py), not left to the lease. `worker` is `claimed_by`."""

    id = Serial(primary_key=True)

    worker = Varchar(length=64, unique=True)  # host:pid:tail, as scheduler/dispatcher.py's worker_id()
    started_at = Timestamptz()
    beat_at = Timestamptz()
