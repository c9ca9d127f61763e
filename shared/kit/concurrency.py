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


# Headers a 304 repeats from the answer it stands for (RFC 9110 §15.4.5).
_KEPT_ON_304 = ("etag", "cache-control", "content-location", "date", "expires", "vary")


def not_modified(request: Request, response: Response) -> Response | None:
    """A 304 for a successful read whose ``ETag`` the caller already holds (``If-None-Match``,
    compared weakly, ``*`` matching any), else None. The kit applies it to every GET."""
    header = request.headers.get("if-none-match")
    if header is None or response.status_code != 200:
        return None
    current = response.headers.get("etag")
    if current is None:
        return None
    candidates = {part.strip().removeprefix("W/") for part in header.split(",")}
    if "*" not in candidates and current.removeprefix("W/") not in candidates:
        return None
    kept = {name: response.headers[name] for name in _KEPT_ON_304 if name in response.headers}
    return Response(status_code=304, headers=kept)
