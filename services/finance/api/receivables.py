"""HTTP routes of finance: invoices, payments, aging, payment batches and the cash plan.

Finance staff and admins manage; the auditor reads; anyone else gets 404 on every path here.
"""

import uuid
from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from fastapi import Depends, Query, Request, Response
from sqlalchemy.ext.asyncio import AsyncSession

from services.finance.db.receivables import Invoice, Payment, PaymentBatch
from services.finance.domain import cash_plan as cash_plan_rules
from services.finance.domain import invoices as invoice_rules
from services.finance.domain import payments as payment_rules
from services.finance.domain import payments_batches as batch_rules
from services.finance.domain import receivables_aging as aging_rules
from services.finance.domain.invoices_contracts import (
    Contract,
    Milestone,
    receivables_from_contract,
)
from services.finance.domain.receivables_access import check_manager, check_reader
from services.finance.schemas.receivables import (
    AgingBuckets,
    AgingReport,
    AgingRow,
    AllocationRead,
    BatchStatus,
    CashPlan,
    CashPlanPeriod,
    ContractReceivables,
    ContractReceivablesResult,
    Granularity,
    InvoiceCancel,
    InvoiceCreate,
    InvoiceKind,
    InvoiceLineCreate,
    InvoiceRead,
    InvoiceStatus,
    InvoiceUpdate,
    PaymentBatchCreate,
    PaymentBatchRead,
    PaymentCreate,
    PaymentKind,
    PaymentRead,
    PaymentReverse,
)
from shared.contracts.page import Page
from shared.contracts.principal import Principal
from shared.kit.auth import CurrentPrincipal
from shared.kit.concurrency import check_if_match, set_etag
from shared.kit.pagination import PageParams, paginate, sorted_by
from shared.kit.routing import SessionDep, runtime_of, service_router

router = service_router(prefix="/api/v1/finance", tags=["finance: receivables"])
API = "/api/v1/finance"


async def reader(principal: CurrentPrincipal) -> Principal:
    """Finance, admins and the auditor (others: 404)."""
    check_reader(principal)
    return principal


async def manager(principal: CurrentPrincipal) -> Principal:
    """Finance and admins (the auditor: 403 ``finance_only``; others: 404)."""
    check_manager(principal)
    return principal


def today_of(request: Request) -> date:
    """Today by the service's clock."""
    return runtime_of(request).today()


Reader = Annotated[Principal, Depends(reader)]
Manager = Annotated[Principal, Depends(manager)]
Today = Annotated[date, Depends(today_of)]


def draft_lines(lines: list[InvoiceLineCreate]) -> list[invoice_rules.DraftLine]:
    """The request's lines as the domain takes them."""
    return [
        invoice_rules.DraftLine(
            description=line.description,
            amount=line.amount,
            vat_rate=Decimal(line.vat_rate),
            account=line.account,
        )
        for line in lines
    ]


def invoice_read(invoice: Invoice) -> InvoiceRead:
    """The wire form of an invoice."""
    return InvoiceRead.model_validate(invoice)


async def payment_reads(session: AsyncSession, payments: list[Payment]) -> list[PaymentRead]:
    """The wire form of payments, their allocations with the invoices' numbers."""
    numbers = await payment_rules.invoice_numbers(session, payments)
    return [
        PaymentRead.model_validate(
            {
                **{
                    name: getattr(payment, name)
                    for name in PaymentRead.model_fields
                    if name != "allocations"
                },
                "allocations": [
                    AllocationRead(
                        invoice_id=a.invoice_id,
                        invoice_number=numbers.get(a.invoice_id, ""),
                        amount=a.amount,
                    )
                    for a in payment.allocations
                ],
            }
        )
        for payment in payments
    ]


# --- invoices -------------------------------------------------------------------------------


