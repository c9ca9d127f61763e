"""Settings of the gateway (``OFFICINA_*`` environment variables)."""

from pathlib import Path

from pydantic import Field, create_model
from pydantic_settings import BaseSettings, SettingsConfigDict

from shared.kit.settings import PLATFORM_AUDIENCE, PLATFORM_ISSUER
from shared.registry import SERVICE_NAMES, component

# One optional ``<service>_url`` setting (``OFFICINA_<SERVICE>_URL``) per registered service.
_ServiceUrls = create_model(
    "_ServiceUrls",
    __base__=BaseSettings,
    **{f"{name}_url": (str | None, None) for name in SERVICE_NAMES},  # type: ignore[call-overload]
)


class GatewaySettings(_ServiceUrls):
    """Where the services are, how tokens are signed, and the gateway's own limits."""

    model_config = SettingsConfigDict(env_prefix="OFFICINA_", extra="ignore")

    data_dir: Path = Path("./data")
    database_url: str | None = None
    gateway_database_url: str | None = None
    database_schema: str | None = None
    schema_prefix: str = ""
    port: int = 8000
    public_url: str | None = None
    token_issuer: str = PLATFORM_ISSUER
    token_audience: str = PLATFORM_AUDIENCE
    access_token_ttl: int = Field(default=15 * 60, ge=60, le=24 * 3600)
    refresh_token_ttl: int = Field(default=14 * 24 * 3600, ge=300)
    jwt_private_key: str | None = None  # PEM; otherwise a key in the data directory
    admin_password: str | None = None
    cors_origins: list[str] = Field(default_factory=list)
    upstream_timeout: float = Field(default=30.0, gt=0)
    upstream_connect_timeout: float = Field(default=3.0, gt=0)
    max_body_bytes: int = Field(default=10 * 1024 * 1024, ge=1024)
    own_max_body_bytes: int = Field(
        default=1024 * 1024,
        ge=1024,
        description="Largest body the gateway's own routes (/api/v1/auth/…) accept.",
    )
    upstream_concurrency: int = Field(
        default=16,
        ge=1,
        description="Requests in flight to one service at once; more wait in line.",
    )
    login_attempts: int = Field(default=5, ge=1)
    login_window_seconds: int = Field(default=15 * 60, ge=1)
    trusted_proxies: list[str] = Field(
        default_factory=list,
        description="Proxies (addresses or CIDR blocks) whose Forwarded / X-Forwarded-For "
        "headers name the caller's address; none by default, so the peer address counts.",
    )
    write_limit: int = Field(
        default=1200, ge=1, description="Writes one caller may make through the gateway at once."
    )
    write_window_seconds: float = Field(
        default=60.0, gt=0, description="Time in which a caller's write allowance refills."
    )
    revocation_refresh_seconds: float = Field(
        default=2.0,
        gt=0,
        description="How often the gateway re-reads revoked tokens from its database "
        "(for other gateway replicas' revocations; its own take effect at once).",
    )
    org_timeout: float = Field(
        default=3.0, gt=0, description="Seconds the gateway waits for org's employee data."
    )
    log_level: str = "INFO"
    json_logs: bool = True

    def service_url(self, service: str) -> str:
        """Base URL of a service: its own setting, else its registry port above the gateway's."""
        explicit = getattr(self, f"{service}_url")
        if explicit:
            return str(explicit).rstrip("/")
        return component(service).url("127.0.0.1", self.port)

    def service_urls(self) -> dict[str, str]:
        """Every service's base URL, by name."""
        return {service: self.service_url(service) for service in SERVICE_NAMES}

    def resolved_schema(self) -> str:
        """The gateway's PostgreSQL schema (ignored on SQLite)."""
        return self.database_schema or f"{self.schema_prefix}gateway"

    def resolved_database_url(self) -> str:
        """The gateway's database: its own URL, the platform URL, else SQLite in the data dir."""
        if self.gateway_database_url:
            return self.gateway_database_url
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{(self.data_dir / 'gateway.db').resolve()}"
