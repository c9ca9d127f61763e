"""Property: no operation of org's OpenAPI document answers hostile input with a 500.

Integers past 32 and 64 bits and strings with control characters (NUL among them) go into
the path and query parameters and body fields of every operation, as an admin (so requests
get past authorization to the code behind); a NUL anywhere must be refused with a 4xx.
"""

from hypothesis import HealthCheck, given, settings

from services.org.app import create_app
from services.org.config import OrgSettings
from shared.kit.testing import TokenMinter
from tests.kit.openapi_fuzz import Case, check, hostile_case, operations, send
from tests.org.conftest import OrgService

FUZZ = settings(
    max_examples=200,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

DOCUMENT = create_app(
    OrgSettings(database_url="sqlite+aiosqlite://"), verifier=TokenMinter().verifier()
).openapi()
OPERATIONS = operations(DOCUMENT)


def test_every_org_operation_is_a_target() -> None:
    assert len(OPERATIONS) >= 30


@FUZZ
@given(case=hostile_case(OPERATIONS))
async def test_every_org_operation_refuses_hostile_input_without_a_500(
    org: OrgService, case: Case
) -> None:
    check(case, await send(org.client, case, org.admin()))
