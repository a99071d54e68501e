"""Every ARAUTO_* setting in one dataclass, read once from the environment and injected."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

BASE_DIR = Path(__file__).resolve().parent
DEFAULT_DATABASE_URL = f"sqlite:///{BASE_DIR / 'var' / 'arauto.sqlite3'}"


def _setting(default: Any, env: str, help_text: str) -> Any:
    return field(default=default, metadata={"env": env, "help": help_text})


@dataclass(frozen=True)
class Settings:
    """Configuration: each field names its environment variable and help text (the README's table lists them)."""

    database_url: str = _setting(
        DEFAULT_DATABASE_URL, "DATABASE_URL", "SQLite file (default, under var/) or postgresql://user@host/db"
    )
    secret_key: str = _setting(
        "", "ARAUTO_SECRET_KEY", "Signs sessions and CSRF tokens. Empty: a random key kept in var/secret_key"
    )
    base_url: str = _setting(
        "http://127.0.0.1:8000", "ARAUTO_BASE_URL", "Public address of Arauto; webhooks given to Evolution use it"
    )
    default_region: str = _setting("BR", "ARAUTO_DEFAULT_REGION", "Region for phone numbers written without +country")
    default_timezone: str = _setting("America/Sao_Paulo", "ARAUTO_DEFAULT_TIMEZONE", "Time zone of new users")
    default_locale: str = _setting(
        "pt-BR", "ARAUTO_DEFAULT_LOCALE", "Language (pt-BR or en) when neither the user nor the browser picks one"
    )
    currency: str = _setting("BRL", "ARAUTO_CURRENCY", "Currency of instances' cost per message (ISO 4217 code)")
    max_rate: int = _setting(
        60, "ARAUTO_MAX_RATE", "Upper bound of a campaign's rate and of an instance's cap (msg/min)"
    )
    max_recipients: int = _setting(100_000, "ARAUTO_MAX_RECIPIENTS", "Most recipients one campaign may hold")
    max_upload_bytes: int = _setting(20 * 1024 * 1024, "ARAUTO_MAX_UPLOAD_BYTES", "Largest CSV upload accepted")
    media_dir: str = _setting("", "ARAUTO_MEDIA_DIR", "Where uploaded media files are kept. Empty: var/media")
    secure_cookies: bool = _setting(
        False, "ARAUTO_SECURE_COOKIES", "Mark cookies Secure (on automatically when ARAUTO_BASE_URL is https)"
    )
    login_max_failures: int = _setting(5, "ARAUTO_LOGIN_MAX_FAILURES", "Failed logins per e-mail before a pause")
    login_max_address_failures: int = _setting(
        50, "ARAUTO_LOGIN_MAX_ADDRESS_FAILURES", "Failed logins from one IP address (any e-mail) before a pause"
    )
    login_window_seconds: int = _setting(900, "ARAUTO_LOGIN_WINDOW_SECONDS", "Window and pause of the login throttle")
    session_idle_minutes: int = _setting(
        120, "ARAUTO_SESSION_IDLE_MINUTES", "Sign a browser out after this many minutes without a request"
    )
    scheduler_enabled: bool = _setting(True, "ARAUTO_SCHEDULER", "Run the sender inside this web process")
    dispatch_interval_seconds: float = _setting(1.0, "ARAUTO_DISPATCH_INTERVAL", "How often the sender looks for work")
    send_lease_seconds: int = _setting(
        120, "ARAUTO_SEND_LEASE_SECONDS", "A claimed message older than this is reconciled"
    )
    import_workers: int = _setting(
        0, "ARAUTO_IMPORT_WORKERS", "Processes that check the phone numbers of large CSV imports; 0: one per CPU core"
    )
    evolution_timeout_seconds: float = _setting(30.0, "ARAUTO_EVOLUTION_TIMEOUT", "Read timeout of calls to Evolution")
    evolution_hosts: str = _setting(
        "", "ARAUTO_EVOLUTION_HOSTS", "Comma-separated hosts (or host:port) instances may use; empty: any host"
    )
    sandbox_url: str = _setting("", "ARAUTO_SANDBOX_URL", "make run: the sandbox Evolution server to wire up")
    metrics_token: str = _setting(
        "", "ARAUTO_METRICS_TOKEN", "Bearer token that GET /metrics requires; empty: /metrics is off (404)"
    )
    warmup_schedule: str = _setting(
        "20,40,80,150,300,600",
        "ARAUTO_WARMUP_SCHEDULE",
        "Daily caps of a number in warm-up on its day 1, 2, 3...; after the last, its own cap",
    )
    warmup_failure_percent: int = _setting(
        20, "ARAUTO_WARMUP_FAILURE_PERCENT", "Failure rate over a warm-up number's last 50 sends that halves its cap"
    )
    log_format: str = _setting("text", "ARAUTO_LOG_FORMAT", "Log lines as plain `text` or `json` (one object a line)")
    log_level: str = _setting("INFO", "ARAUTO_LOG_LEVEL", "Lowest level logged: DEBUG, INFO, WARNING or ERROR")
    debug: bool = _setting(False, "ARAUTO_DEBUG", "Tracebacks in pages (never in production)")

    @property
    def is_postgres(self) -> bool:
        return self.database_url.startswith(("postgres://", "postgresql://"))

    @property
    def evolution_host_list(self) -> tuple[str, ...]:
        """ARAUTO_EVOLUTION_HOSTS as lowercase `host` or `host:port` entries (empty: any host)."""
        return tuple(entry.strip().lower() for entry in self.evolution_hosts.split(",") if entry.strip())

    @property
    def warmup_steps(self) -> tuple[int, ...]:
        """ARAUTO_WARMUP_SCHEDULE as daily caps, day 1 first (an unreadable value: the documented default)."""
        from models.sending.pacing import DEFAULT_WARMUP_SCHEDULE, parse_schedule  # models import settings too

        try:
            return parse_schedule(self.warmup_schedule)
        except ValueError:
            return DEFAULT_WARMUP_SCHEDULE

    @property
    def pacing(self) -> Any:
        """The sender's pacing settings (models.sending.pacing.PacingConfig)."""
        from models.sending.pacing import PacingConfig

        return PacingConfig(self.warmup_steps, self.warmup_failure_percent)

    @property
    def media_path(self) -> Path:
        return Path(self.media_dir) if self.media_dir else BASE_DIR / "var" / "media"

    @property
    def cookies_secure(self) -> bool:
        return self.secure_cookies or self.base_url.startswith("https://")


def _parse(raw: str, kind: type) -> Any:
    if kind is bool:
        return raw.strip().lower() in {"1", "true", "yes", "on"}
    return kind(raw)


def load_settings(environ: dict[str, str] | None = None, **overrides: Any) -> Settings:
    """Read every setting from the environment; keyword overrides win (tests use them)."""
    env = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    for f in fields(Settings):
        raw = env.get(f.metadata["env"])
        if raw not in (None, ""):
            values[f.name] = _parse(raw, type(f.default))
    values.update(overrides)
    settings = Settings(**values)
    if not settings.secret_key:
        settings = Settings(**{**values, "secret_key": _local_secret_key()})
    return settings


def _local_secret_key() -> str:
    """A random key created once and kept under var/, so sessions survive restarts without configuration."""
    path = BASE_DIR / "var" / "secret_key"
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
    return path.read_text().strip()
