"""The approval saga: a service's record approved through workflow, declared once and run by the kit.

A service declares, per kind of approval, what workflow needs to start it (definition key,
title, summary, condition data) and how each outcome changes the record. The kit then does
the rest, the same way for every record:

* **commit before start** — :meth:`ApprovalSaga.begin` marks the record as awaiting its
  approval in the transaction that records it; :meth:`ApprovalSaga.commit_and_start` commits
  and only then asks workflow to start the instance, so nothing workflow starts can belong to
  a record the service lost;
* **one instance per approval** — the start carries an ``Idempotency-Key`` stored on the
  record, so asking again (a lost answer, a crash, the sweep) returns the same instance;
* **the sweep** — a start workflow has not confirmed is asked again by :class:`ApprovalSweeper`
  with back-off (``approval_retry_at``, indexed); a permanent refusal (a 4xx other than
  408/429) is terminal: the record's approval becomes ``approval_refused`` and the service's
  ``refused`` hook runs, instead of retrying forever;
* **withdrawal and the cancel-versus-decision race** — :meth:`ApprovalSaga.withdraw` is called
  once the record's own change is flushed (its row locked), so an outcome arriving meanwhile
  waits for it; when workflow has already decided, it answers 409
  ``approval_already_completed`` and the caller's transaction rolls back;
* **outcomes exactly once** — :meth:`ApprovalSaga.apply_outcome` is the handler of
  ``workflow.instance.completed`` for a :class:`~shared.kit.consumer.FeedConsumer`: the cursor
  moves in the same transaction, and an outcome only applies to a record still waiting for it.

The record's model mixes in :class:`ApprovalRecord`. See ``docs/kit.md`` ("The approval saga").
"""

import contextlib
import logging
import uuid
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, ClassVar, Final, Generic, TypeVar

import httpx
from sqlalchemy import Integer, String, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.orm.exc import StaleDataError

from shared.contracts.events import EventEnvelope, parse_event_as
from shared.contracts.ids import new_id
from shared.contracts.workflow_events import InstanceCompleted
from shared.kit.consumer import FeedConsumer, TokenSource
from shared.kit.db import utcnow
from shared.kit.errors import Conflict, ServiceUnavailable
from shared.kit.jobs import Periodic
from shared.kit.runtime import ServiceRuntime
from shared.kit.service_client import ServiceClient

log = logging.getLogger("officina.approvals")

INSTANCES: Final = "/api/v1/workflow/instances"
COMPLETED: Final = "workflow.instance.completed"
# Answers that say nothing certain about the start: ask again later. Every other 4xx is
# workflow refusing it for good (and storing that answer under the key, so it would replay).
RETRYABLE_4XX: Final = frozenset({401, 408, 429})
# …nor does a 409 saying the same key's first attempt is still running (workflow was slow).
RETRYABLE_CODES: Final = frozenset({"idempotency_request_in_flight"})

# The states of a record's latest approval (``approval_state``).
AWAITING_START: Final = "awaiting_start"
STARTED: Final = "started"
REFUSED: Final = "approval_refused"


class ApprovalRecord:
    """Mixin for a record approved through workflow: where the kit keeps its saga's state.

    ``approval_key``: the Idempotency-Key of the record's latest approval start;
    ``approval_state``: ``awaiting_start`` → ``started`` → the outcome (``approved``…), or
    ``approval_refused``; ``approval_retry_at``: when the sweep next asks workflow to start it
    (null unless awaiting; the sweep's indexed query); ``approval_attempts`` and
    ``approval_error``: the unconfirmed attempts so far and what the last one heard.
    """

    approval_key: Mapped[str | None] = mapped_column(String(200), default=None)
    approval_state: Mapped[str | None] = mapped_column(String(20), default=None)
    approval_retry_at: Mapped[datetime | None] = mapped_column(default=None, index=True)
    approval_attempts: Mapped[int] = mapped_column(Integer, default=0)
    approval_error: Mapped[str | None] = mapped_column(String(500), default=None)


