"""Models of finance: its copy of org's departments and employees (fed by org's events)."""

import uuid
from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from services.finance.db.models import Base


class Department(Base):
    """finance's copy of org's departments (tree, code and head), kept current from org's feed."""

    __tablename__ = "departments"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), index=True)
    name: Mapped[str] = mapped_column(String(200))
    parent_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    head_employee_id: Mapped[uuid.UUID | None] = mapped_column(default=None, index=True)
    status: Mapped[str] = mapped_column(String(12), default="active")
    synced_at: Mapped[datetime]


class Employee(Base):
    """finance's copy of org's employees (name, department, manager), kept current from org's feed."""

    __tablename__ = "employees"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    employee_number: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(100))
    department_id: Mapped[uuid.UUID] = mapped_column(index=True)
    manager_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    status: Mapped[str] = mapped_column(String(12))
    synced_at: Mapped[datetime]
