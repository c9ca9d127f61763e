"""SQLAlchemy models of the org service (its own schema)."""

import uuid
from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, validates

from services.org.domain.names import INITIALS_LENGTH, PINYIN_LENGTH, pinyin_keys
from shared.kit.audit import Audited
from shared.kit.db import (
    CreatedByMixin,
    IdMixin,
    KitBase,
    TimestampMixin,
    VersionedMixin,
    new_metadata,
)
from shared.kit.tables import define_kit_tables


class Base(KitBase):
    """Root of every org model."""

    __abstract__ = True
    metadata = new_metadata()


KIT = define_kit_tables(Base.metadata)


class Record(IdMixin, TimestampMixin, VersionedMixin, Audited):
    """Id, timestamps, version and audit: what every org record has."""


class PinyinNamed:
    """A ``name`` found and sorted by its pinyin: the keys follow the name when it is set."""

    name_pinyin: Mapped[str] = mapped_column(String(PINYIN_LENGTH), default="")
    name_initials: Mapped[str] = mapped_column(String(INITIALS_LENGTH), default="")

    @validates("name")
    def _keep_pinyin(self, _key: str, name: str) -> str:
        self.name_pinyin, self.name_initials = pinyin_keys(name)
        return name


class Company(Record, Base):
    """The company profile (one row)."""

    __tablename__ = "company"

    name: Mapped[str] = mapped_column(String(200))
    structure_type: Mapped[str] = mapped_column(String(20), default="line_functional")
    registered_address: Mapped[str] = mapped_column(String(500), default="")
    unified_social_credit_code: Mapped[str | None] = mapped_column(String(18), default=None)
    default_currency: Mapped[str] = mapped_column(String(3), default="CNY")

    __table_args__ = (
        CheckConstraint(
            "structure_type IN ('line_functional', 'divisional', 'matrix')", name="structure_type"
        ),
    )


class Department(Record, PinyinNamed, Base):
    """A node of the department tree."""

    __tablename__ = "departments"

    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str | None] = mapped_column(String(200), default=None)
    parent_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("departments.id"), default=None, index=True
    )
    head_employee_id: Mapped[uuid.UUID | None] = mapped_column(default=None, index=True)
    charter: Mapped[list[str]] = mapped_column(JSON, default=list)
    charter_en: Mapped[list[str]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(10), default="active")

    __table_args__ = (
        CheckConstraint("status IN ('active', 'archived')", name="status"),
        # Exactly one root: the index holds one row at most for "parent_id IS NULL".
        Index(
            "uq_departments_single_root",
            text("(parent_id IS NULL)"),
            unique=True,
            postgresql_where=text("parent_id IS NULL"),
            sqlite_where=text("parent_id IS NULL"),
        ),
    )


class Position(Record, Base):
    """A job position (title and grade) in a department."""

    __tablename__ = "positions"

    title: Mapped[str] = mapped_column(String(200))
    grade: Mapped[str] = mapped_column(String(20))
    department_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("departments.id"), index=True)

    __table_args__ = (UniqueConstraint("department_id", "title"),)


class Employee(Record, PinyinNamed, Base):
    """A person employed by the company."""

    __tablename__ = "employees"

    employee_number: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    email: Mapped[str] = mapped_column(String(254), unique=True)
    phone: Mapped[str | None] = mapped_column(String(40), default=None)
    department_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("departments.id"))
    position_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("positions.id"), default=None)
    manager_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("employees.id"), default=None, index=True
    )
    employment_type: Mapped[str] = mapped_column(String(12), default="full_time")
    is_management: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(12), default="active")
    hire_date: Mapped[date]
    leave_date: Mapped[date | None] = mapped_column(default=None)
    work_start_date: Mapped[date | None] = mapped_column(default=None)
    id_number: Mapped[str | None] = mapped_column(String(32), default=None)
    birth_date: Mapped[date | None] = mapped_column(default=None)

    __table_args__ = (
        CheckConstraint(
            "employment_type IN ('full_time', 'part_time', 'intern')", name="employment_type"
        ),
        CheckConstraint("status IN ('onboarding', 'active', 'on_leave', 'left')", name="status"),
        CheckConstraint("manager_id IS NULL OR manager_id <> id", name="not_own_manager"),
        Index("ix_employees_department_id_name", "department_id", "name", "id"),
        Index("ix_employees_name_id", "name", "id"),
        Index("ix_employees_name_pinyin_id", "name_pinyin", "id"),
        Index("ix_employees_status", "status"),
    )


class Party(Record, CreatedByMixin, Base):
    """An external organization: customer, supplier or partner."""

    __tablename__ = "parties"

    kind: Mapped[str] = mapped_column(String(10))
    name: Mapped[str] = mapped_column(String(200))
    credit_code: Mapped[str | None] = mapped_column(String(18), default=None, unique=True)
    address: Mapped[str] = mapped_column(String(500), default="")
    industry: Mapped[str | None] = mapped_column(String(100), default=None)
    tier: Mapped[str | None] = mapped_column(String(20), default=None)
    owner_employee_id: Mapped[uuid.UUID | None] = mapped_column(default=None)

    __table_args__ = (
        CheckConstraint("kind IN ('customer', 'supplier', 'partner')", name="kind"),
        Index("ix_parties_name_id", "name", "id"),
    )


class PartyContact(Record, Base):
    """A person at an external party."""

    __tablename__ = "party_contacts"

    party_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("parties.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(100))
    title: Mapped[str | None] = mapped_column(String(100), default=None)
    phone: Mapped[str | None] = mapped_column(String(40), default=None)
    email: Mapped[str | None] = mapped_column(String(254), default=None)


class Document(Record, CreatedByMixin, Base):
    """A regulation, notice or announcement with its review and publication."""

    __tablename__ = "documents"

    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text, default="")
    category: Mapped[str] = mapped_column(String(20))
    owner_department_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("departments.id"), index=True)
    status: Mapped[str] = mapped_column(String(12), default="draft")
    audience_all: Mapped[bool] = mapped_column(Boolean, default=True)
    audience_department_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
    submitted_at: Mapped[datetime | None] = mapped_column(default=None)
    reviewed_by: Mapped[str | None] = mapped_column(String(200), default=None)
    review_comment: Mapped[str | None] = mapped_column(String(2000), default=None)
    published_at: Mapped[datetime | None] = mapped_column(default=None)
    archived_at: Mapped[datetime | None] = mapped_column(default=None)

    __table_args__ = (
        CheckConstraint("category IN ('regulation', 'notice', 'announcement')", name="category"),
        CheckConstraint("status IN ('draft', 'in_review', 'published', 'archived')", name="status"),
    )


class Acknowledgement(IdMixin, Base):
    """An employee's confirmation of having read a published document."""

    __tablename__ = "acknowledgements"

    document_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    employee_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("employees.id"))
    acknowledged_at: Mapped[datetime]

    __table_args__ = (UniqueConstraint("document_id", "employee_id"),)
