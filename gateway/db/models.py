"""SQLAlchemy models of the gateway's own schema."""

import uuid
from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from shared.kit.audit import Audited
from shared.kit.db import IdMixin, KitBase, TimestampMixin, VersionedMixin, new_metadata
from shared.kit.tables import define_kit_tables


class Base(KitBase):
    """Root of every gateway model."""

    __abstract__ = True
    metadata = new_metadata()


KIT = define_kit_tables(Base.metadata)


class Account(IdMixin, TimestampMixin, VersionedMixin, Audited, Base):
    """A person who logs in with a username and password."""

    __tablename__ = "accounts"

    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    roles: Mapped[list[str]] = mapped_column(JSON, default=list)
    # One account per employee (NULLs, accounts of no employee, do not clash).
    employee_id: Mapped[uuid.UUID | None] = mapped_column(default=None, unique=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    last_login_at: Mapped[datetime | None] = mapped_column(default=None)
    # Raised whenever the account's access tokens must stop working at once (roles, employee
    # link, deactivation, password); tokens carry it as ``gen``.
    token_generation: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    tokens_revoked_at: Mapped[datetime | None] = mapped_column(default=None, index=True)


class Client(IdMixin, TimestampMixin, VersionedMixin, Audited, Base):
    """A system that authenticates with client credentials (an integrator or a service)."""

    __tablename__ = "clients"

    client_id: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    secret_hash: Mapped[str] = mapped_column(String(64))
    scopes: Mapped[list[str]] = mapped_column(JSON, default=list)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    builtin: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by: Mapped[str | None] = mapped_column(String(200), default=None)
    # Raised when the client's access tokens must stop at once (deactivated, scopes taken).
    token_generation: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    tokens_revoked_at: Mapped[datetime | None] = mapped_column(default=None, index=True)


class RefreshToken(IdMixin, Base):
    """One refresh token of a login session (a family); only its hash is stored."""

    __tablename__ = "refresh_tokens"

    family_id: Mapped[uuid.UUID] = mapped_column(index=True)
    account_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    issued_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None] = mapped_column(default=None)
    revoked_at: Mapped[datetime | None] = mapped_column(default=None, index=True)
