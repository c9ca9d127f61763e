"""Use officina from Python through a client generated from its OpenAPI document.

Generate the client, then run this against a running platform::

    make run                                    # in another terminal
    tools/clients/.venv/bin/openapi-python-client generate \\
        --url http://127.0.0.1:8000/openapi.json --meta none --output-path build/officina_client
    PYTHONPATH=build .venv/bin/python examples/python_client.py \\
        --url http://127.0.0.1:8000 --password "$(cat data/admin-password.txt)"

It logs in, pages through the departments with a cursor, creates one with an
``Idempotency-Key`` (and sends it again to get the same answer), renames it with
``If-Match``, and handles a 404, a 409, a 412 and a 422 as typed RFC 9457 problems.
Every step prints one line; any surprise exits non-zero.
"""

import argparse
import sys
import uuid
from typing import Any, NoReturn

from officina_client import AuthenticatedClient, Client
from officina_client.api.auth import auth_issue_token
from officina_client.api.org_departments import (
    org_create_department,
    org_list_departments,
    org_read_department,
    org_update_department,
)
from officina_client.models import (
    BodyAuthIssueToken,
    DepartmentCreate,
    DepartmentRead,
    DepartmentUpdate,
    PageDepartmentRead,
    Problem,
    TokenResponse,
)
from officina_client.types import Response


def fail(message: str) -> NoReturn:
    print(f"FAILED: {message}", file=sys.stderr)
    sys.exit(1)


def expect_problem(response: Response[Any], status: int, what: str) -> Problem:
    """The answer must be a typed problem with this status."""
    problem = response.parsed
    if response.status_code != status or not isinstance(problem, Problem):
        fail(
            f"{what}: expected a {status} problem, got {response.status_code} {response.content!r}"
        )
    if response.headers.get("content-type", "").split(";")[0] != "application/problem+json":
        fail(f"{what}: a problem must be application/problem+json")
    print(f"{what}: {problem.status} {problem.code} — {problem.detail or problem.title}")
    return problem


def login(url: str, username: str, password: str) -> AuthenticatedClient:
    with Client(base_url=url) as anonymous:
        token = auth_issue_token.sync(
            client=anonymous,
            body=BodyAuthIssueToken(grant_type="password", username=username, password=password),
        )
    if not isinstance(token, TokenResponse):
        fail(f"login refused: {token}")
    print(f"logged in as {username}; the token lasts {token.expires_in} s")
    return AuthenticatedClient(base_url=url, token=token.access_token)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--username", default="admin")
    parser.add_argument("--password", required=True)
    args = parser.parse_args()

    client = login(args.url, args.username, args.password)
    with client:
        # A list, page by page: follow next_cursor until there is none.
        codes: list[str] = []
        cursor: str | None = None
        while True:
            page = org_list_departments.sync(client=client, limit=2, cursor=cursor)
            if not isinstance(page, PageDepartmentRead):
                fail(f"listing departments: {page}")
            codes += [department.code for department in page.items]
            if not page.next_cursor:
                break
            cursor = page.next_cursor
        print(f"{len(codes)} departments, two per page: {', '.join(codes)}")
        root = org_list_departments.sync(client=client, limit=1)
        if not isinstance(root, PageDepartmentRead) or not root.items:
            fail("no department to put a new one under")
        parent_id = root.items[0].id

        # A create with an Idempotency-Key: sending it again answers the same, once.
        code = f"EX{uuid.uuid4().hex[:6].upper()}"
        key = str(uuid.uuid4())
        body = DepartmentCreate(code=code, name="示例部", name_en="Example", parent_id=parent_id)
        first = org_create_department.sync_detailed(client=client, body=body, idempotency_key=key)
        again = org_create_department.sync_detailed(client=client, body=body, idempotency_key=key)
        created = first.parsed
        if first.status_code != 201 or not isinstance(created, DepartmentRead):
            fail(f"create: {first.status_code} {first.content!r}")
        if not isinstance(again.parsed, DepartmentRead) or again.parsed.id != created.id:
            fail("the retried create made a second department")
        if again.headers.get("idempotent-replayed") != "true":
            fail("the retried create was not marked Idempotent-Replayed")
        print(f"created {code} ({created.id}); the retry with the same key replayed it")

        # An update with If-Match: the ETag read, then a stale one refused with 412.
        read = org_read_department.sync_detailed(client=client, department_id=created.id)
        etag = read.headers.get("etag")
        if read.status_code != 200 or not etag:
            fail(f"reading the department gave {read.status_code} and no ETag")
        renamed = org_update_department.sync_detailed(
            client=client,
            department_id=created.id,
            body=DepartmentUpdate(name="示例二部"),
            if_match=etag,
        )
        if renamed.status_code != 200 or not isinstance(renamed.parsed, DepartmentRead):
            fail(f"update with If-Match: {renamed.status_code} {renamed.content!r}")
        print(f"renamed with If-Match {etag}; now {renamed.headers.get('etag')}")
        stale = org_update_department.sync_detailed(
            client=client,
            department_id=created.id,
            body=DepartmentUpdate(name="示例三部"),
            if_match=etag,
        )
        expect_problem(stale, 412, "update with a stale If-Match")

        # Problems, typed: absent (404), a duplicate code (409), invalid input (422).
        expect_problem(
            org_read_department.sync_detailed(client=client, department_id=uuid.uuid4()),
            404,
            "reading a department that does not exist",
        )
        expect_problem(
            org_create_department.sync_detailed(client=client, body=body),
            409,
            "creating a second department with the same code",
        )
        invalid = expect_problem(
            org_create_department.sync_detailed(
                client=client,
                body=DepartmentCreate(code="", name="", parent_id=parent_id),
            ),
            422,
            "creating a department with an empty code",
        )
        if not invalid.errors:
            fail("a validation problem must list its errors")
        print(f"the 422 lists {len(invalid.errors)} error(s), the first at {invalid.errors[0].loc}")
    print("done")


if __name__ == "__main__":
    main()
