"""``/api/v1/hr/suggestions``: the suggestion box (anonymous suggestions are unlinkable)."""

import json
import uuid
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import APIRouter, Request, Response

from services.hr.api.deps import ViewerDep
from services.hr.db.development import Suggestion
from services.hr.domain import suggestions as rules
from services.hr.schemas_development import (
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
from shared.kit.pagination import PageParamsDep, paginate
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
    token (shown only now) that follows HR's answer through ``POST /suggestions/receipt``."""
    item, token = await rules.submit(session, viewer, payload.model_dump())
    response.headers["Location"] = f"/api/v1/hr/suggestions/{item.id}"
    return SuggestionReceipt(suggestion=SuggestionRead.model_validate(item), receipt_token=token)


@router.post(
    "/suggestions/receipt",
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
    params: PageParamsDep,
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
