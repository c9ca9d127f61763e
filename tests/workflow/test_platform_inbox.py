"""The platform inbox: services deliver notices once per key; people read, mark and count theirs."""

from typing import Any

import httpx

from tests.problems import assert_problem
from tests.workflow.conftest import API, WorkflowService

NOTICES = f"{API}/notifications"


def notice(key: str, **fields: Any) -> dict[str, Any]:
    """A contract-expiry notice as hr would send it."""
    body: dict[str, Any] = {
        "idempotency_key": key,
        "recipients": {"employee_ids": []},
        "kind": "contract_expiry",
        "title": {"zh": "劳动合同即将到期", "en": "Employment contract expires soon"},
        "body": {
            "zh": "张三的合同将于 2026-12-31 到期。",
            "en": "Zhang San's contract ends on 2026-12-31.",
        },
        "link": {
            "service": "hr",
            "type": "contract",
            "id": "C-42",
            "url": "/api/v1/hr/contracts/C-42",
        },
    }
    body.update(fields)
    return body


async def deliver(
    wf: WorkflowService, body: dict[str, Any], headers: dict[str, str] | None = None
) -> httpx.Response:
    return await wf.client.post(NOTICES, json=body, headers=headers or wf.service())


async def counts(wf: WorkflowService, name: str) -> dict[str, Any]:
    response = await wf.client.get(f"{NOTICES}/counts", headers=wf.as_(name))
    assert response.status_code == 200, response.text
    found: dict[str, Any] = response.json()
    return found


async def test_a_service_delivers_a_notice_to_employees_and_to_a_role(wf: WorkflowService) -> None:
    body = notice(
        "contract-C-42-expiry",
        recipients={"employee_ids": [wf.id("erin"), wf.id("fiona")], "roles": ["hr", "finance"]},
    )

    response = await deliver(wf, body)

    assert response.status_code == 201, response.text
    delivered = response.json()
    # fiona is named and holds the role: she gets the notice once.
    assert sorted(delivered["recipients"]) == sorted(
        wf.id(name) for name in ("erin", "fiona", "hana", "fei")
    )
    assert "idempotent-replayed" not in response.headers
    for name in ("erin", "fiona", "hana", "fei"):
        [got] = await wf.notifications(name)
        assert got["kind"] == "contract_expiry"
        assert got["title"] == {"zh": "劳动合同即将到期", "en": "Employment contract expires soon"}
        assert got["body"]["en"] == "Zhang San's contract ends on 2026-12-31."
        assert got["link"] == body["link"]
        assert got["sender"] == "hr-service"
        assert got["read_at"] is None
        assert await counts(wf, name) == {"unread": 1, "by_kind": {"contract_expiry": 1}}
    assert await wf.notifications("sam") == []


async def test_a_notice_sent_twice_with_one_key_arrives_once(wf: WorkflowService) -> None:
    body = notice("tax-due-2026-12", recipients={"employee_ids": [wf.id("fiona")]})

    first = await deliver(wf, body)
    again = await deliver(wf, body)

    assert first.status_code == again.status_code == 201, again.text
    assert again.json() == first.json()
    assert again.headers["idempotent-replayed"] == "true"
    assert len(await wf.notifications("fiona")) == 1
    assert await counts(wf, "fiona") == {"unread": 1, "by_kind": {"contract_expiry": 1}}


async def test_one_key_for_another_notice_is_refused(wf: WorkflowService) -> None:
    await deliver(wf, notice("k-1", recipients={"employee_ids": [wf.id("fiona")]}))

    other = await deliver(wf, notice("k-1", recipients={"employee_ids": [wf.id("erin")]}))

    assert_problem(other, 422, "idempotency_key_reused")
    assert await wf.notifications("erin") == []


async def test_keys_belong_to_their_sender(wf: WorkflowService) -> None:
    body = notice("same-key", recipients={"employee_ids": [wf.id("uma")]})
    finance = bearer_client(wf, "finance-service")

    assert (await deliver(wf, body)).status_code == 201
    assert (await deliver(wf, body, finance)).status_code == 201

    assert sorted(n["sender"] for n in await wf.notifications("uma")) == [
        "finance-service",
        "hr-service",
    ]


def bearer_client(wf: WorkflowService, client_id: str, *scopes: str) -> dict[str, str]:
    token = wf.minter.client(list(scopes) or ["workflow:write"], client_id=client_id)
    return {"Authorization": f"Bearer {token}"}


async def test_only_services_deliver_notices(wf: WorkflowService) -> None:
    body = notice("from-a-person", recipients={"employee_ids": [wf.id("erin")]})

    by_employee = await deliver(wf, body, wf.as_("lena"))
    by_admin = await deliver(wf, body, wf.admin())
    by_reader = await deliver(wf, body, bearer_client(wf, "reader", "workflow:read"))

    assert_problem(by_employee, 403, "service_only")
    assert_problem(by_admin, 403, "service_only")
    assert_problem(by_reader, 403, "insufficient_scope")
    assert await wf.notifications("erin") == []


