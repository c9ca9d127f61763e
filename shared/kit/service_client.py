"""Calls from one service to another, through the gateway, with the service's own client token."""

import asyncio
import logging
import ssl
import time
import uuid
from functools import cache
from typing import Any

import httpx

from shared.kit.context import current_request_id
from shared.kit.errors import ServiceUnavailable

log = logging.getLogger("officina.kit.service_client")


@cache
def _ssl_context() -> ssl.SSLContext:
    """One verifying TLS context for every client: loading the CA bundle costs a quarter second."""
    return httpx.create_ssl_context()


class ServiceClient:
    """An httpx client that authenticates with client credentials and renews its token early.

    Timeouts are short; only idempotent reads are retried (once), as the architecture says.
    """

    def __init__(
        self,
        gateway_url: str,
        client_id: str | None,
        client_secret: str | None,
        *,
        timeout: float = 5.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.gateway_url = gateway_url.rstrip("/")
        self.client_id = client_id
        self.client_secret = client_secret
        self._http = httpx.AsyncClient(
            base_url=self.gateway_url, timeout=timeout, transport=transport, verify=_ssl_context()
        )
        self._token: str | None = None
        self._expires = 0.0
        self._lock = asyncio.Lock()

    async def token(self) -> str:
        """A valid access token, fetched again a minute before it expires."""
        async with self._lock:
            if self._token and time.monotonic() < self._expires - 60:
                return self._token
            if not self.client_id or not self.client_secret:
                raise ServiceUnavailable(
                    "this service has no client credentials for calling others"
                )
            response = await self._http.post(
                "/api/v1/auth/token",
                data={
                    "grant_type": "client_credentials",
                    "client_id": self.client_id,
                    "client_secret": self.client_secret,
                },
            )
            if response.status_code != 200:
                raise ServiceUnavailable(
                    f"the gateway refused this service's credentials ({response.status_code})"
                )
            body = response.json()
            self._token = str(body["access_token"])
            self._expires = time.monotonic() + float(body.get("expires_in", 900))
            return self._token

    async def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """Send a request through the gateway; 503 ServiceUnavailable when it cannot be reached."""
        headers = {"Authorization": f"Bearer {await self.token()}", **kwargs.pop("headers", {})}
        request_id = current_request_id()
        if request_id:
            headers["X-Request-ID"] = request_id
        attempts = 2 if method in ("GET", "HEAD") else 1
        for attempt in range(attempts):
            try:
                response = await self._http.request(method, path, headers=headers, **kwargs)
            except httpx.TransportError as exc:
                if attempt + 1 < attempts:
                    continue
                raise ServiceUnavailable(
                    f"could not reach {path.split('/')[3]}: {type(exc).__name__}"
                ) from exc
            if response.status_code == 401 and attempt + 1 < attempts:
                self._token = None
                headers["Authorization"] = f"Bearer {await self.token()}"
                continue
            return response
        raise AssertionError("unreachable")

    async def get_json(self, path: str, **kwargs: Any) -> Any:
        """GET a JSON document; 503 when the other service answers with an error."""
        response = await self.request("GET", path, **kwargs)
        if response.status_code == 404:
            return None
        if response.status_code >= 400:
            raise ServiceUnavailable(f"{path} answered {response.status_code}")
        return response.json()

    async def get_record(self, path: str, record_id: uuid.UUID | str) -> Any:
        """GET one record by its id: None when the other service answers 404, 503 when it
        answers with an error — or with a record whose ``id`` is not the one asked for. An
        answer about someone else is never acted on (an approver, a traveller's grade), however
        it came to be mixed up on the way."""
        body = await self.get_json(path)
        if body is not None and (
            not isinstance(body, dict) or str(body.get("id")) != str(record_id)
        ):
            about = body.get("id") if isinstance(body, dict) else type(body).__name__
            log.error("%s answered about %s, not %s", path, about, record_id)
            raise ServiceUnavailable(f"{path} answered about another record")
        return body

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self._http.aclose()