@router.post(
    "/invoices", status_code=201, response_model=InvoiceRead, summary="Record a draft invoice"
)
async def create_invoice(
    payload: InvoiceCreate, response: Response, session: SessionDep, principal: Manager
) -> InvoiceRead:
    """A receivable to a customer or a payable from a supplier, as a draft with exact totals
    (each line's VAT rounded half up to the cent). Issue it to post its entry."""
    invoice = await invoice_rules.create(
        session,
        invoice_rules.DraftInvoice(
            kind=payload.kind,
            number=payload.number,
            party_id=payload.party_id,
            party_name=payload.party_name,
            party_bank_account=payload.party_bank_account,
            party_bank_name=payload.party_bank_name,
            issue_date=payload.issue_date,
            due_date=payload.due_date,
            description=payload.description,
            department_id=payload.department_id,
            project=payload.project,
            lines=draft_lines(payload.lines),
        ),
        principal.sub,
    )
    response.headers["Location"] = f"{API}/invoices/{invoice.id}"
    set_etag(response, invoice.version)
    return invoice_read(invoice)


@router.get("/invoices", response_model=Page[InvoiceRead], summary="List invoices")
async def list_invoices(
    session: SessionDep,
    _reader: Reader,
    params: Annotated[PageParams, sorted_by("due_date", "issue_date", "created_at", "number")],
    kind: InvoiceKind | None = None,
    status: InvoiceStatus | None = None,
    party_id: uuid.UUID | None = None,
    due_before: Annotated[date | None, Query(description="Due on or before this date.")] = None,
    contract_reference: Annotated[str | None, Query(max_length=100)] = None,
) -> Page[InvoiceRead]:
    """Invoices, latest due first unless sorted otherwise."""
    return await paginate(
        session,
        invoice_rules.listing(
            kind=kind,
            status=status,
            party_id=party_id,
            due_before=due_before,
            contract_reference=contract_reference,
        ),
        params,
        sortable={
            "due_date": Invoice.due_date,
            "issue_date": Invoice.issue_date,
            "created_at": Invoice.created_at,
            "number": Invoice.number,
        },
        id_column=Invoice.id,
        default_sort="-due_date",
        to_item=invoice_read,
    )


@router.get("/invoices/{invoice_id}", response_model=InvoiceRead, summary="Read an invoice")
async def read_invoice(
    invoice_id: uuid.UUID, response: Response, session: SessionDep, _reader: Reader
) -> InvoiceRead:
    """One invoice with its lines."""
    invoice = await invoice_rules.get(session, invoice_id)
    set_etag(response, invoice.version)
    return invoice_read(invoice)


@router.patch("/invoices/{invoice_id}", response_model=InvoiceRead, summary="Change a draft")
async def update_invoice(
    invoice_id: uuid.UUID,
    payload: InvoiceUpdate,
    request: Request,
    response: Response,
    session: SessionDep,
    _manager: Manager,
) -> InvoiceRead:
    """Change a draft's fields or replace its lines (409 ``invoice_not_draft`` once issued)."""
    invoice = await invoice_rules.get(session, invoice_id, lock=True)
    check_if_match(request, invoice.version)
    changes: dict[str, Any] = payload.model_dump(exclude_unset=True, exclude={"lines"})
    for required in ("number", "party_name", "issue_date", "due_date", "description"):
        if changes.get(required, "") is None:
            del changes[required]
    lines = draft_lines(payload.lines) if payload.lines is not None else None
    invoice = await invoice_rules.update_draft(session, invoice, changes, lines)
    set_etag(response, invoice.version)
    return invoice_read(invoice)


@router.post("/invoices/{invoice_id}/issue", response_model=InvoiceRead, summary="Issue an invoice")
async def issue_invoice(
    invoice_id: uuid.UUID,
    request: Request,
    response: Response,
    session: SessionDep,
    principal: Manager,
) -> InvoiceRead:
    """Issue a draft (book it, for a payable): its entry is posted on its issue date and it is
    open. Receivable: Dr 1122 / Cr revenue and output VAT; payable: Dr the lines' accounts and
    input VAT / Cr 2202. The ledger's refusals (closed period, an account not postable) apply."""
    invoice = await invoice_rules.get(session, invoice_id, lock=True)
    check_if_match(request, invoice.version)
    invoice = await invoice_rules.issue(session, invoice, principal.sub)
    set_etag(response, invoice.version)
    return invoice_read(invoice)


