"""Property: no operation of the kit's sample service answers hostile input with a 500."""

from hypothesis import HealthCheck, given, settings

from shared.kit.app import create_service_app
from shared.kit.settings import ServiceSettings
from shared.kit.testing import TokenMinter
from tests.kit.conftest import NotesService
from tests.kit.openapi_fuzz import Case, check, hostile_case, operations, send
from tests.kit.sample_app import KIT, Base
from tests.kit.sample_app import router as notes_router
from tests.kit.test_input_hardening import probes, svc  # noqa: F401 - svc is the fixture

FUZZ = settings(
    max_examples=150,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _document() -> dict[str, object]:
    app = create_service_app(
        ServiceSettings(service="notes", database_url="sqlite+aiosqlite://"),
        metadata=Base.metadata,
        tables=KIT,
        routers=[probes, notes_router],
        verifier=TokenMinter().verifier(),
    )
    return app.openapi()


# slow-notes sleeps for as long as it is asked and crash fails on purpose: not targets.
OPERATIONS = [
    op for op in operations(_document()) if not op.path.endswith(("/slow-notes", "/crash"))
]


def test_the_document_lists_the_operations() -> None:
    assert len(OPERATIONS) >= 10


@FUZZ
@given(case=hostile_case(OPERATIONS))
async def test_every_operation_refuses_hostile_input_without_a_500(
    svc: NotesService,  # noqa: F811
    case: Case,
) -> None:
    check(case, await send(svc.client, case, svc.admin()))
