"""A service is not ready until it holds the gateway's token-signing keys."""

import httpx

from shared.kit.testing import TokenMinter, bearer
from shared.kit.tokens import JwksVerifier
from tests.conftest import TestDatabase
from tests.kit.conftest import NOTES, create_tables
from tests.kit.sample_app import create_app
from tests.problems import assert_problem

JWKS_URL = "http://gateway.test/.well-known/jwks.json"


async def test_readyz_is_503_keys_missing_until_the_gateway_publishes_its_keys(
    database_url: TestDatabase, minter: TokenMinter
) -> None:
    gateway = {"up": False, "fetches": 0}

    def jwks_endpoint(request: httpx.Request) -> httpx.Response:
        """The gateway's JWKS document, once the gateway has started."""
        gateway["fetches"] += 1
        if not gateway["up"]:
            return httpx.Response(503, json={"status": "starting"})
        return httpx.Response(200, json=minter.jwks())

    await create_tables(database_url)
    async with httpx.AsyncClient(transport=httpx.MockTransport(jwks_endpoint)) as jwks_client:
        verifier = JwksVerifier(
            JWKS_URL, minter.issuer, minter.audience, client=jwks_client, min_refresh_interval=0
        )
        app = create_app(database_url.url, database_url.schema, verifier)
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
            async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
                token = bearer(minter.user(("employee",), username="erin"))

                not_ready = await client.get("/readyz")
                refused = await client.get(NOTES, headers=token)

                assert_problem(not_ready, 503, code="keys_missing")
                assert "keys" in not_ready.json()["detail"]
                assert_problem(refused, 401)

                gateway["up"] = True
                ready = await client.get("/readyz")
                accepted = await client.get(NOTES, headers=token)

                assert ready.status_code == 200
                assert ready.json()["status"] == "ready"
                assert accepted.status_code == 200
                assert gateway["fetches"] >= 3
