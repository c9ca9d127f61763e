"""Credential attempts are limited per (subject, address) and per address, counted before
the check so bursts hold; every lock lifts; forwarded headers count only from configured
proxies; writes through the gateway are limited per caller."""

import asyncio

from gateway.auth.ratelimit import Blocked, LoginLimiter
from shared.kit.testing import bearer
from tests.gateway.conftest import GatewayUnderTest, MakeGateway
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


async def test_a_burst_of_attempts_checks_at_most_the_limit_and_refuses_the_rest() -> None:
    limits = LoginLimiter(5, 60.0)
    checked = 0

    async def wrong_password() -> str:
        nonlocal checked
        try:
            async with limits.attempt("alice", HOME) as attempt:
                checked += 1
                await asyncio.sleep(0)  # the slow hash: other attempts run meanwhile
                attempt.failed()
                return "wrong"
        except Blocked:
            return "blocked"

    outcomes = await asyncio.gather(*(wrong_password() for _ in range(40)))

    assert checked == 5
    assert outcomes.count("wrong") == 5
    assert outcomes.count("blocked") == 35


async def test_simultaneous_right_attempts_all_go_through_a_few_at_a_time() -> None:
    limits = LoginLimiter(2, 60.0)
    most_at_once = 0

    async def right_password() -> None:
        nonlocal most_at_once
        async with limits.attempt("alice", HOME) as attempt:
            most_at_once = max(most_at_once, limits.in_flight("alice", HOME))
            await asyncio.sleep(0)
            attempt.succeeded()

    await asyncio.gather(*(right_password() for _ in range(10)))

    assert most_at_once == 2
    assert limits.retry_after("alice", HOME) == 0


async def test_forty_simultaneous_wrong_passwords_get_five_checked_and_35_refused(
    make_gateway: MakeGateway,
) -> None:
    gateway = await make_gateway(login_attempts=5, login_window_seconds=600)

    answers = await asyncio.gather(
        *(gateway.password_grant("admin", "not-the-password") for _ in range(40))
    )

    statuses = sorted(answer.status_code for answer in answers)
    assert statuses == [400] * 5 + [429] * 35
    refused = next(answer for answer in answers if answer.status_code == 429)
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert int(refused.headers["retry-after"]) > 0


async def test_wrong_client_secrets_are_limited_like_passwords(make_gateway: MakeGateway) -> None:
    gateway = await make_gateway(login_attempts=5, login_window_seconds=600)
    client = await gateway.create_client("org:read")
    wrong = {
        "grant_type": "client_credentials",
        "client_id": client["client_id"],
        "client_secret": "not-the-secret",
    }

    answers = await asyncio.gather(
        *(gateway.client.post("/api/v1/auth/token", data=wrong) for _ in range(30))
    )

    statuses = sorted(answer.status_code for answer in answers)
    assert statuses == [401] * 5 + [429] * 25
    refused = next(answer for answer in answers if answer.status_code == 429)
    assert refused.json()["code"] == "too_many_client_attempts"
    assert int(refused.headers["retry-after"]) > 0
    right = {**wrong, "client_secret": client["client_secret"]}
    async with gateway.client_from(ELSEWHERE) as elsewhere:
        assert (await elsewhere.post("/api/v1/auth/token", data=right)).status_code == 200


async def block_admin_from_home(gateway: GatewayUnderTest) -> None:
    async with gateway.client_from(HOME) as home:
        for _ in range(5):
            assert (await gateway.password_grant("admin", "wrong", client=home)).status_code == 400
        assert (
            await gateway.password_grant("admin", ADMIN_PASSWORD, client=home)
        ).status_code == 429


async def test_a_blocked_address_cannot_claim_another_with_forwarded_headers(
    make_gateway: MakeGateway,
) -> None:
    gateway = await make_gateway(login_attempts=5, login_window_seconds=600)
    await block_admin_from_home(gateway)

    async with gateway.client_from(HOME) as home:
        for claimed in ({"X-Forwarded-For": ELSEWHERE}, {"Forwarded": f"for={ELSEWHERE}"}):
            answer = await home.post(
                "/api/v1/auth/token",
                data={"grant_type": "password", "username": "admin", "password": ADMIN_PASSWORD},
                headers=claimed,
            )
            assert answer.status_code == 429, claimed


async def test_forwarded_headers_name_the_caller_behind_a_configured_proxy(
    make_gateway: MakeGateway,
) -> None:
    proxy = "10.1.2.3"
    gateway = await make_gateway(
        login_attempts=5, login_window_seconds=600, trusted_proxies=["10.0.0.0/8"]
    )
    login = {"grant_type": "password", "username": "admin"}
    async with gateway.client_from(proxy) as through_proxy:
        for _ in range(5):
            wrong = await through_proxy.post(
                "/api/v1/auth/token",
                data={**login, "password": "wrong"},
                headers={"X-Forwarded-For": f"{ELSEWHERE}, {HOME}"},
            )
            assert wrong.status_code == 400
        blocked = await through_proxy.post(
            "/api/v1/auth/token",
            data={**login, "password": ADMIN_PASSWORD},
            headers={"Forwarded": f'for="{HOME}:4711"'},
        )
        other = await through_proxy.post(
            "/api/v1/auth/token",
            data={**login, "password": ADMIN_PASSWORD},
            headers={"X-Forwarded-For": ELSEWHERE},
        )

    assert blocked.status_code == 429, "the right-most untrusted hop is the caller"
    assert other.status_code == 200


async def test_writes_beyond_a_callers_allowance_are_429_with_retry_after(
    make_gateway: MakeGateway,
) -> None:
    gateway = await make_gateway(write_limit=3, write_window_seconds=3600)
    alice = bearer(gateway.mint(("employee",), subject="alice"))
    bob = bearer(gateway.mint(("employee",), subject="bob"))

    writes = await asyncio.gather(
        *(gateway.client.post("/api/v1/hr/echo", json={}, headers=alice) for _ in range(5))
    )

    assert sorted(write.status_code for write in writes) == [200, 200, 200, 429, 429]
    refused = next(write for write in writes if write.status_code == 429)
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert refused.json()["code"] == "too_many_writes"
    assert int(refused.headers["retry-after"]) >= 1000
    for method in ("PUT", "PATCH", "DELETE"):
        answer = await gateway.client.request(method, "/api/v1/org/echo", headers=alice)
        assert answer.status_code == 429, method
    assert (await gateway.client.get("/api/v1/org/echo", headers=alice)).status_code == 200
    assert (await gateway.client.post("/api/v1/org/echo", headers=bob)).status_code == 200


async def test_the_services_own_clients_are_not_write_limited(make_gateway: MakeGateway) -> None:
    gateway = await make_gateway(write_limit=1, write_window_seconds=3600)
    service = bearer(
        gateway.mint(
            (),
            subject="client:svc-hr",
            principal_type="client",
            client_id="svc-hr",
            scopes=["workflow:write"],
        )
    )

    for _ in range(3):
        answer = await gateway.client.post("/api/v1/workflow/echo", headers=service)
        assert answer.status_code == 200
