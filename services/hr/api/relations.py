"""``/api/v1/hr/suggestions`` (the suggestion box: anonymous suggestions are unlinkable),
``/complaints``, ``/disputes`` and ``/forum-sessions``."""

import json
import uuid
from collections.abc import Callable, Coroutine
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Request, Response
from sqlalchemy import select

from services.hr.api.deps import ViewerDep
from services.hr.db.development import ForumSession, RelationsCase, Suggestion
from services.hr.domain import complaints as cases
from services.hr.domain import suggestions as rules
from services.hr.schemas_development import (
    CaseCreate,
    CaseRead,
    CaseStatus,
    CaseUpdate,
    ForumMinutes,
    ForumSessionCreate,
    ForumSessionRead,
    ReceiptLookup,
    SuggestionAnswer,
    SuggestionCategory,
    SuggestionCreate,
    SuggestionFollowUp,
    SuggestionRead,
    SuggestionReceipt,
    SuggestionStatus,
)
from shared.contracts.page import Page
from shared.kit import idempotency
from shared.kit.concurrency import check_if_match, set_etag
from shared.kit.errors import Unprocessable
from shared.kit.pagination import PageParams, paginate, sorted_by
from shared.kit.routing import SessionDep, TransactionalRoute


class AnonymousSafeRoute(TransactionalRoute):
    """The kit's route, refusing ``Idempotency-Key`` on an anonymous submission: the kit would
    store the caller's account next to the answer (which names the suggestion)."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        inner = super().get_route_handler()

        async def handler(request: Request) -> Response:
            if request.method == "POST" and request.headers.get(idempotency.HEADER) is not None:
                try:
                    body = json.loads(await request.body() or b"{}")
                except ValueError:
                    body = {}
                if isinstance(body, dict) and body.get("anonymous") is True:
                    raise Unprocessable(
                        "an anonymous suggestion takes no Idempotency-Key: the key would be "
                        "stored with who sent it",
                        code="idempotency_key_not_accepted",
                    )
            return await inner(request)

        return handler


router = APIRouter(
    prefix="/api/v1/hr", tags=["hr: employee relations"], route_class=AnonymousSafeRoute
)


@router.post(
    "/suggestions",
    status_code=201,
    response_model=SuggestionReceipt,
    summary="File a suggestion",
    responses={
        422: {
            "description": "A signed suggestion from an account with no employee "
            "(`no_employee`), or an anonymous one with an Idempotency-Key."
        }
    },
)
async def submit_suggestion(
    payload: SuggestionCreate, response: Response, session: SessionDep, viewer: ViewerDep
) -> SuggestionReceipt:
    """Anyone signed in files a suggestion, signed or anonymous. The answer carries the receipt
    token (shown only now) that follows HR's answer through ``POST /suggestion-receipts``."""
    item, token = await rules.submit(session, viewer, payload.model_dump())
    response.headers["Location"] = f"/api/v1/hr/suggestions/{item.id}"
    return SuggestionReceipt(suggestion=SuggestionRead.model_validate(item), receipt_token=token)


@router.post(
    "/suggestion-receipts",
    response_model=SuggestionFollowUp,
    summary="Follow a suggestion by its receipt",
    responses={404: {"description": "No suggestion has this receipt (`unknown_receipt`)."}},
)
async def follow_suggestion(
    payload: ReceiptLookup, session: SessionDep, viewer: ViewerDep
) -> Suggestion:
    """The status and HR's answer of the suggestion the token belongs to (nobody is recorded
    as having asked)."""
    return await rules.by_receipt(session, payload.receipt_token)


@router.get("/suggestions", response_model=Page[SuggestionRead], summary="List suggestions")
async def list_suggestions(
    session: SessionDep,
    viewer: ViewerDep,
    params: Annotated[PageParams, sorted_by("created_at")],
    status: SuggestionStatus | None = None,
    category: SuggestionCategory | None = None,
) -> Page[SuggestionRead]:
    """HR and auditors see all (anonymous ones name nobody); an employee their signed ones."""
    return await paginate(
        session,
        rules.query(viewer, status=status, category=category),
        params,
        sortable={"created_at": Suggestion.created_at},
        id_column=Suggestion.id,
        default_sort="-created_at",
        to_item=SuggestionRead.model_validate,
    )


@router.get("/suggestions/{suggestion_id}", response_model=SuggestionRead, summary="Read one")
async def read_suggestion(
    suggestion_id: uuid.UUID, response: Response, session: SessionDep, viewer: ViewerDep
) -> Suggestion:
    """One suggestion the caller may see (404 otherwise)."""
    item = await rules.get(session, viewer, suggestion_id)
    set_etag(response, item.version)
    return item


@router.post(
    "/suggestions/{suggestion_id}/answer",
    response_model=SuggestionRead,
    summary="Answer a suggestion",
    responses={
        403: {"description": "Only HR answers (`hr_only`)."},
        409: {"description": "Answered already (`suggestion_answered`)."},
    },
)
async def answer_suggestion(
    suggestion_id: uuid.UUID,
    payload: SuggestionAnswer,
    request: Request,
    response: Response,
    session: SessionDep,
    viewer: ViewerDep,
) -> Suggestion:
    """HR answers, once."""
    item = await rules.get(session, viewer, suggestion_id)
    check_if_match(request, item.version)
    item = await rules.answer(session, viewer, item, payload.answer)
    set_etag(response, item.version)
    return item


# ---- complaints and disputes ------------------------------------------------------------------

_CASE_WRITE: dict[int | str, dict[str, Any]] = {
    403: {"description": "Not HR (`hr_only`) nor the case's handler (`forbidden`)."},
    409: {"description": "A step out of order (`invalid_case_transition`)."},
    422: {"description": "A resolution without its outcome (`outcome_required`)."},
}


