"""Failed logins are limited per (username, address) and per address, and every lock lifts."""

import asyncio

from gateway.auth.ratelimit import LoginLimiter
from tests.gateway.conftest import MakeGateway
from tests.platform_runner import ADMIN_PASSWORD

HOME = "192.0.2.10"
ELSEWHERE = "198.51.100.7"


class FakeClock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def limiter(attempts: int = 5, window: float = 60.0) -> tuple[LoginLimiter, FakeClock]:
    clock = FakeClock()
    return LoginLimiter(attempts, window, clock=clock), clock


def fail(limiter: LoginLimiter, times: int, username: str = "alice", address: str = HOME) -> None:
    for _ in range(times):
        limiter.record_failure(username, address)


def test_five_failed_logins_block_the_sixth_try_until_the_window_passes() -> None:
    limits, clock = limiter()
    fail(limits, 4)
    assert limits.retry_after("alice", HOME) == 0

    fail(limits, 1)

    assert limits.retry_after("alice", HOME) == 60
    clock.now += 45
    assert limits.retry_after("alice", HOME) == 15
    clock.now += 15
    assert limits.retry_after("alice", HOME) == 0


def test_the_window_slides_so_the_oldest_failure_leaves_first() -> None:
    limits, clock = limiter()
    fail(limits, 1)
    clock.now += 30
    fail(limits, 4)
    assert limits.retry_after("alice", HOME) == 30

    clock.now += 30

    assert limits.retry_after("alice", HOME) == 0
    fail(limits, 1)
    assert limits.retry_after("alice", HOME) == 30


def test_a_correct_password_from_another_address_is_not_locked_out() -> None:
    limits, _ = limiter()
    fail(limits, 5, address=ELSEWHERE)

    assert limits.retry_after("alice", ELSEWHERE) > 0
    assert limits.retry_after("alice", HOME) == 0


def test_a_locked_user_does_not_lock_other_users_at_the_same_address() -> None:
    limits, _ = limiter()
    fail(limits, 5, username="alice")

    assert limits.retry_after("bob", HOME) == 0


def test_one_address_trying_many_usernames_is_blocked_as_a_whole() -> None:
    limits, _ = limiter(attempts=5)
    for number in range(20):
        limits.record_failure(f"user{number}", HOME)

    assert limits.retry_after("somebody-new", HOME) > 0
    assert limits.retry_after("somebody-new", ELSEWHERE) == 0


def test_a_successful_login_clears_that_users_failures_from_that_address() -> None:
    limits, _ = limiter()
    fail(limits, 4)

    limits.record_success("alice", HOME)
    fail(limits, 4)

    assert limits.retry_after("alice", HOME) == 0


def test_spelling_the_username_differently_does_not_buy_more_tries() -> None:
    limits, _ = limiter()
    for spelling in ("alice", "Alice", " alice", "ALICE ", "alice"):
        limits.record_failure(spelling, HOME)

    assert limits.retry_after("alice", HOME) > 0
    assert limits.retry_after(" Alice", HOME) > 0


async def test_five_failed_logins_answer_429_with_retry_after_and_the_lock_lifts(
    make_gateway: MakeGateway,
) -> None:
    gateway = await make_gateway(login_attempts=5, login_window_seconds=2)
    for _ in range(5):
        wrong = await gateway.password_grant("admin", "not-the-password")
        assert wrong.status_code == 400

    locked = await gateway.password_grant("admin", ADMIN_PASSWORD)

    assert locked.status_code == 429
    assert locked.headers["content-type"].startswith("application/problem+json")
    assert locked.json()["code"] == "too_many_login_attempts"
    wait = int(locked.headers["retry-after"])
    assert 1 <= wait <= 2
    async with gateway.client_from(ELSEWHERE) as elsewhere:
        other_address = await gateway.password_grant("admin", ADMIN_PASSWORD, client=elsewhere)
    assert other_address.status_code == 200
    await asyncio.sleep(wait)
    assert (await gateway.password_grant("admin", ADMIN_PASSWORD)).status_code == 200
