"""``/docs``: Swagger UI 5 served by the gateway itself, with no CDN.

That the page works in a real browser is tested against the running platform, in
``test_through_the_platform.py``.
"""

import re
from html.parser import HTMLParser

import pytest

from tests.gateway.conftest import GatewayUnderTest


class _AssetLinks(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("src", "href") and value:
                self.urls.append(value)


# --- in-process: the page and its assets ---------------------------------------------------


async def test_the_docs_page_loads_every_asset_from_the_gateway_itself(
    gateway: GatewayUnderTest,
) -> None:
    page = await gateway.client.get("/docs")

    assert page.status_code == 200
    links = _AssetLinks()
    links.feed(page.text)
    assert sorted(links.urls) == [
        "/docs/assets/favicon.png",
        "/docs/assets/swagger-ui-bundle.js",
        "/docs/assets/swagger-ui.css",
    ]
    assert "cdn." not in page.text
    assert "'/openapi.json'" in page.text or '"/openapi.json"' in page.text


@pytest.mark.parametrize(
    ("name", "media_type"),
    [
        ("swagger-ui-bundle.js", "text/javascript"),
        ("swagger-ui.css", "text/css"),
        ("favicon.png", "image/png"),
    ],
)
async def test_each_docs_asset_is_served_with_its_media_type(
    gateway: GatewayUnderTest, name: str, media_type: str
) -> None:
    response = await gateway.client.get(f"/docs/assets/{name}")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith(media_type)
    assert len(response.content) > 1000


async def test_the_bundled_swagger_ui_is_version_5_which_renders_openapi_3_1(
    gateway: GatewayUnderTest,
) -> None:
    bundle = (await gateway.client.get("/docs/assets/swagger-ui-bundle.js")).text

    assert re.search(r'PACKAGE_VERSION:"5\.\d+\.\d+"', bundle)
    assert (await gateway.client.get("/openapi.json")).json()["openapi"].startswith("3.1")


@pytest.mark.parametrize("name", ["redoc.standalone.js", "..%2Fcore.py", "nothing.js"])
async def test_only_the_listed_docs_assets_are_served(gateway: GatewayUnderTest, name: str) -> None:
    response = await gateway.client.get(f"/docs/assets/{name}")

    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")
