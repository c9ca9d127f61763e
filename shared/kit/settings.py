"""Configuration common to every process, read from ``OFFICINA_*`` environment variables."""

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PLATFORM_ISSUER = "officina"
PLATFORM_AUDIENCE = "officina-api"


class ServiceSettings(BaseSettings):
    """Settings of one service; the service name selects ``OFFICINA_<SERVICE>_DATABASE_URL``.

    Precedence for the database: the per-service URL, then ``OFFICINA_DATABASE_URL`` (one
    PostgreSQL database, one schema per service), then a SQLite file in the data directory.
    """

    model_config = SettingsConfigDict(env_prefix="OFFICINA_", extra="ignore")

    service: str = "service"
    data_dir: Path = Path("./data")
    database_url: str | None = None
    database_schema: str | None = None
    schema_prefix: str = ""
    gateway_url: str = "http://127.0.0.1:8000"
    jwks_url: str | None = None
    token_issuer: str = PLATFORM_ISSUER
    token_audience: str = PLATFORM_AUDIENCE
    client_id: str | None = None
    client_secret: str | None = None
    log_level: str = "INFO"
    json_logs: bool = True
    publisher_interval: float = Field(default=1.0, gt=0)
    consumers_enabled: bool = True

    def resolved_database_url(self, environ: dict[str, str] | None = None) -> str:
        """The database URL this service uses, by the precedence above."""
        import os

        env = os.environ if environ is None else environ
        specific = env.get(f"OFFICINA_{self.service.upper()}_DATABASE_URL")
        if specific:
            return specific
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{(self.data_dir / f'{self.service}.db').resolve()}"

    def resolved_schema(self) -> str:
        """The PostgreSQL schema of this service (ignored on SQLite)."""
        return self.database_schema or f"{self.schema_prefix}{self.service}"

    def client_credentials(self) -> tuple[str | None, str | None]:
        """This service's own client: ``OFFICINA_<SERVICE>_CLIENT_ID`` / ``_SECRET`` (as the
        launcher hands them over), else ``OFFICINA_CLIENT_ID`` / ``_SECRET``."""
        import os

        prefix = f"OFFICINA_{self.service.upper()}_CLIENT_"
        return (
            os.environ.get(prefix + "ID") or self.client_id,
            os.environ.get(prefix + "SECRET") or self.client_secret,
        )

    def resolved_jwks_url(self) -> str:
        """Where the gateway publishes its token-signing keys."""
        return self.jwks_url or f"{self.gateway_url.rstrip('/')}/.well-known/jwks.json"
