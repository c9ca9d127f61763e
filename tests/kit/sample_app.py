"""A small service built only from the kit, so the kit is tested the way services use it."""

import asyncio
import uuid
from decimal import Decimal
from typing import Annotated

from fastapi import FastAPI, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import Integer, Numeric, String, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from shared.contracts.events import EventPayload, event_contract
from shared.contracts.money import Money
from shared.contracts.page import Page
from shared.kit.app import create_service_app
from shared.kit.audit import Audited
from shared.kit.auth import CurrentPrincipal
from shared.kit.concurrency import check_if_match, set_etag
from shared.kit.db import IdMixin, KitBase, TimestampMixin, VersionedMixin, new_metadata
from shared.kit.errors import Conflict, not_found
from shared.kit.outbox import record_event
from shared.kit.pagination import PageParamsDep, paginate
from shared.kit.routing import SessionDep, service_router
from shared.kit.settings import ServiceSettings
from shared.kit.tables import define_kit_tables
from shared.kit.tokens import TokenVerifier


class Base(KitBase):
    __abstract__ = True
    metadata = new_metadata()


KIT = define_kit_tables(Base.metadata)


class Note(IdMixin, TimestampMixin, VersionedMixin, Audited, Base):
    __tablename__ = "notes"

    title: Mapped[str] = mapped_column(String(200), unique=True)
    body: Mapped[str] = mapped_column(String(2000), default="")
    amount: Mapped[Decimal] = mapped_column(Numeric(14, 2), default=Decimal("0.00"))


class EventTally(Base):
    """A consumer's effect: how many times each event was applied (must never exceed 1)."""

    __tablename__ = "event_tallies"

    event_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer)
    type: Mapped[str] = mapped_column(String(120))
    applied: Mapped[int] = mapped_column(Integer, default=0)


# The sample service's event contracts (every recorded event type needs one).
@event_contract("notes.note.created")
class NoteCreated(EventPayload):
    title: str | None = None


@event_contract("notes.note.updated")
class NoteUpdated(EventPayload):
    pass


@event_contract("notes.note.copied")
class NoteCopied(EventPayload):
    pass


@event_contract("notes.load.tick")
class LoadTick(EventPayload):
    writer: int
    txn: int
    part: int


class NoteCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=1, max_length=200)
    body: str = ""
    amount: Money = Decimal("0.00")


class NoteUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str | None = Field(default=None, min_length=1, max_length=200)
    body: str | None = None


class NoteRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    title: str
    body: str
    amount: Money
    version: int


router = service_router(prefix="/api/v1/notes", tags=["notes"])


async def _create(session: AsyncSession, payload: NoteCreate) -> Note:
    exists = await session.scalar(select(Note.id).where(Note.title == payload.title))
    if exists:
        raise Conflict(f"a note titled {payload.title!r} exists", code="duplicate_title")
    note = Note(**payload.model_dump())
    session.add(note)
    await session.flush()
    await record_event(
        session,
        "notes.note.created",
        subject_type="note",
        subject_id=note.id,
        data={"title": note.title},
    )
    return note


@router.post("/notes", status_code=201, response_model=NoteRead)
async def create_note(payload: NoteCreate, session: SessionDep, _p: CurrentPrincipal) -> Note:
    return await _create(session, payload)


@router.post("/notes/batch", status_code=201, response_model=list[NoteRead])
async def create_notes(
    payload: list[NoteCreate], session: SessionDep, _p: CurrentPrincipal
) -> list[Note]:
    """Several notes, and so several events, in one transaction."""
    return [await _create(session, item) for item in payload]


Pause = Annotated[float, Query(ge=0, le=5)]


@router.post("/slow-notes", status_code=201, response_model=NoteRead)
async def create_note_slowly(
    payload: NoteCreate,
    session: SessionDep,
    _p: CurrentPrincipal,
    pause_before: Pause = 0,
    pause_after: Pause = 0,
) -> Note:
    """Like POST /notes, but takes its time before writing and before committing."""
    await asyncio.sleep(pause_before)
    note = await _create(session, payload)
    await asyncio.sleep(pause_after)
    return note


@router.get("/notes", response_model=Page[NoteRead])
async def list_notes(
    session: SessionDep, params: PageParamsDep, _p: CurrentPrincipal
) -> Page[NoteRead]:
    return await paginate(
        session,
        select(Note),
        params,
        sortable={"title": Note.title, "created_at": Note.created_at, "id": Note.id},
        id_column=Note.id,
        default_sort="created_at",
        to_item=NoteRead.model_validate,
    )


@router.get("/notes/{note_id}", response_model=NoteRead)
async def read_note(
    note_id: uuid.UUID, session: SessionDep, response: Response, _p: CurrentPrincipal
) -> Note:
    note = await session.get(Note, note_id)
    if note is None:
        raise not_found("note", note_id)
    set_etag(response, note.version)
    return note


@router.patch("/notes/{note_id}", response_model=NoteRead)
async def update_note(
    note_id: uuid.UUID,
    payload: NoteUpdate,
    request: Request,
    response: Response,
    session: SessionDep,
    _p: CurrentPrincipal,
    pause: Pause = 0,
) -> Note:
    note = await session.get(Note, note_id)
    if note is None:
        raise not_found("note", note_id)
    check_if_match(request, note.version)
    await asyncio.sleep(pause)  # lets a test race two writers between check and write
    for field, value in payload.model_dump(exclude_unset=True).items():
        setattr(note, field, value)
    await session.flush()
    await record_event(
        session, "notes.note.updated", subject_type="note", subject_id=note.id, data={}
    )
    set_etag(response, note.version)
    return note


@router.post("/lazy-notes", status_code=201)
async def create_note_lazily(
    payload: NoteCreate, session: SessionDep, _p: CurrentPrincipal
) -> dict[str, str]:
    """Adds the note without checking or flushing: the database has its say at commit."""
    note = Note(**payload.model_dump())
    session.add(note)
    return {"id": str(note.id), "title": note.title}


@router.get("/notes/{note_id}/copy")
async def copy_on_read(
    note_id: uuid.UUID, session: SessionDep, _p: CurrentPrincipal
) -> dict[str, str]:
    """A read with side effects (against the convention, but it must not lose them): adds a
    copy of the note without flushing and records an event."""
    note = await session.get(Note, note_id)
    if note is None:
        raise not_found("note", note_id)
    copy = Note(title=f"copy of {note.title}")
    session.add(copy)
    await record_event(
        session, "notes.note.copied", subject_type="note", subject_id=copy.id, data={}
    )
    return {"id": str(copy.id)}


@router.post("/crash")
async def crash(session: SessionDep, _p: CurrentPrincipal) -> dict[str, str]:
    note = Note(title="never-committed")
    session.add(note)
    await session.flush()
    await record_event(
        session, "notes.note.created", subject_type="note", subject_id=note.id, data={}
    )
    raise RuntimeError("boom: SELECT secret FROM passwords")


def create_app(database_url: str, schema: str, verifier: TokenVerifier) -> FastAPI:
    settings = ServiceSettings(
        service="notes", database_url=database_url, database_schema=schema, publisher_interval=0.2
    )
    return create_service_app(
        settings, metadata=Base.metadata, tables=KIT, routers=[router], verifier=verifier
    )
