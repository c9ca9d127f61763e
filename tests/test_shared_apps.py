"""The service fixtures' shared apps (tests/shared_apps.py): one app per service and settings
in a test process, pointed at each test's own database, keys and clock; never shared by two
copies of a service running at once."""

from datetime import UTC, datetime
from pathlib import Path

from services.org.app import create_app
from services.org.config import OrgSettings
from shared.kit.testing import TokenMinter
from tests.shared_apps import service_app


def settings(tmp_path: Path, name: str, **more: object) -> OrgSettings:
    return OrgSettings(
        database_url=f"sqlite+aiosqlite:///{tmp_path / name}.db", database_schema="org", **more
    )


def test_tests_one_after_another_share_one_app_pointed_at_their_own_database(
    tmp_path: Path,
) -> None:
    first, second = TokenMinter(), TokenMinter()
    with service_app(create_app, settings(tmp_path, "a"), verifier=first.verifier()) as app:
        assert app.state.settings.resolved_database_url().endswith("a.db")
    with service_app(create_app, settings(tmp_path, "b"), verifier=second.verifier()) as again:
        assert again is app
        assert again.state.settings.resolved_database_url().endswith("b.db")


def test_a_second_copy_running_at_once_gets_an_app_of_its_own(tmp_path: Path) -> None:
    minter = TokenMinter()
    a, b = settings(tmp_path, "a"), settings(tmp_path, "b")
    with (
        service_app(create_app, a, verifier=minter.verifier()) as one,
        service_app(create_app, b, verifier=minter.verifier()) as two,
    ):
        assert two is not one
        assert one.state.settings.resolved_database_url().endswith("a.db")
        assert two.state.settings.resolved_database_url().endswith("b.db")


def test_other_settings_than_the_database_get_another_app(tmp_path: Path) -> None:
    minter = TokenMinter()
    with service_app(create_app, settings(tmp_path, "a"), verifier=minter.verifier()) as one:
        pass
    changed = settings(tmp_path, "a", publisher_interval=7.5)
    with service_app(create_app, changed, verifier=minter.verifier()) as other:
        assert other is not one


async def test_the_app_reads_the_running_tests_clock_and_keys(tmp_path: Path) -> None:
    """What a test gives reaches the shared app through stand-ins that follow the test."""
    from services.workflow.app import create_app as create_workflow
    from services.workflow.config import WorkflowSettings

    def at(year: int) -> datetime:
        return datetime(year, 1, 1, tzinfo=UTC)

    seen = []
    for year, minter in ((2030, TokenMinter()), (2031, TokenMinter())):
        configured = WorkflowSettings(
            database_url=f"sqlite+aiosqlite:///{tmp_path / str(year)}.db", database_schema="wf"
        )
        given = {"verifier": minter.verifier(), "clock": lambda year=year: at(year)}
        with service_app(create_workflow, configured, **given) as app:
            async with app.router.lifespan_context(app):
                runtime = app.state.runtime
                seen.append(runtime.now())
                token = minter.user(("employee",), employee_id=None, username="erin")
                assert (await runtime.verifier.verify(token)).sub
    assert seen == [at(2030), at(2031)]
