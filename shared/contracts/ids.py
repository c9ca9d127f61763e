"""Time-ordered, unguessable identifiers (UUID version 7, RFC 9562)."""

import os
import threading
import time
import uuid

_lock = threading.Lock()
_last = (0, 0)  # (milliseconds, counter) of the last id made in this process


def uuid7() -> uuid.UUID:
    """Return a UUIDv7: 48 bits of Unix milliseconds, a 12-bit counter, then 62 random bits.

    Ids made in one process are strictly increasing (RFC 9562's "fixed-length dedicated
    counter", method 1): within one millisecond the counter in ``rand_a`` counts up from a
    random start, and when it runs out the id borrows the next millisecond. So records a
    service writes in one instant still sort in the order it wrote them (ids break ties of
    equal timestamps)."""
    global _last
    rand = int.from_bytes(os.urandom(10), "big")
    with _lock:
        millis = time.time_ns() // 1_000_000
        last_millis, last_counter = _last
        if millis > last_millis:
            counter = (rand >> 62) & 0x7FF  # a random start in the lower half leaves room
        else:
            millis, counter = last_millis, last_counter + 1
            if counter > 0xFFF:
                millis, counter = last_millis + 1, 0
        _last = (millis, counter)
    value = (millis & 0xFFFF_FFFF_FFFF) << 80
    value |= 0x7 << 76  # version
    value |= counter << 64  # 12 bits (rand_a): the counter
    value |= 0b10 << 62  # RFC 4122 variant
    value |= rand & 0x3FFF_FFFF_FFFF_FFFF  # 62 random bits (rand_b)
    return uuid.UUID(int=value)


def new_id() -> uuid.UUID:
    """The id every new record gets."""
    return uuid7()
