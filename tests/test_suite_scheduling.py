"""How ``make test`` schedules the suite: every test that starts the platform runs on one
pytest-xdist worker, so two platforms (six processes each) never start at once on a 2-core
machine. The grouping is easy to lose without a failure: a pytest that keeps node ids out of
pytest-xdist's reach, or a marker added after xdist read them, and the suite still passes,
only slower and flakier."""

import os

import pytest


@pytest.mark.e2e
def test_end_to_end_tests_are_grouped_on_one_worker(request: pytest.FixtureRequest) -> None:
    if "PYTEST_XDIST_WORKER" not in os.environ:
        pytest.skip("scheduling is a pytest-xdist matter (make test runs -n 2)")

    # pytest-xdist's --dist loadgroup sends every test whose node id ends in @<group> to
    # the same worker.
    assert request.node.nodeid.endswith("@platform"), request.node.nodeid