@router.post(
    "/invoices/{invoice_id}/approve-payment",
    response_model=InvoiceRead,
    summary="Approve a payable for payment",
)
async def approve_invoice_payment(
    invoice_id: uuid.UUID,
    request: Request,
    response: Response,
    session: SessionDep,
    principal: Manager,
) -> InvoiceRead:
    """Let payment batches take an open payable (a repeat changes nothing)."""
    invoice = await invoice_rules.get(session, invoice_id, lock=True)
    check_if_match(request, invoice.version)
    invoice = await invoice_rules.approve_payment(session, invoice, principal.sub)
    set_etag(response, invoice.version)
    return invoice_read(invoice)


@router.post(
    "/invoices/{invoice_id}/cancel", response_model=InvoiceRead, summary="Cancel an invoice"
)
async def cancel_invoice(
    invoice_id: uuid.UUID,
    payload: InvoiceCancel,
    request: Request,
    response: Response,
    session: SessionDep,
    principal: Manager,
    today: Today,
) -> InvoiceRead:
    """Cancel a draft, or an issued invoice nothing is paid on: its entry is reversed (dated
    today, or its issue date if later). Paid or partly paid: 409 ``invoice_not_cancellable``."""
    invoice = await invoice_rules.get(session, invoice_id, lock=True)
    check_if_match(request, invoice.version)
    invoice = await invoice_rules.cancel(
        session, invoice, reason=payload.reason, today=today, actor=principal.sub
    )
    set_etag(response, invoice.version)
    return invoice_read(invoice)


@router.post(
    "/receivables/from-contract",
    status_code=201,
    response_model=ContractReceivablesResult,
    summary="Receivables from a contract's payment milestones",
    responses={
        200: {
            "model": ContractReceivablesResult,
            "description": "Nothing new: every milestone was already invoiced with these terms.",
        }
    },
)
async def receivables_from_contract_milestones(
    payload: ContractReceivables, response: Response, session: SessionDep, principal: Manager
) -> ContractReceivablesResult:
    """One draft receivable per milestone, issued and due on its date, its VAT-inclusive amount
    split into net and VAT. Idempotent per contract reference and milestone: a repeat answers
    200 with the invoices already made; a milestone repeated with other terms is 409
    ``milestone_conflict``."""
    made, created = await receivables_from_contract(
        session,
        Contract(
            reference=payload.contract_reference,
            party_id=payload.party_id,
            party_name=payload.party_name,
            account=payload.account,
            department_id=payload.department_id,
            project=payload.project,
            milestones=[
                Milestone(
                    milestone=m.milestone,
                    description=m.description,
                    date=m.date,
                    amount=m.amount,
                    vat_rate=Decimal(m.vat_rate),
                )
                for m in payload.milestones
            ],
        ),
        principal.sub,
    )
    if not created:
        response.status_code = 200
    return ContractReceivablesResult(
        contract_reference=payload.contract_reference,
        created=created,
        invoices=[invoice_read(invoice) for invoice in made],
    )


# --- payments -------------------------------------------------------------------------------


@router.post(
    "/payments", status_code=201, response_model=PaymentRead, summary="Record a receipt or payment"
)
async def create_payment(
    payload: PaymentCreate, response: Response, session: SessionDep, principal: Manager
) -> PaymentRead:
    """Money received from a customer or paid to a supplier, allocated to one or more of that
    party's open invoices of the matching kind, partially if need be; its entry is posted
    (receipt: Dr 1002 / Cr 1122; payment: Dr 2202 / Cr 1002, with their cash-flow items).
    An allocation over what is still owed is 422 ``payment_exceeds_balance``."""
    payment = await payment_rules.record(
        session,
        kind=payload.kind,
        party_id=payload.party_id,
        payment_date=payload.payment_date,
        reference=payload.reference,
        allocations=[payment_rules.Allocation(a.invoice_id, a.amount) for a in payload.allocations],
        actor=principal.sub,
    )
    response.headers["Location"] = f"{API}/payments/{payment.id}"
    set_etag(response, payment.version)
    return (await payment_reads(session, [payment]))[0]


