"""Forwarding ``/api/v1/<service>/…``: what passes, what is dropped, and every way it can fail."""

import asyncio
import hashlib
import time
from collections.abc import AsyncIterator

import httpx
import pytest

from shared.contracts.principal import SERVICES
from shared.kit.testing import bearer
from tests.gateway.conftest import EXTRA_PATHS, GatewayUnderTest, MakeGateway, pattern_bytes
from tests.problems import assert_problem

PROBLEM_JSON = "application/problem+json"
HOP_BY_HOP_SENT = {
    "Connection": "keep-alive, X-Hop-Secret",
    "X-Hop-Secret": "only for the next hop",
    "Keep-Alive": "timeout=5",
    "TE": "trailers",
    "Upgrade": "websocket",
    "Proxy-Authorization": "Basic cHJveHk6c2VjcmV0",
}


def seen_headers(echo: httpx.Response) -> dict[str, list[str]]:
    """The headers the upstream received, by lowercase name."""
    headers: dict[str, list[str]] = {}
    for name, value in echo.json()["headers"]:
        headers.setdefault(name, []).append(value)
    return headers


async def chunks_of(data: bytes, size: int = 64 * 1024) -> AsyncIterator[bytes]:
    """``data`` as a request body of unknown length (sent chunked)."""
    for start in range(0, len(data), size):
        yield data[start : start + size]


# --- what passes through -------------------------------------------------------------------


async def test_method_path_query_body_and_headers_reach_the_service_unchanged(
    gateway: GatewayUnderTest,
) -> None:
    token = bearer(gateway.mint(("employee",)))
    body = b'{"days": 3, "note": "caf\xc3\xa9"}'

    response = await gateway.client.patch(
        "/api/v1/org/echo/items/42?b=x%20y&a=1&a=2&status=202",
        content=body,
        headers={
            **token,
            "Content-Type": "application/json",
            "If-Match": '"3"',
            "Idempotency-Key": "k-1",
            "X-Custom": "kept",
        },
    )

    assert response.status_code == 202
    echo = response.json()
    assert echo["method"] == "PATCH"
    assert echo["raw_path"] == "/api/v1/org/echo/items/42"
    assert echo["query"] == "b=x%20y&a=1&a=2&status=202"
    assert echo["body"] == body.decode("latin-1")
    seen = seen_headers(response)
    assert seen["authorization"] == [token["Authorization"]], "services verify the token too"
    assert seen["content-type"] == ["application/json"]
    assert seen["if-match"] == ['"3"']
    assert seen["idempotency-key"] == ["k-1"]
    assert seen["x-custom"] == ["kept"]
    assert seen["x-forwarded-for"] == ["127.0.0.1"]
    assert seen["x-forwarded-proto"] == ["http"]
    assert response.headers["etag"] == '"7"'
    assert response.headers["x-upstream"] == "echo"


@pytest.mark.parametrize("method", ["GET", "POST", "PUT", "DELETE"])
async def test_every_method_is_forwarded(gateway: GatewayUnderTest, method: str) -> None:
    response = await gateway.client.request(
        method, "/api/v1/workflow/echo/tasks/1", headers=gateway.admin()
    )

    assert response.status_code == 200
    assert response.json()["method"] == method
    assert response.json()["raw_path"] == "/api/v1/workflow/echo/tasks/1"


async def test_percent_encoded_characters_in_the_path_reach_the_service_still_encoded(
    gateway: GatewayUnderTest,
) -> None:
    response = await gateway.client.get(
        "/api/v1/org/echo/documents/a%2Fb%3Fc%23d%20e", headers=gateway.admin()
    )

    assert response.status_code == 200
    assert response.json()["raw_path"] == "/api/v1/org/echo/documents/a%2Fb%3Fc%23d%20e"
    assert response.json()["query"] == ""


async def test_an_upstream_error_status_and_body_are_relayed_as_they_are(
    gateway: GatewayUnderTest,
) -> None:
    response = await gateway.client.get("/api/v1/hr/echo/x?status=409", headers=gateway.admin())

    assert response.status_code == 409
    assert response.json()["raw_path"] == "/api/v1/hr/echo/x"