R = TypeVar("R", bound=ApprovalRecord)
Apply = Callable[[AsyncSession, R], Awaitable[None]]


@dataclass(frozen=True)
class StartRequest:
    """What workflow is told when the approval starts."""

    requester_employee_id: uuid.UUID
    title: str
    summary: str = ""
    data: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class Approval(Generic[R]):
    """One kind of approval of a record.

    ``subject_type``: the subject workflow records (``leave_request``); ``definition_key``:
    workflow's definition; ``instance_attr``: the record's column holding the instance id;
    ``is_open(record)``: the record waits for this approval's outcome; ``describe``: title,
    summary and condition data; ``outcomes``: what each outcome (``approved``, ``rejected``,
    ``withdrawn``…) does to the record (an outcome not listed only records the instance);
    ``refused``: what a permanent refusal to start does; ``repeatable``: one record may ask
    for it more than once (each time gets its own key).
    """

    subject_type: str
    definition_key: str
    instance_attr: str
    is_open: Callable[[R], bool]
    describe: Callable[[AsyncSession, R], Awaitable[StartRequest]]
    outcomes: Mapping[str, Apply[R]] = field(default_factory=dict)
    refused: Apply[R] | None = None
    repeatable: bool = False

    def instance_of(self, record: R) -> uuid.UUID | None:
        """The workflow instance of this approval recorded on the record."""
        value: uuid.UUID | None = getattr(record, self.instance_attr)
        return value


@dataclass(frozen=True)
class Backoff:
    """How long the sweep leaves an unconfirmed start alone: ``first`` after the record's own
    attempt (longer than a call's timeout, so the two rarely race), doubling per failed
    attempt up to ``longest``."""

    first: timedelta = timedelta(seconds=10)
    longest: timedelta = timedelta(minutes=30)

    def after(self, attempts: int) -> timedelta:
        """The wait after ``attempts`` unconfirmed attempts."""
        if attempts <= 1:
            return self.first
        return min(self.first * (2 ** min(attempts - 1, 20)), self.longest)


def _problem_code(response: httpx.Response) -> str | None:
    """The ``code`` of a problem answer, if it is one."""
    try:
        body = response.json()
    except ValueError:
        return None
    return str(body.get("code")) if isinstance(body, dict) and body.get("code") else None


class _Started:
    def __init__(self, instance_id: uuid.UUID) -> None:
        self.instance_id = instance_id


class _Refused:
    def __init__(self, detail: str) -> None:
        self.detail = detail


