"""The naive baseline of the org benchmark: a bare FastAPI app, no gateway, no auth.

It loads an employee with the SQLAlchemy ORM and returns a pydantic model — the way many
FastAPI services are written. Run by ``bench.org_directory`` against the same schema.
Configuration: ``NAIVE_DATABASE_URL`` and ``NAIVE_SCHEMA``.
"""

import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date

from fastapi import FastAPI, HTTPException
from pydantic import BaseModel, ConfigDict
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

from services.org.db.models import Employee


class EmployeeOut(BaseModel):
    """The employee as the baseline returns it."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    employee_number: str
    name: str
    email: str
    phone: str | None
    department_id: uuid.UUID
    position_id: uuid.UUID | None
    manager_id: uuid.UUID | None
    status: str
    employment_type: str
    is_management: bool
    hire_date: date
    leave_date: date | None
    work_start_date: date | None
    version: int


engine = create_async_engine(
    os.environ.get("NAIVE_DATABASE_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"),
    connect_args={"server_settings": {"search_path": os.environ.get("NAIVE_SCHEMA", "org")}},
    pool_size=10,
    max_overflow=20,
)
sessions = async_sessionmaker(engine, expire_on_commit=False)


@asynccontextmanager
async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
    yield
    await engine.dispose()


app = FastAPI(lifespan=lifespan)


@app.get("/employees/{employee_id}", response_model=EmployeeOut)
async def read_employee(employee_id: uuid.UUID) -> Employee:
    """Load one employee with the ORM."""
    async with sessions() as session:
        employee = await session.get(Employee, employee_id)
    if employee is None:
        raise HTTPException(404)
    return employee