async def test_a_notice_must_reach_someone_and_say_something(wf: WorkflowService) -> None:
    nobody = await deliver(wf, notice("n-1", recipients={"employee_ids": []}))
    empty_role = await deliver(wf, notice("n-2", recipients={"roles": ["logistics"]}))
    bad_kind = await deliver(
        wf, notice("n-3", kind="Contract Expiry", recipients={"employee_ids": [wf.id("erin")]})
    )
    no_english = await deliver(
        wf,
        notice("n-4", title={"zh": "到期"}, recipients={"employee_ids": [wf.id("erin")]}),
    )

    assert_problem(nobody, 422, "validation_error")
    assert_problem(empty_role, 422, "no_recipients")
    assert_problem(bad_kind, 422, "validation_error")
    assert_problem(no_english, 422, "validation_error")


async def test_nobody_reads_or_marks_someone_elses_notice(wf: WorkflowService) -> None:
    await deliver(wf, notice("private", recipients={"employee_ids": [wf.id("erin")]}))
    [mine] = await wf.notifications("erin")

    read_by_other = await wf.client.get(f"{NOTICES}/{mine['id']}", headers=wf.as_("frank"))
    marked_by_other = await wf.client.post(f"{NOTICES}/{mine['id']}/read", headers=wf.as_("frank"))
    all_by_other = await wf.client.post(f"{NOTICES}/read-all", headers=wf.as_("frank"))
    read_by_me = await wf.client.get(f"{NOTICES}/{mine['id']}", headers=wf.as_("erin"))

    assert_problem(read_by_other, 404, "not_found")
    assert_problem(marked_by_other, 404, "not_found")
    assert all_by_other.status_code == 204
    assert read_by_me.status_code == 200
    assert read_by_me.json()["read_at"] is None
    assert await counts(wf, "erin") == {"unread": 1, "by_kind": {"contract_expiry": 1}}


async def test_workflows_own_notices_share_the_inbox_and_its_badges(wf: WorkflowService) -> None:
    started = await wf.start("leave", "erin", {"days": 1}, title="年假 1 天")
    await deliver(
        wf, notice("meeting-1", kind="meeting", recipients={"employee_ids": [wf.id("lena")]})
    )

    assert await counts(wf, "lena") == {
        "unread": 2,
        "by_kind": {"meeting": 1, "task_assigned": 1},
    }
    [assigned] = await wf.notifications("lena", kind="task_assigned")
    assert assigned["title"] == {
        "zh": "待审批：年假 1 天",
        "en": "Awaiting your approval: 年假 1 天",
    }
    assert assigned["link"] == {
        "service": "workflow",
        "type": "instance",
        "id": started["id"],
        "url": f"/api/v1/workflow/instances/{started['id']}",
    }
    assert assigned["sender"] == "workflow"

    marked = await wf.client.post(f"{NOTICES}/{assigned['id']}/read", headers=wf.as_("lena"))

    assert marked.status_code == 200, marked.text
    assert await counts(wf, "lena") == {"unread": 1, "by_kind": {"meeting": 1}}
    only_meetings = await wf.client.post(
        f"{NOTICES}/read-all", params={"kind": "meeting"}, headers=wf.as_("lena")
    )
    assert only_meetings.status_code == 204
    assert await counts(wf, "lena") == {"unread": 0, "by_kind": {}}


async def test_the_inbox_pages_with_a_cursor_and_filters_unread_and_kind(
    wf: WorkflowService,
) -> None:
    for number in range(5):
        wf.clock.advance(minutes=1)
        await deliver(
            wf,
            notice(
                f"page-{number}",
                kind="meeting" if number % 2 else "contract_expiry",
                recipients={"employee_ids": [wf.id("sam")]},
            ),
        )
    newest_first: list[dict[str, Any]] = []
    params: dict[str, Any] = {"limit": 2}
    while True:
        page = await wf.client.get(NOTICES, params=params, headers=wf.as_("sam"))
        assert page.status_code == 200, page.text
        newest_first += page.json()["items"]
        if page.json()["next_cursor"] is None:
            break
        params["cursor"] = page.json()["next_cursor"]
    await wf.client.post(f"{NOTICES}/{newest_first[0]['id']}/read", headers=wf.as_("sam"))

    assert len(newest_first) == 5
    assert [n["created_at"] for n in newest_first] == sorted(
        (n["created_at"] for n in newest_first), reverse=True
    )
    assert len(await wf.notifications("sam", unread="true")) == 4
    assert [n["id"] for n in await wf.notifications("sam", unread="false")] == [
        newest_first[0]["id"]
    ]
    assert len(await wf.notifications("sam", kind="meeting")) == 2
    assert len(await wf.notifications("sam", kind=["meeting", "contract_expiry"])) == 5
    assert await counts(wf, "sam") == {
        "unread": 4,
        "by_kind": {"contract_expiry": 2, "meeting": 2},  # the newest, read, was a contract
    }


async def test_counts_is_not_taken_for_a_notice_id(wf: WorkflowService) -> None:
    response = await wf.client.get(f"{NOTICES}/not-a-notice", headers=wf.as_("sam"))

    assert_problem(response, 404)
