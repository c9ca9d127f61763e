"""The platform the OWASP matrix probes: ``officina up`` with small, known limits.

The limits are set low so that a test can reach them cheaply: a 64 KiB body limit and a
write allowance of 25 writes per caller per hour (other callers are unaffected, so the rest
of the module runs within it), and one allowed CORS origin.
"""

from collections.abc import Iterator

import pytest

from tests.conftest import POSTGRES_URL, TEST_DB
from tests.platform_runner import RunningPlatform, start_platform

MAX_BODY_BYTES = 64 * 1024
WRITE_LIMIT = 25
ALLOWED_ORIGIN = "https://office.example.cn"


@pytest.fixture(scope="module")
def platform(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningPlatform]:
    running = start_platform(
        tmp_path_factory.mktemp("platform"),
        postgres_url=POSTGRES_URL if TEST_DB == "postgresql" else None,
        extra_env={
            "OFFICINA_MAX_BODY_BYTES": str(MAX_BODY_BYTES),
            "OFFICINA_OWN_MAX_BODY_BYTES": str(MAX_BODY_BYTES),
            "OFFICINA_WRITE_LIMIT": str(WRITE_LIMIT),
            "OFFICINA_WRITE_WINDOW_SECONDS": "3600",
            "OFFICINA_CORS_ORIGINS": f'["{ALLOWED_ORIGIN}"]',
        },
    )
    yield running
    running.stop()
    running.drop_schemas()
