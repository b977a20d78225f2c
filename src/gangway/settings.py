"""Settings, built once (CLI or tests) and passed down; every field can come from ``GANGWAY_*``."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from gangway.webhooks.circuit import CircuitPolicy
from gangway.webhooks.egress import EgressPolicy

__all__ = ["Settings"]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="GANGWAY_", extra="ignore")

    host: str = "127.0.0.1"
    port: int = Field(default=12111, ge=0, le=65535)
    workers: int = Field(default=1, ge=1, le=64)
    data_dir: Path = Path(".gangway")
    database_url: str | None = None
    """SQLAlchemy URL; defaults to SQLite (WAL) at ``<data_dir>/gangway.db``."""
    public_url: str | None = None
    """Origin that browsers reach this server at (account link URLs); defaults to http://host:port."""
    encryption_key: SecretStr | None = None
    """Base64 of 32 bytes for PII at rest; defaults to ``<data_dir>/encryption.key``, made on first start."""
    rules_dir: Path | None = None
    """Requirement rule files to use instead of the shipped ones (one YAML file per country)."""
    idempotency_ttl_hours: int = Field(default=24, ge=24)
    event_retention_days: int = Field(default=30, ge=30)
    """Events (and their deliveries) are kept this long; Stripe keeps them 30 days."""
    max_body_bytes: int = Field(default=1_048_576, ge=1024)
    header_timeout_seconds: float = Field(default=10.0, gt=0, le=600)
    """A request's line and headers must arrive within this of the connection opening (or, on a
    kept-alive connection, of the request's first byte): a slow client cannot hold a socket."""
    keep_alive_seconds: float = Field(default=5.0, gt=0, le=600)
    """An idle kept-alive connection is closed after this long without a new request."""
    max_connections: int = Field(default=512, ge=1, le=100_000)
    """Open connections per process; one more gets an immediate 429 and is closed."""
    max_header_bytes: int = Field(default=65_000, ge=1024, le=65_000)
    """URL plus headers: a longer URL gets 414, longer headers 431. At most just under httptools'
    65,535-byte URL ceiling (its own answer is a plain-text 400); the default lets through every
    URL httpx will send (64 KiB)."""
    log_level: str = "warning"
    scheduler: bool = True
    """Run the deadline scheduler inside ``gangway serve``; turn off when ``gangway worker``
    processes do it instead."""
    sweep_interval_seconds: float = Field(default=1.0, gt=0, le=3600)
    link_lifetime_seconds: int = Field(default=600, ge=10, le=86_400)
    """How long an Account Link can be opened after it is created (Stripe's v2 example: 10 min)."""
    session_idle_seconds: int = Field(default=1800, ge=60, le=86_400)
    """A hosted onboarding session ends after this long without a request."""
    console: bool = True
    """Serve the operator console under ``/console``; ``GANGWAY_CONSOLE=false`` turns it off
    (the path then answers 404, as any unknown path)."""
    console_idle_seconds: int = Field(default=1800, ge=60, le=86_400)
    """A console session ends after this long without a request."""
    console_session_hours: int = Field(default=12, ge=1, le=168)
    """A console session ends this long after sign-in, however busy."""
    upload_max_bytes: int = Field(default=10 * 1_048_576, ge=1024)
    """Largest document the hosted form accepts (Stripe's limit: 10 MB)."""
    deliveries: bool = True
    """Deliver events to event destinations from inside ``gangway serve``; turn off when
    ``gangway worker`` processes deliver instead."""
    delivery_timeout_seconds: float = Field(default=10.0, gt=0, le=120)
    """An attempt that has no complete answer by then failed (and is retried)."""
    delivery_concurrency: int = Field(default=64, ge=1, le=1024)
    """Attempts in flight at once, per process (also the connection pool's size)."""
    delivery_poll_seconds: float = Field(default=0.25, gt=0, le=60)
    """How often to look for due retries and for deliveries other processes owe; a commit in
    this process wakes the worker at once."""
    delivery_lease_seconds: float = Field(default=60.0, ge=1, le=3600)
    """A claimed delivery whose outcome was never recorded (a crash) is due again after this;
    at least the timeout plus 2 s is used."""
    delivery_test_retries: int = Field(default=3, ge=0, le=1000)
    """Test mode retries this many times after the first attempt (Stripe: three times over a
    few hours); live mode follows a fixed schedule of up to 3 days."""
    delivery_test_retry_base_seconds: float = Field(default=600.0, gt=0, le=86_400)
    """Test mode's first retry comes within this; each later one within three times more."""
    delivery_test_retry_cap_seconds: float = Field(default=7200.0, gt=0, le=86_400)
    """Test mode's longest wait between two attempts."""
    delivery_destination_concurrency: int = Field(default=32, ge=1, le=1024)
    """Attempts in flight to one destination at once, per process: a slow or dead destination
    holds at most this many of the ``delivery_concurrency`` slots."""
    delivery_circuit_failures: int = Field(default=5, ge=1, le=10_000)
    """Consecutive failed attempts that pause a destination (its circuit opens)."""
    delivery_circuit_pause_seconds: float = Field(default=30.0, gt=0, le=86_400)
    """The first pause; each failed probe after it doubles the pause."""
    delivery_circuit_pause_cap_seconds: float = Field(default=3600.0, gt=0, le=86_400)
    """The longest pause between two probes of a failing destination."""
    delivery_live_disable_after_seconds: float = Field(default=432_000.0, gt=0)
    """A live destination that has failed every attempt for this long (5 days) is disabled."""
    delivery_test_disable_after_seconds: float = Field(default=86_400.0, gt=0)
    """The same in test mode (1 day)."""

    def circuit_policy(self) -> CircuitPolicy:
        return CircuitPolicy(
            failures_to_open=self.delivery_circuit_failures,
            first_pause_ms=max(1, int(self.delivery_circuit_pause_seconds * 1000)),
            longest_pause_ms=max(1, int(self.delivery_circuit_pause_cap_seconds * 1000)),
            test_disable_after_ms=int(self.delivery_test_disable_after_seconds * 1000),
            live_disable_after_ms=int(self.delivery_live_disable_after_seconds * 1000),
        )

    egress_allowed_hosts: str = ""
    """Comma-separated host names, addresses and networks (``hooks.internal,10.1.0.0/16``) that
    deliveries may reach in either mode although the egress policy refuses them (cloud metadata
    addresses stay refused)."""
    egress_test_loopback: bool = True
    """Test-mode destinations may be on loopback (a developer's receiver); turn off for a shared
    sandbox whose test keys strangers hold."""

    @field_validator("egress_allowed_hosts")
    @classmethod
    def _parse_allowed_hosts(cls, value: str) -> str:
        EgressPolicy.from_entries(value.split(","))  # a malformed entry stops the start
        return value

    def egress_policy(self) -> EgressPolicy:
        return EgressPolicy.from_entries(
            self.egress_allowed_hosts.split(","), test_loopback=self.egress_test_loopback
        )

    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'gangway.db').resolve()}"

    def resolved_public_url(self) -> str:
        if self.public_url:
            return self.public_url.rstrip("/")
        return f"http://{self.host}:{self.port}"

    @property
    def is_sqlite(self) -> bool:
        return self.resolved_database_url().startswith("sqlite")
