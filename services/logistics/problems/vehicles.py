"""logistics's problem codes for vehicles."""

from shared.kit.problems import P, ProblemCode

CODES: tuple[ProblemCode, ...] = (
    P("plate_taken", 409, "a plate already in the fleet"),
    P("vehicle_booked", 409, "the vehicle is already dispatched at an overlapping time"),
    P("driver_booked", 409, "the driver is already dispatched at an overlapping time"),
    P("request_not_approved", 409, "dispatching a request that is not approved"),
    P("request_not_dispatched", 409, "starting a trip for a request not dispatched"),
    P(
        "invalid_request_transition",
        409,
        "cancelling a request that is over, decided or on its trip",
    ),
    P("trip_open", 409, "starting a trip for a vehicle (or request) already out"),
    P("trip_completed", 409, "completing a trip already completed"),
    P(
        "odometer_decreased",
        422,
        "an odometer reading lower than the vehicle's (or the trip's) last",
    ),
    P("vehicle_unavailable", 422, "dispatching a vehicle in maintenance or retired"),
    P("vehicle_too_small", 422, "dispatching a vehicle with fewer seats than passengers"),
    P("unknown_request", 422, "a trip for a vehicle request that does not exist"),
)

__all__ = ["CODES", "P"]
