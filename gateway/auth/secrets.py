"""Password hashing (argon2id), password rules, and hashing of high-entropy secrets."""

import asyncio
import hashlib
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()  # argon2id with the library's current recommended cost
# Verified against when the username is unknown, so both paths cost the same time.
_DUMMY_HASH = _hasher.hash("officina-timing-equaliser")

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 256


def password_problems(password: str, username: str) -> list[str]:
    """Why ``password`` is not acceptable for ``username`` (empty when it is)."""
    problems = []
    if len(password) < MIN_PASSWORD_LENGTH:
        problems.append(f"must be at least {MIN_PASSWORD_LENGTH} characters long")
    if len(password) > MAX_PASSWORD_LENGTH:
        problems.append(f"must be at most {MAX_PASSWORD_LENGTH} characters long")
    if password.strip().lower() == username.strip().lower():
        problems.append("must not be the same as the username")
    if password and len(set(password)) < 4:
        problems.append("must use at least 4 different characters")
    return problems


async def hash_password(password: str) -> str:
    """An argon2id hash, computed off the event loop."""
    return await asyncio.to_thread(_hasher.hash, password)


async def verify_password(password_hash: str | None, password: str) -> bool:
    """True when ``password`` matches; always spends the hashing time, even with no hash."""

    def check() -> bool:
        try:
            return (
                _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
            )
        except (VerificationError, InvalidHashError):
            return False

    return await asyncio.to_thread(check)


def new_secret(nbytes: int = 32) -> str:
    """A random URL-safe secret (client secrets, refresh tokens, generated passwords)."""
    return secrets.token_urlsafe(nbytes)


def digest(secret: str) -> str:
    """SHA-256 of a high-entropy secret; enough for random tokens, never used for passwords."""
    return hashlib.sha256(secret.encode()).hexdigest()


def same_digest(expected: str, secret: str) -> bool:
    """Constant-time comparison of a stored digest with a presented secret."""
    return secrets.compare_digest(expected, digest(secret))