async def test_an_existing_x_forwarded_for_is_extended(gateway: GatewayUnderTest) -> None:
    response = await gateway.client.get(
        "/api/v1/org/echo", headers={**gateway.admin(), "X-Forwarded-For": "203.0.113.9"}
    )

    assert seen_headers(response)["x-forwarded-for"] == ["203.0.113.9, 127.0.0.1"]


async def test_hop_by_hop_headers_are_dropped_both_ways(gateway: GatewayUnderTest) -> None:
    response = await gateway.client.post(
        "/api/v1/org/echo",
        content=b"{}",
        headers={**gateway.admin(), **HOP_BY_HOP_SENT, "X-End-To-End": "kept"},
    )

    assert response.status_code == 200
    seen = seen_headers(response)
    for name in ("keep-alive", "te", "upgrade", "proxy-authorization", "x-hop-secret"):
        assert name not in seen, name
    assert "x-hop-secret" not in ",".join(seen.get("connection", [])).lower()
    assert seen["x-end-to-end"] == ["kept"]
    # The upstream answered with Keep-Alive and Proxy-Authenticate; neither reaches the caller.
    assert "keep-alive" not in response.headers
    assert "proxy-authenticate" not in response.headers
    assert response.headers["x-upstream"] == "echo"


async def test_a_request_id_is_created_carried_downstream_and_echoed(
    gateway: GatewayUnderTest,
) -> None:
    response = await gateway.client.get("/api/v1/org/echo", headers=gateway.admin())

    request_id = response.headers["x-request-id"]
    assert len(request_id) == 32
    assert seen_headers(response)["x-request-id"] == [request_id]


async def test_the_callers_request_id_is_passed_through_and_echoed(
    gateway: GatewayUnderTest,
) -> None:
    response = await gateway.client.get(
        "/api/v1/org/echo", headers={**gateway.admin(), "X-Request-ID": "frontend-req.42"}
    )

    assert response.headers["x-request-id"] == "frontend-req.42"
    assert seen_headers(response)["x-request-id"] == ["frontend-req.42"]


async def test_a_malformed_request_id_is_replaced(gateway: GatewayUnderTest) -> None:
    response = await gateway.client.get(
        "/api/v1/org/echo", headers={**gateway.admin(), "X-Request-ID": "two words"}
    )

    request_id = response.headers["x-request-id"]
    assert request_id != "two words"
    assert seen_headers(response)["x-request-id"] == [request_id]


async def test_refusals_carry_the_request_id_too(gateway: GatewayUnderTest) -> None:
    response = await gateway.client.get("/api/v1/org/echo", headers={"X-Request-ID": "req-401"})

    assert response.status_code == 401
    assert response.headers["x-request-id"] == "req-401"
    assert response.json()["request_id"] == "req-401"


# --- large bodies --------------------------------------------------------------------------


async def test_a_large_upload_with_a_length_is_streamed_to_the_service(
    gateway: GatewayUnderTest,
) -> None:
    payload = pattern_bytes(3_000_000)

    response = await gateway.client.put(
        "/api/v1/finance/echo/attachments/1", content=payload, headers=gateway.admin()
    )

    assert response.status_code == 200
    echo = response.json()
    assert echo["body_length"] == len(payload)
    assert echo["body_sha256"] == hashlib.sha256(payload).hexdigest()
    assert seen_headers(response)["transfer-encoding"] == ["chunked"], "streamed, not buffered"


async def test_a_large_upload_of_unknown_length_is_streamed_to_the_service(
    gateway: GatewayUnderTest,
) -> None:
    payload = pattern_bytes(3_000_000)

    response = await gateway.client.post(
        "/api/v1/finance/echo/attachments", content=chunks_of(payload), headers=gateway.admin()
    )

    assert response.status_code == 200
    assert response.json()["body_sha256"] == hashlib.sha256(payload).hexdigest()


async def test_a_large_download_is_streamed_to_the_caller(gateway: GatewayUnderTest) -> None:
    response = await gateway.client.get(
        "/api/v1/logistics/large", params={"size": 5_000_000}, headers=gateway.admin()
    )

    assert response.status_code == 200
    assert "content-length" not in response.headers, "relayed chunk by chunk"
    assert response.content == pattern_bytes(5_000_000)