@router.get("/payments", response_model=Page[PaymentRead], summary="List receipts and payments")
async def list_payments(
    session: SessionDep,
    _reader: Reader,
    params: Annotated[PageParams, sorted_by("payment_date", "created_at")],
    kind: PaymentKind | None = None,
    party_id: uuid.UUID | None = None,
    invoice_id: uuid.UUID | None = None,
    batch_id: uuid.UUID | None = None,
) -> Page[PaymentRead]:
    """Receipts and payments, latest first unless sorted otherwise."""
    page = await paginate(
        session,
        payment_rules.listing(
            kind=kind, party_id=party_id, invoice_id=invoice_id, batch_id=batch_id
        ),
        params,
        sortable={"payment_date": Payment.payment_date, "created_at": Payment.created_at},
        id_column=Payment.id,
        default_sort="-payment_date",
        to_item=lambda payment: payment,
    )
    return Page[PaymentRead](
        items=await payment_reads(session, list(page.items)),
        next_cursor=page.next_cursor,
        total=page.total,
    )


@router.get("/payments/{payment_id}", response_model=PaymentRead, summary="Read a payment")
async def read_payment(
    payment_id: uuid.UUID, response: Response, session: SessionDep, _reader: Reader
) -> PaymentRead:
    """One receipt or payment with its allocations."""
    payment = await payment_rules.get(session, payment_id)
    set_etag(response, payment.version)
    return (await payment_reads(session, [payment]))[0]


@router.post(
    "/payments/{payment_id}/reverse", response_model=PaymentRead, summary="Reverse a payment"
)
async def reverse_payment(
    payment_id: uuid.UUID,
    payload: PaymentReverse,
    request: Request,
    response: Response,
    session: SessionDep,
    principal: Manager,
    today: Today,
) -> PaymentRead:
    """Undo a receipt or payment recorded in error: its entry is reversed (dated today, or its
    date if later) and its invoices owe again what it settled (409 ``payment_already_reversed``
    the second time)."""
    payment = await payment_rules.get(session, payment_id, lock=True)
    check_if_match(request, payment.version)
    payment = await payment_rules.reverse(
        session, payment, reason=payload.reason, today=today, actor=principal.sub
    )
    set_etag(response, payment.version)
    return (await payment_reads(session, [payment]))[0]


# --- aging ----------------------------------------------------------------------------------


@router.get("/aging", response_model=AgingReport, summary="Aging of receivables or payables")
async def aging(
    session: SessionDep,
    _reader: Reader,
    today: Today,
    kind: InvoiceKind,
    as_of: Annotated[date | None, Query(description="Default: today.")] = None,
) -> AgingReport:
    """What each party owes (receivable) or is owed (payable) on the date, by days past due:
    current, 1-30, 31-60, 61-90, over 90; the parties' figures add up to the totals."""
    day = as_of or today
    rows, totals = aging_rules.age(await aging_rules.outstanding_as_of(session, kind, day), day)
    return AgingReport(
        kind=kind,
        as_of=day,
        parties=[
            AgingRow(party_id=row.party_id, party_name=row.party_name, **row.buckets.as_dict())
            for row in rows
        ],
        totals=AgingBuckets(**totals.as_dict()),
    )


# --- payment batches ------------------------------------------------------------------------


@router.post(
    "/payment-batches",
    status_code=201,
    response_model=PaymentBatchRead,
    summary="Batch the approved payables due by a date",
)
async def create_payment_batch(
    payload: PaymentBatchCreate, response: Response, session: SessionDep, principal: Manager
) -> PaymentBatch:
    """Every approved, unpaid payable due by ``due_by`` and in no other pending batch, for what
    is still owed on it (422 ``batch_empty`` when there is none)."""
    batch = await batch_rules.create(
        session,
        due_by=payload.due_by,
        payment_date=payload.payment_date,
        memo=payload.memo,
        actor=principal.sub,
    )
    response.headers["Location"] = f"{API}/payment-batches/{batch.id}"
    set_etag(response, batch.version)
    return batch


@router.get(
    "/payment-batches", response_model=Page[PaymentBatchRead], summary="List payment batches"
)
async def list_payment_batches(
    session: SessionDep,
    _reader: Reader,
    params: Annotated[PageParams, sorted_by("created_at", "payment_date")],
    status: BatchStatus | None = None,
) -> Page[PaymentBatchRead]:
    """Payment batches, latest first."""
    return await paginate(
        session,
        batch_rules.listing(status=status),
        params,
        sortable={"created_at": PaymentBatch.created_at, "payment_date": PaymentBatch.payment_date},
        id_column=PaymentBatch.id,
        default_sort="-created_at",
        to_item=PaymentBatchRead.model_validate,
    )


