"""A list declared with ``sorted_by`` refuses a field it does not sort by before any query
(422, naming ``sort``), and sorts by the ones it declares."""

import pytest

from tests.kit.conftest import NotesService


@pytest.mark.db
async def test_a_field_the_list_does_not_sort_by_is_refused_before_the_query(
    notes: NotesService,
) -> None:
    audit = "/api/v1/notes/audit-log"
    refused = await notes.client.get(audit, params={"sort": "actor"}, headers=notes.auditor())
    assert refused.status_code == 422, refused.text
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert any(error["loc"][-1] == "sort" for error in refused.json()["errors"])
    newest = await notes.client.get(audit, params={"sort": "-occurred_at"}, headers=notes.auditor())
    assert newest.status_code == 200, newest.text