async def test_a_small_answer_keeps_an_exact_content_length(gateway: GatewayUnderTest) -> None:
    response = await gateway.client.get("/api/v1/org/echo", headers=gateway.admin())

    assert int(response.headers["content-length"]) == len(response.content)


async def test_a_body_over_the_limit_is_refused_with_413(make_gateway: MakeGateway) -> None:
    gateway = await make_gateway(max_body_bytes=1024)

    within = await gateway.client.post(
        "/api/v1/org/echo", content=b"x" * 1024, headers=gateway.admin()
    )
    declared = await gateway.client.post(
        "/api/v1/org/echo", content=b"x" * 1025, headers=gateway.admin()
    )
    chunked = await gateway.client.post(
        "/api/v1/org/echo", content=chunks_of(b"x" * 5000, 500), headers=gateway.admin()
    )

    assert within.status_code == 200
    assert "1024 bytes" in assert_problem(declared, 413, "payload_too_large")["detail"]
    assert_problem(chunked, 413, "payload_too_large")


# --- when services fail --------------------------------------------------------------------


async def test_a_service_that_is_down_answers_503_naming_it_while_the_others_keep_answering(
    make_gateway: MakeGateway, closed_port_url: str
) -> None:
    gateway = await make_gateway(hr_url=closed_port_url)

    down = await gateway.client.get("/api/v1/hr/echo/leave-requests", headers=gateway.admin())
    up = await gateway.client.get("/api/v1/org/echo/departments", headers=gateway.admin())

    body = assert_problem(down, 503, "service_unavailable")
    assert body["service"] == "hr"
    assert "hr" in body["detail"]
    assert body["instance"] == "/api/v1/hr/echo/leave-requests"
    assert down.headers["retry-after"] == "5"
    assert up.status_code == 200


async def test_a_slow_service_answers_504_after_the_upstream_timeout(
    make_gateway: MakeGateway,
) -> None:
    gateway = await make_gateway(upstream_timeout=0.5)
    started = time.monotonic()

    slow = await gateway.client.get("/api/v1/org/slow?seconds=3", headers=gateway.admin())

    assert time.monotonic() - started < 2.5
    body = assert_problem(slow, 504, "upstream_timeout")
    assert body["service"] == "org"
    quick = await gateway.client.get("/api/v1/org/slow?seconds=0.05", headers=gateway.admin())
    assert quick.status_code == 200


async def test_no_connection_within_the_connect_timeout_counts_as_down_not_slow(
    gateway: GatewayUnderTest, monkeypatch: pytest.MonkeyPatch
) -> None:
    pool = gateway.app.state.gateway.upstreams.pool("finance")
    pool.connect_timeout = 0.2
    loop = asyncio.get_running_loop()

    async def never_connects(*args: object, **kwargs: object) -> None:
        """A host that drops the connection attempt: no refusal, no answer."""
        await asyncio.sleep(5)

    monkeypatch.setattr(loop, "create_connection", never_connects)

    started = time.monotonic()
    response = await gateway.client.get("/api/v1/finance/echo", headers=gateway.admin())

    assert time.monotonic() - started < 2
    assert assert_problem(response, 503, "service_unavailable")["service"] == "finance"


# --- what clients may call -----------------------------------------------------------------


async def test_a_read_scope_allows_reads_of_its_own_service(gateway: GatewayUnderTest) -> None:
    token = await gateway.client_token(await gateway.create_client("org:read"))

    response = await gateway.client.get("/api/v1/org/echo/departments", headers=bearer(token))

    assert response.status_code == 200


@pytest.mark.parametrize("method", ["POST", "PATCH", "PUT", "DELETE"])
async def test_a_client_without_the_write_scope_may_not_change_anything(
    gateway: GatewayUnderTest, method: str
) -> None:
    token = await gateway.client_token(await gateway.create_client("org:read"))

    response = await gateway.client.request(
        method, "/api/v1/org/echo/departments", headers=bearer(token), content=b"{}"
    )

    body = assert_problem(response, 403, "insufficient_scope")
    assert "org:write" in body["detail"]


async def test_a_scope_for_another_service_opens_nothing_here(gateway: GatewayUnderTest) -> None:
    token = await gateway.client_token(await gateway.create_client("org:read", "org:write"))

    read = await gateway.client.get("/api/v1/hr/echo/employees", headers=bearer(token))
    write = await gateway.client.post("/api/v1/hr/echo/employees", headers=bearer(token))

    assert "hr:read" in assert_problem(read, 403, "insufficient_scope")["detail"]
    assert "hr:write" in assert_problem(write, 403, "insufficient_scope")["detail"]


