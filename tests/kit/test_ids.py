"""Record ids: UUIDv7, unique, and strictly increasing within a process, so that records
written in one instant (equal timestamps) still sort in the order they were written."""

import itertools
import time
import uuid

from shared.contracts.ids import new_id


def test_ids_made_in_one_burst_are_unique_and_strictly_increasing() -> None:
    ids = [new_id() for _ in range(20_000)]  # far more than 4,096 per millisecond
    assert len(set(ids)) == len(ids)
    assert all(a.int < b.int for a, b in itertools.pairwise(ids))
    assert all(a.hex < b.hex for a, b in itertools.pairwise(ids))  # as SQLite stores them


def test_an_id_is_a_version_7_uuid_carrying_the_current_millisecond() -> None:
    before = time.time_ns() // 1_000_000
    made = new_id()
    after = time.time_ns() // 1_000_000
    assert made.version == 7 and made.variant == uuid.RFC_4122
    # A burst may borrow a few milliseconds ahead; never from the past.
    assert before <= made.int >> 80 <= after + 10