@router.get(
    "/payment-batches/{batch_id}", response_model=PaymentBatchRead, summary="Read a payment batch"
)
async def read_payment_batch(
    batch_id: uuid.UUID, response: Response, session: SessionDep, _reader: Reader
) -> PaymentBatch:
    """One batch with its items."""
    batch = await batch_rules.get(session, batch_id)
    set_etag(response, batch.version)
    return batch


@router.get(
    "/payment-batches/{batch_id}/export",
    response_class=Response,
    summary="The bank file of a payment batch",
    responses={
        200: {
            "description": "CSV (UTF-8 with a byte-order mark): payee_name, bank_account, "
            "bank_name, amount, currency, reference.",
            "content": {"text/csv": {"schema": {"type": "string"}}},
        }
    },
)
async def export_payment_batch(
    batch_id: uuid.UUID, session: SessionDep, _reader: Reader
) -> Response:
    """The CSV the treasurer uploads to the bank: one row per payee and invoice."""
    batch = await batch_rules.get(session, batch_id)
    body = batch_rules.bank_csv(batch).encode("utf-8-sig")
    return Response(
        content=body,
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="payment-batch-{batch.id}.csv"',
            "ETag": f'"{batch.version}"',
        },
    )


@router.post(
    "/payment-batches/{batch_id}/execute",
    response_model=PaymentBatchRead,
    summary="Mark a batch paid by the bank",
)
async def execute_payment_batch(
    batch_id: uuid.UUID,
    request: Request,
    response: Response,
    session: SessionDep,
    principal: Manager,
) -> PaymentBatch:
    """One posted payment per item on the batch's payment date; the batch is executed."""
    batch = await batch_rules.get(session, batch_id, lock=True)
    check_if_match(request, batch.version)
    batch = await batch_rules.execute(session, batch, principal.sub)
    set_etag(response, batch.version)
    return batch


@router.post(
    "/payment-batches/{batch_id}/cancel",
    response_model=PaymentBatchRead,
    summary="Drop a pending batch",
)
async def cancel_payment_batch(
    batch_id: uuid.UUID,
    request: Request,
    response: Response,
    session: SessionDep,
    _manager: Manager,
) -> PaymentBatch:
    """The batch is cancelled; its payables may go into another."""
    batch = await batch_rules.get(session, batch_id, lock=True)
    check_if_match(request, batch.version)
    batch = await batch_rules.cancel(session, batch)
    set_etag(response, batch.version)
    return batch


# --- cash plan ------------------------------------------------------------------------------


@router.get("/cash-plan", response_model=CashPlan, summary="Cash plan")
async def cash_plan(
    session: SessionDep,
    _reader: Reader,
    start: Annotated[date, Query(alias="from")],
    end: Annotated[date, Query(alias="to")],
    granularity: Granularity = "month",
) -> CashPlan:
    """Receipts and payments expected per week (Monday to Sunday) or month: open invoices by
    due date (drafts apart, as scheduled), approved spending requests not yet posted, and the cash on the ledger before
    ``from``. Amounts already overdue are expected in the first period."""
    cash_plan_rules.check_range(start, end)
    items = await cash_plan_rules.invoice_items(session, end)
    items += await cash_plan_rules.spending_items(session, end)
    opening = await cash_plan_rules.opening_cash(session, start)
    result = cash_plan_rules.plan(start, end, granularity, items)
    rows = []
    running = opening
    for period in result:
        running += period.net
        rows.append(
            CashPlanPeriod(
                start=period.start,
                end=period.end,
                **period.amounts,
                receipts=period.receipts,
                payments=period.payments,
                net=period.net,
                closing_cash=running,
            )
        )
    return CashPlan(
        start=start,
        end=end,
        granularity=granularity,
        opening_cash=opening,
        periods=rows,
        total_receipts=sum((p.receipts for p in result), Decimal("0.00")),
        total_payments=sum((p.payments for p in result), Decimal("0.00")),
        closing_cash=running,
    )
