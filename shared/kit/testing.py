"""Test support: mint real tokens and build verifiers for them, with no gateway running, and a
fake workflow for services whose records are approved through it."""

import itertools
import json
import uuid
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx

from shared.contracts.events import EventEnvelope, EventSubject
from shared.contracts.principal import SERVICES
from shared.kit.approvals import COMPLETED, INSTANCES
from shared.kit.service_client import ServiceClient
from shared.kit.settings import PLATFORM_AUDIENCE, PLATFORM_ISSUER
from shared.kit.tokens import SigningKey, StaticKeysVerifier, issue_access_token

NOTIFICATIONS = "/api/v1/workflow/notifications"


class TokenMinter:
    """Signs access tokens exactly as the gateway does, with a key of its own."""

    def __init__(self, issuer: str = PLATFORM_ISSUER, audience: str = PLATFORM_AUDIENCE) -> None:
        self.key = SigningKey.generate()
        self.issuer = issuer
        self.audience = audience

    def jwks(self) -> dict[str, list[dict[str, object]]]:
        """The public key set, as the gateway publishes it."""
        return {"keys": [self.key.public_jwk()]}

    def verifier(self) -> StaticKeysVerifier:
        """A verifier that trusts this minter."""
        return StaticKeysVerifier(self.jwks(), self.issuer, self.audience)

    def user(
        self,
        roles: Iterable[str] = ("employee",),
        *,
        employee_id: uuid.UUID | None = None,
        username: str = "tester",
        subject: str | None = None,
        ttl: int = 900,
        audience: str | None = None,
        now: float | None = None,
    ) -> str:
        """A person's access token."""
        return issue_access_token(
            self.key,
            issuer=self.issuer,
            audience=audience or self.audience,
            subject=subject or f"user:{username}",
            principal_type="user",
            roles=roles,
            username=username,
            employee_id=employee_id,
            ttl=ttl,
            now=now,
        )

    def client(self, scopes: Iterable[str] | None = None, *, client_id: str = "test-client") -> str:
        """A system client's access token (all read and write scopes unless given)."""
        granted = (
            scopes
            if scopes is not None
            else [f"{s}:{m}" for s in SERVICES for m in ("read", "write")]
        )
        return issue_access_token(
            self.key,
            issuer=self.issuer,
            audience=self.audience,
            subject=f"client:{client_id}",
            principal_type="client",
            scopes=granted,
            client_id=client_id,
        )


def bearer(token: str) -> dict[str, str]:
    """The Authorization header for ``token``."""
    return {"Authorization": f"Bearer {token}"}