async def test_a_write_scope_allows_reads_and_writes(gateway: GatewayUnderTest) -> None:
    token = await gateway.client_token(await gateway.create_client("logistics:write"))

    read = await gateway.client.get("/api/v1/logistics/echo", headers=bearer(token))
    write = await gateway.client.post("/api/v1/logistics/echo", headers=bearer(token))

    assert (read.status_code, write.status_code) == (200, 200)


async def test_people_are_not_scope_checked_at_the_gateway_their_roles_are_for_services(
    gateway: GatewayUnderTest,
) -> None:
    token = bearer(gateway.mint(("employee",)))

    response = await gateway.client.post("/api/v1/finance/echo/expense-claims", headers=token)

    assert response.status_code == 200


async def test_paths_that_only_look_like_a_service_are_not_forwarded(
    gateway: GatewayUnderTest,
) -> None:
    response = await gateway.client.get("/api/v1/orgx/echo", headers=gateway.admin())

    assert_problem(response, 404, "not_found")


# --- the per-service queue ------------------------------------------------------------------


async def _finish_order(*requests: tuple[str, asyncio.Task[httpx.Response]]) -> list[str]:
    """Names of ``requests`` in the order their answers arrived (all must be 200)."""
    order: list[str] = []
    names = {task: name for name, task in requests}
    for done in asyncio.as_completed(names):
        response = await done
        assert response.status_code == 200, response.text
        order.append(str(response.request.url.path).rsplit("/", 1)[-1])
    return order


async def test_requests_beyond_the_per_service_limit_wait_their_turn(
    make_gateway: MakeGateway,
) -> None:
    gateway = await make_gateway(upstream_concurrency=1)
    headers = gateway.admin()

    slow = asyncio.create_task(
        gateway.client.get("/api/v1/org/slow", params={"seconds": "1"}, headers=headers)
    )
    await asyncio.sleep(0.2)
    queued = asyncio.create_task(gateway.client.get("/api/v1/org/echo", headers=headers))

    assert await _finish_order(("slow", slow), ("echo", queued)) == ["slow", "echo"]


async def test_event_feed_long_polls_do_not_take_the_places_of_ordinary_requests(
    make_gateway: MakeGateway,
) -> None:
    gateway = await make_gateway(upstream_concurrency=1)
    headers = gateway.admin()

    poll = asyncio.create_task(
        gateway.client.get("/api/v1/org/events", params={"seconds": "1.5"}, headers=headers)
    )
    await asyncio.sleep(0.2)
    ordinary = asyncio.create_task(gateway.client.get("/api/v1/org/echo", headers=headers))

    assert await _finish_order(("events", poll), ("echo", ordinary)) == ["echo", "events"]


# --- CORS ----------------------------------------------------------------------------------


async def test_cors_preflight_from_an_allowed_origin_is_answered(make_gateway: MakeGateway) -> None:
    gateway = await make_gateway(cors_origins=["http://app.example"])

    response = await gateway.client.options(
        "/api/v1/org/echo",
        headers={
            "Origin": "http://app.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization, content-type",
        },
    )

    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == "http://app.example"
    assert "POST" in response.headers["access-control-allow-methods"]
    assert "authorization" in response.headers["access-control-allow-headers"].lower()


async def test_cors_preflight_from_another_origin_is_refused(make_gateway: MakeGateway) -> None:
    gateway = await make_gateway(cors_origins=["http://app.example"])

    response = await gateway.client.options(
        "/api/v1/org/echo",
        headers={"Origin": "http://evil.example", "Access-Control-Request-Method": "POST"},
    )

    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "cors_refused"
    assert response.json()["refused"] == ["origin"]
    assert "access-control-allow-origin" not in response.headers


async def test_cors_preflight_for_a_method_not_allowed_names_it(make_gateway: MakeGateway) -> None:
    gateway = await make_gateway(cors_origins=["http://app.example"])

    response = await gateway.client.options(
        "/api/v1/org/echo",
        headers={"Origin": "http://app.example", "Access-Control-Request-Method": "BREW"},
    )

    assert response.status_code == 400
    assert response.json()["code"] == "cors_refused"
    assert response.json()["refused"] == ["method"]


