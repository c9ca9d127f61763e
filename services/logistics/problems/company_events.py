"""logistics's problem codes for company events."""

from shared.kit.problems import P, ProblemCode

CODES: tuple[ProblemCode, ...] = (
    P("signup_closed", 409, "signing up after the event's sign-up deadline"),
    P("already_signed_up", 409, "signing up twice for one event"),
    P("event_cancelled", 409, "signing up for, or changing, a cancelled event"),
    P("signup_cancelled", 409, "cancelling a sign-up already cancelled"),
    P("capacity_below_signups", 409, "lowering an event's capacity below the places taken"),
    P("event_not_started", 409, "recording attendance before the event starts"),
    P("signup_not_confirmed", 409, "recording attendance of a sign-up without a place"),
    P("deadline_after_start", 422, "an event whose sign-ups close after it starts"),
)

__all__ = ["CODES", "P"]
