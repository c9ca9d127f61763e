"""logistics's problem codes for spaces, facilities, maintenance and repairs."""

from shared.kit.problems import P, ProblemCode

CODES: tuple[ProblemCode, ...] = (
    P("duplicate_space", 409, "a building, floor and room already registered"),
    P("duplicate_asset_tag", 409, "an asset tag already in use"),
    P(
        "invalid_work_order_transition",
        409,
        "starting, completing or cancelling a work order in a status that does not allow it",
    ),
    P(
        "invalid_repair_transition",
        409,
        "a repair step its status does not allow (assign after start, confirm before resolve…)",
    ),
    P("unknown_space", 422, "a body naming a space that does not exist"),
    P("unknown_facility", 422, "a body naming a facility that does not exist"),
    P("target_required", 422, "a schedule, work order or repair naming neither facility nor space"),
    P(
        "invalid_rule",
        422,
        "a maintenance schedule without exactly one valid interval or cron rule",
    ),
    P("warranty_before_purchase", 422, "a warranty that ends before the purchase date"),
)

__all__ = ["CODES", "P"]