class ApprovalSaga(Generic[R]):
    """The saga of one model's approvals (``approvals``: one per kind, distinct subject types)."""

    KEY_SEPARATOR: ClassVar[str] = ":"  # <subject_type>:<record id>[:<round>]

    def __init__(
        self,
        service: str,
        model: type[R],
        approvals: Sequence[Approval[R]],
        *,
        backoff: Backoff | None = None,
    ) -> None:
        self.service = service
        self.model = model
        self.approvals = {approval.subject_type: approval for approval in approvals}
        self.backoff = backoff or Backoff()

    # ---- recording: in the transaction that changes the record ------------------------------

    def begin(self, record: R, approval: Approval[R]) -> None:
        """Mark ``record`` as awaiting ``approval``: call it in the transaction that records the
        change needing approval (before its flush, so the change is one write)."""
        if record.id is None:  # type: ignore[attr-defined]
            record.id = new_id()  # type: ignore[attr-defined]
        key = f"{approval.subject_type}:{record.id}"  # type: ignore[attr-defined]
        if approval.repeatable:  # this round's own key: the record's version, or a fresh id
            key = f"{key}:{getattr(record, 'version', None) or new_id().hex}"
        setattr(record, approval.instance_attr, None)
        record.approval_key = key
        record.approval_state = AWAITING_START
        record.approval_attempts = 0
        record.approval_error = None
        record.approval_retry_at = utcnow() + self.backoff.first

    def awaited(self, record: R) -> Approval[R] | None:
        """The approval the record waits for workflow to start, if any."""
        if record.approval_state != AWAITING_START or not record.approval_key:
            return None
        approval = self.approvals.get(record.approval_key.split(self.KEY_SEPARATOR, 1)[0])
        if approval is None or not approval.is_open(record) or approval.instance_of(record):
            return None
        return approval

    # ---- starting: only once the record is committed ---------------------------------------

    async def commit_and_start(
        self,
        runtime: ServiceRuntime,
        session: AsyncSession,
        workflow: ServiceClient,
        record: R,
    ) -> uuid.UUID | None:
        """Commit what was recorded, then start the approval the record awaits (if any).

        The commit comes first, so workflow never starts an approval for a record the service
        could still lose; if workflow does not confirm now, the sweep asks again.
        """
        if self.awaited(record) is None:
            return None
        await runtime.commit(session)
        return await self.start(session, workflow, record)

    async def start(
        self, session: AsyncSession, workflow: ServiceClient, record: R
    ) -> uuid.UUID | None:
        """Ask workflow to start the (committed) record's awaited approval and record the answer.

        Returns the instance id, or None: not started now (the sweep retries after the
        back-off), refused for good (``approval_refused``), or nothing awaited.
        """
        approval = self.awaited(record)
        if approval is None:
            if record.approval_retry_at is not None:  # it moved on: nothing to sweep
                await self._lock(session, record)
                record.approval_retry_at = None
                await session.flush()
            return None
        key = record.approval_key
        assert key is not None
        try:
            answer: _Started | _Refused | ServiceUnavailable = await self._ask(
                session, workflow, record, approval, key
            )
        except ServiceUnavailable as exc:
            answer = exc
        await self._lock(session, record)  # it may have moved on while workflow answered
        if self.awaited(record) is not approval or record.approval_key != key:
            if isinstance(answer, _Started) and approval.instance_of(record) != answer.instance_id:
                # Nothing waits for this instance any more: it must not stay open in workflow.
                with contextlib.suppress(ServiceUnavailable):
                    await self._withdraw_instance(workflow, answer.instance_id)
            return None
        if isinstance(answer, _Started):
            self._started(record, approval, answer.instance_id)
        elif isinstance(answer, _Refused):
            log.warning("workflow refused approval %s for good: %s", key, answer.detail)
            record.approval_state = REFUSED
            record.approval_retry_at = None
            record.approval_error = answer.detail[:500]
            if approval.refused is not None:
                await approval.refused(session, record)
        else:
            record.approval_attempts += 1
            record.approval_retry_at = utcnow() + self.backoff.after(record.approval_attempts)
            record.approval_error = str(answer.detail)[:500]
            log.warning("approval %s not started: %s; the sweep will retry", key, answer.detail)
        await session.flush()
        return answer.instance_id if isinstance(answer, _Started) else None

    async def _ask(
        self,
        session: AsyncSession,
        workflow: ServiceClient,
        record: R,
        approval: Approval[R],
        key: str,
    ) -> _Started | _Refused:
        """Start (or, for a key workflow has seen, find) the instance; raises ServiceUnavailable
        when the answer says nothing certain (unreachable, 5xx, 408, 429)."""
        described = await approval.describe(session, record)
        response = await workflow.request(
            "POST",
            INSTANCES,
            json={
                "definition_key": approval.definition_key,
                "subject": {
                    "service": self.service,
                    "type": approval.subject_type,
                    "id": str(record.id),  # type: ignore[attr-defined]
                },
                "requester_employee_id": str(described.requester_employee_id),
                "title": described.title[:300],
                "summary": described.summary[:5000],
                "data": dict(described.data),
            },
            headers={"Idempotency-Key": key},
        )
        if response.status_code in (200, 201):
            return _Started(uuid.UUID(response.json()["id"]))
        if (
            400 <= response.status_code < 500
            and response.status_code not in RETRYABLE_4XX
            and _problem_code(response) not in RETRYABLE_CODES
        ):
            return _Refused(f"workflow answered {response.status_code}: {response.text[:400]}")
        raise ServiceUnavailable(
            f"the approval could not be started (workflow answered {response.status_code})"
        )

    @staticmethod
    def _started(record: R, approval: Approval[R], instance_id: uuid.UUID) -> None:
        setattr(record, approval.instance_attr, instance_id)
        record.approval_state = STARTED
        record.approval_retry_at = None
        record.approval_error = None

    async def _lock(self, session: AsyncSession, record: R) -> None:
        """Read the record again, locked until the transaction ends."""
        model: Any = self.model
        if session.bind.dialect.name != "postgresql":
            # SQLite has no row locks and reads outside a transaction: a no-op write first
            # takes the database's write lock, so what is read cannot change before it is
            # written (the column is named, so neither ``updated_at`` nor ``version`` moves).
            await session.execute(
                update(model)
                .where(model.id == record.id)  # type: ignore[attr-defined]
                .values(approval_attempts=model.approval_attempts)
                .execution_options(synchronize_session=False)
            )
        await session.refresh(record, with_for_update=True)

    # ---- the sweep -----------------------------------------------------------------------

    async def sweep(
        self,
        runtime: ServiceRuntime,
        workflow: ServiceClient,
        *,
        now: datetime | None = None,
        limit: int = 200,
    ) -> int:
        """Start every approval whose retry time has come (workflow was down, its answer was
        lost, or the service stopped mid-request); returns how many started."""
        model: Any = self.model
        due = now or utcnow()
        async with runtime.sessionmaker() as session:
            waiting = (
                await session.scalars(
                    select(model.id)
                    .where(model.approval_retry_at <= due)
                    .order_by(model.approval_retry_at)
                    .limit(limit)
                )
            ).all()
        started = 0
        for record_id in waiting:
            try:
                async with runtime.transaction() as session:
                    record = await session.get(model, record_id)
                    if record is not None and await self.start(session, workflow, record):
                        started += 1
            except StaleDataError:
                continue  # changed meanwhile (its own request, another replica): next sweep
        return started

    # ---- withdrawing ---------------------------------------------------------------------

    async def withdraw(
        self,
        session: AsyncSession,
        workflow: ServiceClient,
        record: R,
        approval: Approval[R],
    ) -> None:
        """Withdraw the record's ``approval`` in workflow, once the record's own change (say,
        cancelled) is flushed, so its row is locked and an outcome arriving meanwhile waits.

        An approval whose start was never confirmed is asked for again with its key (returning
        the instance workflow may have started, never orphaning it). Raises 409
        ``approval_already_completed`` when workflow has already decided (roll back: the
        outcome is applied when it arrives) and 503 when workflow cannot say.
        """
        instance_id = approval.instance_of(record)
        if instance_id is None and record.approval_state != REFUSED and record.approval_key:
            answer = await self._ask(session, workflow, record, approval, record.approval_key)
            if isinstance(answer, _Started):
                instance_id = answer.instance_id
                setattr(record, approval.instance_attr, instance_id)
            else:
                record.approval_state = REFUSED
        record.approval_retry_at = None
        if instance_id is None:
            return  # refused: nothing was started, nothing to withdraw
        if await self._withdraw_instance(workflow, instance_id):
            record.approval_state = "withdrawn"
            return
        status: str | None = None
        with contextlib.suppress(ServiceUnavailable):
            found = await workflow.get_json(f"{INSTANCES}/{instance_id}")
            status = str(found.get("status")) if isinstance(found, dict) else None
        noun = approval.subject_type.replace("_", " ")
        raise Conflict(
            f"the approval has already ended in workflow ({status or 'completed'}); its outcome "
            f"is applied shortly — read the {noun} again before acting on it",
            code="approval_already_completed",
            approval_status=status,
        )

    @staticmethod
    async def _withdraw_instance(workflow: ServiceClient, instance_id: uuid.UUID) -> bool:
        """True when withdrawn, False when workflow says the instance already ended."""
        response = await workflow.request("POST", f"{INSTANCES}/{instance_id}/withdraw")
        if response.status_code == 200:
            return True
        if response.status_code == 409:
            return False
        raise ServiceUnavailable(
            f"the approval could not be withdrawn (workflow answered {response.status_code})"
        )

    # ---- outcomes ------------------------------------------------------------------------

    async def apply_outcome(self, session: AsyncSession, event: EventEnvelope) -> None:
        """Handler of ``workflow.instance.completed``: apply the outcome to the record waiting
        for it (exactly once — use it with ``FeedConsumer``/``apply_event``, whose cursor moves
        in this same transaction; an outcome for a record no longer waiting changes nothing)."""
        subject = event.data.get("subject")
        if event.type != COMPLETED or not isinstance(subject, dict):
            return
        if subject.get("service") != self.service or subject.get("type") not in self.approvals:
            return  # another service's approval: not this saga's to read
        # Typed by its contract: an event of ours that does not match raises, so the consumer
        # retries it (and logs why) rather than skipping an outcome.
        completed = parse_event_as(event, InstanceCompleted)
        approval = self.approvals.get(completed.subject.type)
        if completed.subject.service != self.service or approval is None:
            return
        try:
            record_id = uuid.UUID(completed.subject.id)
        except ValueError:
            return  # not an id this service gives its records
        # Locked: a withdrawal in progress (a cancel) is waited for, and its outcome read.
        record = await session.get(
            self.model, record_id, with_for_update=True, populate_existing=True
        )
        if record is None or not approval.is_open(record):
            return
        if approval.instance_of(record) not in (None, completed.instance_id):
            return  # an instance the record does not wait for
        if approval.instance_of(record) is None and not self._awaits_key_of(record, approval):
            return  # a round the record no longer waits for
        self._started(record, approval, completed.instance_id)  # known even if the answer was lost
        record.approval_state = completed.outcome[:20]
        apply = approval.outcomes.get(completed.outcome)
        if apply is not None:
            await apply(session, record)
        await session.flush()

    def outcome_consumer(
        self,
        runtime: ServiceRuntime,
        *,
        gateway_url: str,
        token: TokenSource,
        wait: float = 20.0,
        name: str = "workflow-outcomes",
    ) -> FeedConsumer:
        """The consumer of workflow's feed that applies this saga's outcomes (start it with the
        service; its cursor, ``name``, lives in the service's database)."""
        return FeedConsumer(
            runtime,
            name=name,
            feed_url=f"{gateway_url.rstrip('/')}/api/v1/workflow/events",
            handler=self.apply_outcome,
            token=token,
            event_types={COMPLETED},
            wait=wait,
        )

    def _awaits_key_of(self, record: R, approval: Approval[R]) -> bool:
        key = record.approval_key or ""
        return key.split(self.KEY_SEPARATOR, 1)[0] == approval.subject_type


class ApprovalSweeper(Periodic):
    """Runs :meth:`ApprovalSaga.sweep` at start-up and then every ``interval`` seconds."""

    def __init__(
        self,
        saga: ApprovalSaga[Any],
        runtime: ServiceRuntime,
        workflow: Callable[[], ServiceClient],
        interval: float,
        *,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        super().__init__(f"{saga.service}-approval-sweep", interval, self.sweep, log)
        self.saga = saga
        self.runtime = runtime
        self.workflow = workflow
        self.clock = clock

    async def sweep(self) -> int:
        """One sweep; returns how many approvals it started."""
        started = await self.saga.sweep(self.runtime, self.workflow(), now=self.clock())
        if started:
            log.info("started %d awaited %s approval(s)", started, self.saga.service)
        return started
