"""Failed-login limiting: sliding windows per (username, address) and per address.

Keying the username limit by address too means an attacker elsewhere cannot lock a user
out, and a sliding window means every lock lifts by itself. State is per gateway process;
with several gateway replicas it moves to Redis (see docs/gateway.md).
"""

import math
import time
from collections import deque
from collections.abc import Callable


class LoginLimiter:
    """Counts failed logins and says how long a blocked caller must wait."""

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

    def retry_after(self, username: str, address: str) -> int:
        """Seconds to wait before another try (0 when allowed)."""
        return max(
            self._wait(self._user_key(username, address), self.attempts),
            self._wait(f"addr:{address}", self.per_address),
        )

    def record_failure(self, username: str, address: str) -> None:
        """Count one failed login."""
        now = self.clock()
        for key in (self._user_key(username, address), f"addr:{address}"):
            self._failures.setdefault(key, deque()).append(now)
        if len(self._failures) > 100_000:
            for key in list(self._failures)[:50_000]:
                self._recent(key)

    def record_success(self, username: str, address: str) -> None:
        """A correct password clears that user's failures from that address."""
        self._failures.pop(self._user_key(username, address), None)
