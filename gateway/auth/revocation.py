"""Revoked access tokens, as the gateway knows and publishes them.

An access token stops working before it expires when its account's token generation was
raised (roles, employee link, deactivation, password — ``Account.token_generation``; for a
client, deactivation or scopes taken away — ``Client.token_generation``) or its
login session was ended (logout, a reused refresh token — ``RefreshToken.revoked_at``). The
gateway keeps these in memory: its own changes at once, other replicas' by re-reading the
database every ``OFFICINA_REVOCATION_REFRESH_SECONDS``. Only revocations younger than an
access token's lifetime matter (older tokens have expired), so the set stays small; it is
published in the key set document, where every service's verifier fetches it.
"""

import time
import uuid
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from gateway.db.models import Account, Client, RefreshToken
from shared.kit.db import utcnow
from shared.kit.tokens import Revocations

# Kept a little past the token lifetime: verifiers allow a few seconds of clock leeway.
MARGIN_SECONDS = 60


class RevocationStore:
    """The gateway's revocations: noted on change, reloaded from the database on a timer."""

    def __init__(self, revocations: Revocations, access_token_ttl: int) -> None:
        self.revocations = revocations
        self.keep = access_token_ttl + MARGIN_SECONDS

    def _until(self, when: datetime | None) -> float:
        return (when.timestamp() if when else time.time()) + self.keep

    def note_account(self, account: Account) -> None:
        """The account's tokens below its current generation stop working now."""
        if account.token_generation:
            self.revocations.revoke_account(
                str(account.id), account.token_generation, self._until(account.tokens_revoked_at)
            )

    def note_client(self, client: Client) -> None:
        """The client's tokens below its current generation stop working now."""
        if client.token_generation:
            self.revocations.revoke_account(
                f"client:{client.client_id}",
                client.token_generation,
                self._until(client.tokens_revoked_at),
            )

    def note_session(self, family_id: uuid.UUID | str) -> None:
        """The access tokens of a login session stop working now."""
        self.revocations.revoke_session(str(family_id), self._until(None))

    async def load(self, session: AsyncSession) -> None:
        """Add every revocation of the last token lifetime recorded in the database."""
        since = utcnow() - timedelta(seconds=self.keep)
        accounts = await session.execute(
            select(Account.id, Account.token_generation, Account.tokens_revoked_at).where(
                Account.tokens_revoked_at > since
            )
        )
        for account_id, generation, revoked_at in accounts:
            self.revocations.revoke_account(str(account_id), generation, self._until(revoked_at))
        clients = await session.execute(
            select(Client.client_id, Client.token_generation, Client.tokens_revoked_at).where(
                Client.tokens_revoked_at > since
            )
        )
        for client_id, generation, revoked_at in clients:
            self.revocations.revoke_account(
                f"client:{client_id}", generation, self._until(revoked_at)
            )
        sessions = await session.execute(
            select(RefreshToken.family_id, func.max(RefreshToken.revoked_at))
            .where(RefreshToken.revoked_at > since)
            .group_by(RefreshToken.family_id)
        )
        for family_id, revoked_at in sessions:
            self.revocations.revoke_session(str(family_id), self._until(revoked_at))
        self.revocations.prune()

    async def reload(self, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
        """``load`` in a session of its own."""
        async with sessionmaker() as session:
            await self.load(session)