@dataclass
class FakeWorkflow:
    """workflow as a service's client sees it (behind an ``httpx.MockTransport``), for tests of
    services that run approvals on the kit saga (:mod:`shared.kit.approvals`).

    It answers like the real one: 201 with an instance id, the same answer again for a
    repeated ``Idempotency-Key``, 409 when withdrawing an instance that has already ended.
    ``down``: every call answers 503 and changes nothing. ``lose_answers``: a start is carried
    out but its answer never arrives (the connection drops). ``refuse_starts``: starts are
    answered ``refusal_status`` (422) with ``refusal_code`` and start nothing. ``on_start``
    runs when a start arrives, before workflow acts on it; ``on_withdraw`` once an instance is
    withdrawn.
    :meth:`decide` closes an instance as an approver would; :meth:`completed` is the
    ``workflow.instance.completed`` event workflow then publishes.

    It is also the platform inbox: ``POST /api/v1/workflow/notifications`` is kept in
    ``notices`` (by the body's ``idempotency_key``; the same key again answers 201 with
    ``Idempotent-Replayed: true`` and delivers nothing more, another body under it 422
    ``idempotency_key_reused``), as the real inbox does.
    """

    calls: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)
    instances: dict[str, dict[str, Any]] = field(default_factory=dict)  # id → start body
    by_key: dict[str, str] = field(default_factory=dict)  # Idempotency-Key → id
    status: dict[str, str] = field(default_factory=dict)  # id → pending | approved | …
    withdrawn: list[str] = field(default_factory=list)
    notices: dict[str, dict[str, Any]] = field(default_factory=dict)  # idempotency key → body
    down: bool = False
    lose_answers: bool = False
    refuse_starts: bool = False
    refusal_status: int = 422
    refusal_code: str = "invalid_request_data"
    on_start: Callable[[dict[str, Any]], Awaitable[None]] | None = None
    on_withdraw: Callable[[str], Awaitable[None]] | None = None
    _seq: "itertools.count[int]" = field(default_factory=lambda: itertools.count(1))

    def client(self) -> ServiceClient:
        """A service client whose calls reach this fake (close it with ``aclose()``)."""
        return ServiceClient(
            "http://gateway", "test-client", "secret", transport=httpx.MockTransport(self.handle)
        )

    async def handle(self, request: httpx.Request) -> httpx.Response:
        """Answer one call as workflow (and the gateway's token endpoint) would."""
        path = request.url.path
        if path == "/api/v1/auth/token":
            return httpx.Response(200, json={"access_token": "client-token", "expires_in": 900})
        body = json.loads(request.content) if request.content else {}
        self.calls.append((request.method, path, body))
        if self.down:
            return httpx.Response(503, json={"status": 503, "title": "Service Unavailable"})
        if request.method == "POST" and path == INSTANCES:
            return await self._start(request, body)
        if request.method == "POST" and path == NOTIFICATIONS:
            return self._deliver(body)
        instance_id = path.split("/")[5] if path.startswith(f"{INSTANCES}/") else ""
        if instance_id not in self.status:
            return httpx.Response(404, json={"status": 404, "code": "not_found"})
        if request.method == "POST" and path.endswith("/withdraw"):
            if self.status[instance_id] != "pending":
                return httpx.Response(
                    409,
                    json={
                        "status": 409,
                        "title": "Conflict",
                        "detail": f"the request is already {self.status[instance_id]}",
                        "code": "instance_closed",
                    },
                )
            self.withdrawn.append(instance_id)
            self.status[instance_id] = "withdrawn"
            if self.on_withdraw is not None:
                await self.on_withdraw(instance_id)
            return httpx.Response(200, json={"id": instance_id, "status": "withdrawn"})
        if request.method == "GET":
            return httpx.Response(200, json={"id": instance_id, "status": self.status[instance_id]})
        return httpx.Response(404, json={"status": 404})

    async def _start(self, request: httpx.Request, body: dict[str, Any]) -> httpx.Response:
        if self.on_start is not None:
            await self.on_start(body)
        key = request.headers.get("idempotency-key", "")
        if self.refuse_starts:
            return httpx.Response(
                self.refusal_status,
                json={"status": self.refusal_status, "code": self.refusal_code},
            )
        if key in self.by_key:  # the real workflow replays the stored answer
            answer = httpx.Response(201, json={"id": self.by_key[key], "status": "pending"})
        else:
            instance_id = str(uuid.uuid4())
            self.by_key[key] = instance_id
            self.instances[instance_id] = body
            self.status[instance_id] = "pending"
            answer = httpx.Response(201, json={"id": instance_id, "status": "pending"})
        if self.lose_answers:
            raise httpx.ReadTimeout("the answer was lost", request=request)
        return answer

    def _deliver(self, body: dict[str, Any]) -> httpx.Response:
        key = str(body.get("idempotency_key", ""))
        replayed = key in self.notices
        if replayed and self.notices[key] != body:
            return httpx.Response(422, json={"status": 422, "code": "idempotency_key_reused"})
        self.notices[key] = body
        delivery = {
            "id": str(uuid.uuid5(uuid.NAMESPACE_URL, key)),
            "idempotency_key": key,
            "kind": body.get("kind"),
            "recipients": [str(e) for e in body.get("recipients", {}).get("employee_ids", [])],
            "created_at": "2026-01-01T00:00:00Z",
        }
        headers = {"Idempotent-Replayed": "true"} if replayed else {}
        return httpx.Response(201, json=delivery, headers=headers)

    def delivered(self, kind: str | None = None) -> list[dict[str, Any]]:
        """The notices delivered (each once), oldest first; only of ``kind`` if given."""
        return [n for n in self.notices.values() if kind is None or n.get("kind") == kind]

    def started(self) -> list[dict[str, Any]]:
        """The bodies of every instance started, oldest first."""
        return list(self.instances.values())

    def starts(self) -> int:
        """How many times a start was asked for (answered or not)."""
        return sum(1 for method, path, _ in self.calls if (method, path) == ("POST", INSTANCES))

    def decide(self, instance_id: object, outcome: str) -> None:
        """An approver (or the requester, in workflow) closes the instance."""
        assert self.status[str(instance_id)] == "pending"
        self.status[str(instance_id)] = outcome

    def instance_of(self, subject_id: object, subject_type: str) -> str:
        """The one instance started for a subject."""
        [found] = [
            instance_id
            for instance_id, body in self.instances.items()
            if body["subject"]["type"] == subject_type and body["subject"]["id"] == str(subject_id)
        ]
        return found

    def completed(self, instance_id: object, outcome: str) -> EventEnvelope:
        """The ``workflow.instance.completed`` event of an instance that ended with ``outcome``."""
        body = self.instances[str(instance_id)]
        return EventEnvelope(
            seq=next(self._seq),
            id=uuid.uuid4(),
            type=COMPLETED,
            occurred_at=datetime.now(UTC),
            subject=EventSubject(type="instance", id=str(instance_id)),
            data={
                "instance_id": str(instance_id),
                "definition_key": body["definition_key"],
                "subject": body["subject"],
                "requester_employee_id": body["requester_employee_id"],
                "outcome": outcome,
            },
        )
