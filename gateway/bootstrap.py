"""First-start data of the gateway: the ``admin`` account and one client per service."""

import os
from pathlib import Path

from sqlalchemy import select

from gateway.auth import secrets
from gateway.auth.service import ensure_service_client
from gateway.db.models import KIT, Account
from shared.contracts.principal import SERVICES
from shared.kit.seeding import seeding_session

ADMIN_PASSWORD_FILE = "admin-password.txt"


def _write_secret_file(path: Path, content: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(content + "\n")
    os.chmod(path, 0o600)


async def load_reference_data(
    *, url: str, schema: str, data_dir: Path, demo: bool
) -> dict[str, str]:
    """Create ``admin`` on first start; give each service client a fresh secret for this run.

    Returns the environment the launcher hands to the processes: each service's client
    credentials (``OFFICINA_<SERVICE>_CLIENT_ID`` / ``_CLIENT_SECRET``). A secret already in
    the environment is kept, so a deployment may fix them.
    """
    environment: dict[str, str] = {}
    async with seeding_session(url, schema, KIT) as session:
        if await session.scalar(select(Account.id).where(Account.username == "admin")) is None:
            password = os.environ.get("OFFICINA_ADMIN_PASSWORD")
            generated = not password
            password = password or secrets.new_secret(18)
            session.add(
                Account(
                    username="admin",
                    password_hash=await secrets.hash_password(password),
                    roles=["admin"],
                )
            )
            if generated:
                path = data_dir / ADMIN_PASSWORD_FILE
                _write_secret_file(path, password)
                print(
                    f"  created account 'admin' with password: {password}  (also in {path})",
                    flush=True,
                )
            else:
                print(
                    "  created account 'admin' with the password from OFFICINA_ADMIN_PASSWORD",
                    flush=True,
                )
        for service in SERVICES:
            secret = (
                os.environ.get(f"OFFICINA_{service.upper()}_CLIENT_SECRET") or secrets.new_secret()
            )
            client = await ensure_service_client(session, service, secret)
            environment[f"OFFICINA_{service.upper()}_CLIENT_ID"] = client.client_id
            environment[f"OFFICINA_{service.upper()}_CLIENT_SECRET"] = secret
    return environment
