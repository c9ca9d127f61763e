"""logistics's problem codes for rooms, bookings and meetings."""

from shared.kit.problems import P, ProblemCode

CODES: tuple[ProblemCode, ...] = (
    P(
        "organizer_only",
        403,
        "changing a meeting, its minutes or action items without being its organiser (or logistics)",
    ),
    P("not_an_attendee", 403, "answering an invitation to a meeting one is not invited to"),
    P(
        "room_booked",
        409,
        "the room is already booked at (one of) the requested time(s); the problem lists them",
    ),
    P("room_name_taken", 409, "a room name already in use"),
    P("booking_not_active", 409, "cancelling a booking already cancelled or over"),
    P(
        "booking_of_meeting",
        409,
        "cancelling a meeting's booking directly (cancel or move the meeting)",
    ),
    P("meeting_cancelled", 409, "changing, answering or writing minutes of a cancelled meeting"),
    P("meeting_over", 409, "cancelling a meeting that has ended"),
    P("minutes_exist", 409, "writing a meeting's minutes a second time (change them instead)"),
    P("times_out_of_order", 422, "a booking, meeting, window or trip that ends before it starts"),
    P("booking_in_past", 422, "a booking or meeting that starts in the past"),
    P("booking_too_long", 422, "a booking longer than 7 days"),
    P("room_too_small", 422, "more attendees than the room holds"),
    P(
        "invalid_recurrence",
        422,
        "a recurrence without exactly one of until/count, longer than 366 times, or with overlapping occurrences",
    ),
    P("availability_window_too_long", 422, "an availability search over more than 31 days"),
    P("unknown_room", 422, "booking a room that does not exist or is out of use"),
)

__all__ = ["CODES", "P"]
