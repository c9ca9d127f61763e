"""logistics's problem codes for office supplies: catalogue, stock ledger, purchases, requisitions, stocktakes."""

from shared.kit.problems import P, ProblemCode

CODES: tuple[ProblemCode, ...] = (
    P("requester_only", 403, "confirming the collection of someone else's requisition"),
    P("insufficient_stock", 409, "a movement or reservation that would take stock below zero"),
    P("duplicate_sku", 409, "a SKU already in the catalogue"),
    P("duplicate_pickup_point", 409, "a pick-up point code already in use"),
    P(
        "invalid_purchase_transition",
        409,
        "cancelling or receiving a purchase in a status that does not allow it",
    ),
    P("over_receipt", 409, "receiving more of a purchase line than is still outstanding"),
    P(
        "invalid_requisition_transition",
        409,
        "picking, collecting or cancelling a requisition in a status that does not allow it",
    ),
    P(
        "stocktake_in_progress",
        409,
        "starting a stocktake of a pick-up point another one is counting",
    ),
    P(
        "stocktake_not_counting",
        409,
        "counting, posting or cancelling a stocktake that is posted or cancelled",
    ),
    P("unknown_supply", 422, "a body naming a SKU that does not exist"),
    P("inactive_supply", 422, "requisitioning or issuing a SKU taken off the catalogue"),
    P(
        "unknown_pickup_point",
        422,
        "a body naming a pick-up point that does not exist or is closed",
    ),
    P("invalid_movement", 422, "a stock movement whose fields do not fit its kind"),
    P("reason_required", 422, "an adjustment without a reason"),
    P(
        "duplicate_line",
        422,
        "a purchase, requisition, pick, collection or receipt naming one SKU or line twice",
    ),
    P(
        "unknown_line",
        422,
        "naming a line or SKU that is not on the purchase, requisition or count sheet",
    ),
    P("quantity_too_large", 422, "picking more than reserved, or collecting more than picked"),
    P("invalid_purchase", 422, "a purchase whose lines cost nothing"),
    P("counts_missing", 422, "posting a stocktake before every SKU of its sheet is counted"),
)

__all__ = ["CODES", "P"]
