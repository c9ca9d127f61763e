"""Time-ordered, unguessable identifiers (UUID version 7, RFC 9562)."""

import os
import time
import uuid


def uuid7() -> uuid.UUID:
    """Return a UUIDv7: 48 bits of Unix milliseconds, then 74 random bits."""
    millis = time.time_ns() // 1_000_000
    rand = int.from_bytes(os.urandom(10), "big")
    value = (millis & 0xFFFF_FFFF_FFFF) << 80
    value |= 0x7 << 76  # version
    value |= ((rand >> 62) & 0xFFF) << 64  # 12 random bits (rand_a)
    value |= 0b10 << 62  # RFC 4122 variant
    value |= rand & 0x3FFF_FFFF_FFFF_FFFF  # 62 random bits (rand_b)
    return uuid.UUID(int=value)


def new_id() -> uuid.UUID:
    """The id every new record gets."""
    return uuid7()