def _case_routes(kind: Literal["complaint", "dispute"], plural: str) -> None:
    noun = "complaint" if kind == "complaint" else "labour dispute"

    @router.post(
        f"/{plural}",
        status_code=201,
        response_model=CaseRead,
        summary=f"Open a {noun}",
        responses={403: {"description": "Only HR records disputes and names handlers."}},
        name=f"open_{kind}",
    )
    async def open_case(
        payload: CaseCreate, response: Response, session: SessionDep, viewer: ViewerDep
    ) -> RelationsCase:
        fields = payload.model_dump()
        case = await cases.open_case(session, viewer, kind, fields)
        response.headers["Location"] = f"/api/v1/hr/{plural}/{case.id}"
        set_etag(response, case.version)
        return case

    open_case.__doc__ = (
        f"Open a {noun}: HR, or an employee filing their own complaint. A confidential one is "
        "seen only by HR and its handlers."
    )

    @router.get(
        f"/{plural}", response_model=Page[CaseRead], summary=f"List {plural}", name=f"list_{kind}s"
    )
    async def list_cases(
        session: SessionDep,
        viewer: ViewerDep,
        params: Annotated[PageParams, sorted_by("created_at")],
        status: CaseStatus | None = None,
        confidential: bool | None = None,
    ) -> Page[CaseRead]:
        return await paginate(
            session,
            cases.case_query(viewer, kind, status=status, confidential=confidential),
            params,
            sortable={"created_at": RelationsCase.created_at},
            id_column=RelationsCase.id,
            default_sort="-created_at",
            to_item=CaseRead.model_validate,
        )

    list_cases.__doc__ = (
        f"The {plural} the caller may see: HR all; handlers theirs; auditors and the employee "
        "concerned those that are not confidential."
    )

    @router.get(
        f"/{plural}/{{case_id}}",
        response_model=CaseRead,
        summary=f"Read a {noun}",
        name=f"read_{kind}",
    )
    async def read_case(
        case_id: uuid.UUID, response: Response, session: SessionDep, viewer: ViewerDep
    ) -> RelationsCase:
        case = await cases.get_case(session, viewer, kind, case_id)
        set_etag(response, case.version)
        return case

    read_case.__doc__ = f"One {noun} the caller may see (404 otherwise)."

    @router.patch(
        f"/{plural}/{{case_id}}",
        response_model=CaseRead,
        summary=f"Work a {noun}",
        responses=_CASE_WRITE,
        name=f"update_{kind}",
    )
    async def update_case(
        case_id: uuid.UUID,
        payload: CaseUpdate,
        request: Request,
        response: Response,
        session: SessionDep,
        viewer: ViewerDep,
    ) -> RelationsCase:
        case = await cases.get_case(session, viewer, kind, case_id)
        check_if_match(request, case.version)
        case = await cases.update_case(
            session, viewer, case, payload.model_dump(exclude_unset=True)
        )
        set_etag(response, case.version)
        return case

    update_case.__doc__ = (
        "Handlers and confidentiality (HR); status to resolution with the outcome (HR or a "
        "handler). ``If-Match`` with the case's ETag."
    )


_case_routes("complaint", "complaints")
_case_routes("dispute", "disputes")


# ---- staff forum sessions ---------------------------------------------------------------------


@router.post(
    "/forum-sessions",
    status_code=201,
    response_model=ForumSessionRead,
    summary="Schedule a staff forum session",
    responses={403: {"description": "Only HR (`hr_only`)."}},
)
async def schedule_forum(
    payload: ForumSessionCreate, response: Response, session: SessionDep, viewer: ViewerDep
) -> ForumSession:
    """Agenda and attendees (HR)."""
    item = await cases.schedule_forum(session, viewer, payload.model_dump())
    response.headers["Location"] = f"/api/v1/hr/forum-sessions/{item.id}"
    set_etag(response, item.version)
    return item


@router.get("/forum-sessions", response_model=Page[ForumSessionRead], summary="List sessions")
async def list_forums(
    session: SessionDep, viewer: ViewerDep, params: Annotated[PageParams, sorted_by("held_on")]
) -> Page[ForumSessionRead]:
    """Every staff forum session (anyone signed in)."""
    return await paginate(
        session,
        select(ForumSession),
        params,
        sortable={"held_on": ForumSession.held_on},
        id_column=ForumSession.id,
        default_sort="-held_on",
        to_item=ForumSessionRead.model_validate,
    )


@router.get("/forum-sessions/{forum_id}", response_model=ForumSessionRead, summary="Read a session")
async def read_forum(
    forum_id: uuid.UUID, response: Response, session: SessionDep, viewer: ViewerDep
) -> ForumSession:
    """One session with its minutes."""
    item = await cases.get_forum(session, forum_id)
    set_etag(response, item.version)
    return item


@router.post(
    "/forum-sessions/{forum_id}/minutes",
    response_model=ForumSessionRead,
    summary="Record a session's minutes",
    responses={
        403: {"description": "Only HR (`hr_only`)."},
        409: {"description": "The session was cancelled."},
    },
)
async def record_minutes(
    forum_id: uuid.UUID,
    payload: ForumMinutes,
    request: Request,
    response: Response,
    session: SessionDep,
    viewer: ViewerDep,
) -> ForumSession:
    """The minutes and who came (HR); the session is then held."""
    item = await cases.get_forum(session, forum_id)
    check_if_match(request, item.version)
    item = await cases.record_minutes(session, viewer, item, payload.minutes, payload.attendee_ids)
    set_etag(response, item.version)
    return item