async def test_cors_answers_expose_the_request_id_and_etag_to_the_allowed_origin(
    make_gateway: MakeGateway,
) -> None:
    gateway = await make_gateway(cors_origins=["http://app.example"])

    allowed = await gateway.client.get(
        "/api/v1/org/echo", headers={**gateway.admin(), "Origin": "http://app.example"}
    )
    other = await gateway.client.get(
        "/api/v1/org/echo", headers={**gateway.admin(), "Origin": "http://evil.example"}
    )

    assert allowed.headers["access-control-allow-origin"] == "http://app.example"
    exposed = allowed.headers["access-control-expose-headers"].lower()
    assert "x-request-id" in exposed
    assert "etag" in exposed
    assert "access-control-allow-origin" not in other.headers


# --- health, readiness, OpenAPI ------------------------------------------------------------


async def test_healthz_answers_without_asking_anyone(
    make_gateway: MakeGateway, closed_port_url: str
) -> None:
    gateway = await make_gateway(**{f"{service}_url": closed_port_url for service in SERVICES})

    response = await gateway.client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "service": "gateway"}


async def test_readyz_is_200_when_every_service_is_ready(gateway: GatewayUnderTest) -> None:
    response = await gateway.client.get("/readyz")

    assert response.status_code == 200
    assert response.json() == {
        "status": "ready",
        "database": "ready",
        "services": dict.fromkeys(SERVICES, "ready"),
    }


async def test_readyz_is_503_listing_the_service_that_is_down(
    make_gateway: MakeGateway, closed_port_url: str
) -> None:
    gateway = await make_gateway(logistics_url=closed_port_url)

    response = await gateway.client.get("/readyz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "not_ready"
    assert body["services"]["logistics"].startswith("unreachable")
    assert {name for name, state in body["services"].items() if state != "ready"} == {"logistics"}


async def test_metrics_count_proxied_requests_by_service(gateway: GatewayUnderTest) -> None:
    await gateway.client.get("/api/v1/org/echo", headers=gateway.admin())

    metrics = await gateway.client.get("/metrics")

    assert metrics.status_code == 200
    assert 'route="/api/v1/org/…"' in metrics.text


async def test_openapi_merges_the_services_it_can_reach_and_names_the_others(
    make_gateway: MakeGateway, closed_port_url: str
) -> None:
    gateway = await make_gateway(finance_url=closed_port_url)

    document = (await gateway.client.get("/openapi.json")).json()

    assert "/api/v1/auth/token" in document["paths"]
    for service in SERVICES:
        assert (f"/api/v1/{service}/echo" in document["paths"]) is (service != "finance")
    assert "finance" in document["info"]["description"].split("service unavailable")[-1]


async def test_openapi_shows_a_service_s_changed_document_once_the_gateway_refreshes(
    gateway: GatewayUnderTest,
) -> None:
    before = (await gateway.client.get("/openapi.json")).json()
    assert before == (await gateway.client.get("/openapi.json")).json()
    EXTRA_PATHS["org"] = {
        "/api/v1/org/new-thing": {
            "get": {
                "operationId": "org_new_thing",
                "tags": ["org"],
                "responses": {"200": {"description": "a route org gained"}},
            }
        }
    }
    try:
        gateway.app.state.gateway.docs_fetched_at = 0.0  # the refresh interval has passed
        after = (await gateway.client.get("/openapi.json")).json()
    finally:
        EXTRA_PATHS.clear()

    assert "/api/v1/org/new-thing" not in before["paths"]
    assert "/api/v1/org/new-thing" in after["paths"]
    assert set(after["paths"]) - set(before["paths"]) == {"/api/v1/org/new-thing"}


async def test_head_relays_the_length_of_the_answer_it_stands_for(
    gateway: GatewayUnderTest,
) -> None:
    get = await gateway.client.get("/api/v1/org/echo", headers=gateway.admin())
    head = await gateway.client.head("/api/v1/org/echo", headers=gateway.admin())

    assert head.status_code == 200
    assert head.content == b""
    assert int(head.headers["content-length"]) > 0
    assert head.headers["etag"] == get.headers["etag"]
