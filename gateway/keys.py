"""Token-signing keys: created on first start (0600 files in the data dir), rotatable."""

import json
import os
from pathlib import Path
from typing import Any

from shared.kit.tokens import SigningKey


def _write_private(path: Path, content: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(content)
    os.chmod(path, 0o600)


class KeyRing:
    """The current signing key plus retired keys that still verify tokens they signed.

    Layout: ``<data_dir>/keys/<kid>.pem`` and ``keys/ring.json`` (``{"current": kid,
    "retired": [kid, ...]}``). With ``OFFICINA_JWT_PRIVATE_KEY`` the key comes from the
    environment instead and nothing is written.
    """

    def __init__(self, current: SigningKey, retired: list[SigningKey] | None = None) -> None:
        self.current = current
        self.retired = retired or []

    @classmethod
    def from_pem(cls, pem: str, kid: str = "env") -> "KeyRing":
        """A ring holding one key given as PEM text."""
        return cls(SigningKey.from_pem(kid, pem.encode()))

    @classmethod
    def load_or_create(cls, data_dir: Path) -> "KeyRing":
        """Load the ring from the data directory, creating a first key when there is none."""
        folder = data_dir / "keys"
        folder.mkdir(parents=True, exist_ok=True)
        os.chmod(folder, 0o700)
        index = folder / "ring.json"
        if not index.exists():
            key = SigningKey.generate()
            _write_private(folder / f"{key.kid}.pem", key.private_pem())
            _write_private(index, json.dumps({"current": key.kid, "retired": []}).encode())
            return cls(key)
        ring = json.loads(index.read_text())

        def load(kid: str) -> SigningKey:
            return SigningKey.from_pem(kid, (folder / f"{kid}.pem").read_bytes())

        return cls(load(ring["current"]), [load(kid) for kid in ring.get("retired", [])])

    @staticmethod
    def rotate(data_dir: Path, keep_retired: int = 2) -> str:
        """Make a new current key; the old one keeps verifying. Returns the new key id."""
        ring = KeyRing.load_or_create(data_dir)
        folder = data_dir / "keys"
        key = SigningKey.generate()
        _write_private(folder / f"{key.kid}.pem", key.private_pem())
        retired = [ring.current.kid, *[k.kid for k in ring.retired]][:keep_retired]
        for old in [ring.current, *ring.retired]:
            if old.kid not in retired:
                (folder / f"{old.kid}.pem").unlink(missing_ok=True)
        _write_private(
            folder / "ring.json", json.dumps({"current": key.kid, "retired": retired}).encode()
        )
        return key.kid

    def jwks(self) -> dict[str, list[dict[str, Any]]]:
        """The public keys, current first, as published at ``/.well-known/jwks.json``."""
        return {"keys": [key.public_jwk() for key in (self.current, *self.retired)]}
