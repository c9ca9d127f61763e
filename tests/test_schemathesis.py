"""schemathesis over every operation of the merged OpenAPI document (issue 11, item 2).

The real platform (with the demo company) on the test database, through the gateway, once
as an account holding every staff role and once as an ordinary employee. Every operation in
the document is tested, so a new endpoint is covered without anyone adding it here.

Gating checks — any failure fails the test (each is printed with a curl line to reproduce
it): server errors, status codes, content types, response headers and schemas, 405 ``Allow``
headers, ignored auth, use after free, resource availability, missing required headers,
network errors, schema-valid input refused, schema-invalid input accepted and undeclared
methods: every failure fails the test. The hooks (tools/clients/schemathesis_hooks.py) give each schema-valid
write a fresh idempotency key and forgive a refusal only when it names a rule no schema can
state (tools/clients/business_rules.json) or comes from a service's own validator.

``OFFICINA_SCHEMATHESIS_PATHS`` (a regular expression) limits a run to the matching paths, for
working on one service (``^/api/v1/finance/``); CI runs everything.

Excluded operations: logout, and changes to accounts and clients — they revoke the very
token the run uses (tested in tests/gateway).
"""

import os
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from shared.registry import SERVICE_NAMES
from tests.conftest import PATIENCE, POSTGRES_URL, TEST_DB
from tests.platform_runner import ADMIN_PASSWORD, RunningPlatform, start_platform

ROOT = Path(__file__).resolve().parents[1]
TOOLS = ROOT / "tools" / "clients"
ST = TOOLS / ".venv" / "bin" / "st"
STAFF_ROLES = ["admin", "gm", "hr", "finance", "logistics", "auditor", "employee"]
EXCLUDED = r"^/api/v1/auth/(logout|users/\{account_id\}|clients/\{client_id\})$"
ONLY = os.environ.get("OFFICINA_SCHEMATHESIS_PATHS")

pytestmark = [
    # Four hundred operations, each several ways, twice: minutes even on an idle machine.
    pytest.mark.timeout(3600),
    pytest.mark.e2e,
    pytest.mark.postgres_only,
    pytest.mark.skipif(not ST.exists(), reason="make test installs schemathesis in tools/clients"),
]


@pytest.fixture(scope="module")
def demo_platform(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningPlatform]:
    running = start_platform(
        tmp_path_factory.mktemp("schemathesis"),
        postgres_url=POSTGRES_URL if TEST_DB == "postgresql" else None,
        demo=True,
        # The per-caller write limit (tested in tests/gateway) would answer most of the run's
        # writes 429 and leave those operations barely tested.
        extra_env={"OFFICINA_WRITE_LIMIT": "1000000"},
    )
    yield running
    running.stop()
    running.drop_schemas()


def login(platform: RunningPlatform, username: str, password: str) -> str:
    return platform.token(username, password)


def give_every_staff_role(platform: RunningPlatform, username: str) -> None:
    admin = {"Authorization": f"Bearer {platform.token('admin', ADMIN_PASSWORD)}"}
    with httpx.Client(base_url=platform.url, timeout=PATIENCE) as http:
        users = http.get("/api/v1/auth/users", params={"q": username}, headers=admin).json()
        account = next(user for user in users["items"] if user["username"] == username)
        changed = http.patch(
            f"/api/v1/auth/users/{account['id']}",
            json={"roles": STAFF_ROLES},
            headers={**admin, "If-Match": f'"{account["version"]}"'},
        )
        assert changed.status_code == 200, changed.text


def assert_the_document_is_whole(platform: RunningPlatform) -> None:
    """Every service's operations are in the merged document the run reads: a service the
    gateway could not reach would leave its operations silently untested."""
    with httpx.Client(base_url=platform.url, timeout=120) as http:
        document = http.get("/openapi.json").json()
    assert "Not included right now" not in document["info"].get("description", "")
    prefixes = {path.split("/")[3] for path in document["paths"] if path.startswith("/api/v1/")}
    assert set(SERVICE_NAMES) <= prefixes


def run_schemathesis(platform: RunningPlatform, token: str, tmp_path: Path) -> str:
    assert_the_document_is_whole(platform)
    result = subprocess.run(
        [
            str(ST),
            "--config-file",
            str(TOOLS / "schemathesis.toml"),
            "run",
            f"{platform.url}/openapi.json",
            "--header",
            f"Authorization: Bearer {token}",
            "--checks",
            "all",
            "--phases",
            "examples,coverage,stateful",
            "--workers",
            "2",
            "--exclude-path-regex",
            EXCLUDED,
            "--no-color",
            *(["--include-path-regex", ONLY] if ONLY else []),
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=3600,
        env={**os.environ, "SCHEMATHESIS_HOOKS": str(TOOLS / "schemathesis_hooks.py")},
    )
    output = result.stdout + result.stderr
    print(output)
    assert "API Operations:" in output, output[-3000:]
    return output


def failures_by_code(output: str) -> dict[str, int]:
    summary = output.split("Failures:", 1)[1] if "Failures:" in output else ""
    summary = summary.split("Test cases:", 1)[0]
    return {code: int(n) for code, n in re.findall(r"(ST\d+) [^\n]*?: (\d+)", summary)}


def gating(output: str) -> dict[str, int]:
    found = failures_by_code(output)
    unique = re.search(r"found (\d+) unique failures?", output)
    if unique and not found:  # a failure the summary did not name by its check
        found["unnamed"] = int(unique.group(1))
    if re.search(r"Network Error: \d+", output):
        found["network errors"] = int(re.findall(r"Network Error: (\d+)", output)[0])
    return found


def test_schemathesis_as_an_account_with_every_staff_role(
    demo_platform: RunningPlatform, tmp_path: Path
) -> None:
    passwords = demo_platform.demo_passwords()
    give_every_staff_role(demo_platform, "gm")
    token = login(demo_platform, "gm", passwords["gm"])
    output = run_schemathesis(demo_platform, token, tmp_path)
    assert gating(output) == {}


def test_schemathesis_as_an_ordinary_employee(
    demo_platform: RunningPlatform, tmp_path: Path
) -> None:
    passwords = demo_platform.demo_passwords()
    token = login(demo_platform, "rnd.engineer", passwords["rnd.engineer"])
    output = run_schemathesis(demo_platform, token, tmp_path)
    assert gating(output) == {}
