"""Limits of the gateway: credential attempts (logins, client secrets) and writes per caller.

Credential attempts are counted *before* the secret is checked: an attempt takes a place
under its (subject, address) key and its address key at once, in one step with no ``await``
between the check and the count, so it is atomic within the gateway process. An attempt
that finds every place taken by attempts still being checked waits for one of them to end
(a failure keeps its place for the window; a success gives it back), and is refused once
the failures alone fill the limit. So a burst of N wrong attempts gets at most the limit
checked, and simultaneous correct ones all succeed, a few at a time.

Keying the subject limit by address too means an attacker elsewhere cannot lock a user
out, and a sliding window means every lock lifts by itself. State is per gateway process;
with several gateway replicas it moves to a shared store (see docs/gateway.md).
"""

import asyncio
import math
import time
from collections import deque
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass

from shared.contracts.principal import Principal
from shared.kit.errors import TooManyRequests

MAX_KEYS = 100_000


class Blocked(Exception):
    """Too many failed attempts: try again in ``retry_after`` seconds."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"blocked for {retry_after} s")
        self.retry_after = retry_after


@dataclass
class Attempt:
    """One credential check in progress; say how it ended with ``failed()`` or ``succeeded()``.

    An attempt left undecided (an unexpected error) gives its place back uncounted.
    """

    outcome: str | None = None

    def failed(self) -> None:
        """The credentials were wrong: the attempt counts for the window."""
        self.outcome = "failed"

    def succeeded(self) -> None:
        """The credentials were right: that subject's failures from that address are cleared."""
        self.outcome = "succeeded"


class LoginLimiter:
    """Counts credential attempts per (subject, address) and per address."""

    def __init__(
        self,
        attempts: int,
        window_seconds: float,
        *,
        per_address_factor: int = 4,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.attempts = attempts
        self.window = window_seconds
        self.per_address = attempts * per_address_factor
        self.clock = clock
        self._failures: dict[str, deque[float]] = {}
        self._pending: dict[str, int] = {}
        self._changed: asyncio.Condition | None = None

    def _recent(self, key: str) -> deque[float]:
        now = self.clock()
        times = self._failures.get(key)
        if times is None:
            return deque()
        while times and times[0] <= now - self.window:
            times.popleft()
        if not times:
            del self._failures[key]
        return times

    def _wait(self, key: str, limit: int) -> int:
        times = self._recent(key)
        if len(times) < limit:
            return 0
        return max(1, math.ceil(times[len(times) - limit] + self.window - self.clock()))

    @staticmethod
    def _user_key(username: str, address: str) -> str:
        # Normalised as accounts are looked up, so " Admin" counts against "admin".
        return f"user:{username.strip().lower()}|{address}"

    def _limits(self, username: str, address: str) -> tuple[tuple[str, int], tuple[str, int]]:
        return (
            (self._user_key(username, address), self.attempts),
            (f"addr:{address}", self.per_address),
        )

    def retry_after(self, username: str, address: str) -> int:
        """Seconds to wait before another try because of past failures (0 when allowed)."""
        return max(self._wait(key, limit) for key, limit in self._limits(username, address))

    def _has_room(self, username: str, address: str) -> bool:
        return all(
            len(self._recent(key)) + self._pending.get(key, 0) < limit
            for key, limit in self._limits(username, address)
        )

    def record_failure(self, username: str, address: str) -> None:
        """Count one failed attempt."""
        now = self.clock()
        for key, _ in self._limits(username, address):
            self._failures.setdefault(key, deque()).append(now)
        if len(self._failures) > MAX_KEYS:
            for key in list(self._failures)[: MAX_KEYS // 2]:
                self._recent(key)

    def record_success(self, username: str, address: str) -> None:
        """Right credentials clear that subject's failures from that address."""
        self._failures.pop(self._user_key(username, address), None)

    def in_flight(self, username: str, address: str) -> int:
        """Attempts of that subject from that address being checked right now."""
        return self._pending.get(self._user_key(username, address), 0)

    @asynccontextmanager
    async def attempt(self, username: str, address: str) -> AsyncIterator[Attempt]:
        """A place to check credentials in; raises ``Blocked`` when the failures fill the limit."""
        if self._changed is None:
            self._changed = asyncio.Condition()
        changed = self._changed
        limits = self._limits(username, address)
        async with changed:
            while True:
                wait = self.retry_after(username, address)
                if wait:
                    raise Blocked(wait)
                if self._has_room(username, address):
                    break
                await changed.wait()
            for key, _ in limits:
                self._pending[key] = self._pending.get(key, 0) + 1
        attempt = Attempt()
        try:
            yield attempt
        finally:
            async with changed:
                for key, _ in limits:
                    left = self._pending.get(key, 0) - 1
                    if left > 0:
                        self._pending[key] = left
                    else:
                        self._pending.pop(key, None)
                if attempt.outcome == "failed":
                    self.record_failure(username, address)
                elif attempt.outcome == "succeeded":
                    self.record_success(username, address)
                changed.notify_all()


class WriteLimiter:
    """A token bucket per caller: ``limit`` writes at once, refilled over ``window_seconds``."""

    def __init__(
        self, limit: int, window_seconds: float, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.limit = limit
        self.rate = limit / window_seconds
        self.clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}

    def take(self, subject: str) -> int:
        """Take one write for ``subject``: 0 when allowed, else the seconds until one is."""
        now = self.clock()
        tokens, last = self._buckets.get(subject, (float(self.limit), now))
        tokens = min(float(self.limit), tokens + (now - last) * self.rate)
        if tokens < 1:
            self._buckets[subject] = (tokens, now)
            return max(1, math.ceil((1 - tokens) / self.rate))
        self._buckets[subject] = (tokens - 1, now)
        if len(self._buckets) > MAX_KEYS:
            self._forget_full(now)
        return 0

    def _forget_full(self, now: float) -> None:
        for subject, (tokens, last) in list(self._buckets.items()):
            if tokens + (now - last) * self.rate >= self.limit:
                del self._buckets[subject]


def limit_writes(limiter: WriteLimiter, principal: Principal) -> None:
    """Count a write by ``principal``; 429 with ``Retry-After`` beyond its allowance.

    The services' own built-in clients (``svc-<service>``) are not limited: their writes are
    the platform's work on behalf of callers already counted.
    """
    if principal.kind == "client" and (principal.client_id or "").startswith("svc-"):
        return
    wait = limiter.take(principal.sub)
    if wait:
        raise TooManyRequests(
            f"too many writes; try again in {wait} seconds",
            code="too_many_writes",
            headers={"Retry-After": str(wait)},
        )
