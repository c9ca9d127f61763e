"""Optimistic concurrency: ``version`` as the ETag, ``If-Match`` checked before a change."""

from fastapi import Request, Response

from shared.kit.errors import PreconditionFailed


def etag(version: int) -> str:
    """The strong ETag of a record version."""
    return f'"{version}"'


def set_etag(response: Response, version: int) -> None:
    """Send the record's version as its ETag."""
    response.headers["ETag"] = etag(version)


def check_if_match(request: Request, version: int) -> None:
    """Refuse with 412 when ``If-Match`` names another version; no header means no check."""
    header = request.headers.get("if-match")
    if header is None:
        return
    candidates = [part.strip().removeprefix("W/") for part in header.split(",")]
    if "*" in candidates or etag(version) in candidates:
        return
    raise PreconditionFailed(
        f"If-Match {header} does not match the current version {etag(version)}",
        code="version_mismatch",
        current_version=version,
    )
