"""Company documents: drafted by the owner department, reviewed by the GMO head, read and acknowledged."""

from dataclasses import dataclass
from typing import Any

import pytest

from tests.org.conftest import API, OrgService
from tests.problems import assert_problem

DOCS = f"{API}/documents"


@dataclass
class Staff:
    """Who is who in these tests, as request headers."""

    author: dict[str, str]  # HR department, owns the documents
    colleague: dict[str, str]  # HR department too
    reviewer: dict[str, str]  # heads the General Manager's Office
    seller: dict[str, str]  # Sales
    seller_east: dict[str, str]  # Sales / East, a sub-department
    marketer: dict[str, str]  # Marketing
    ids: dict[str, str]


@pytest.fixture
async def staff(org: OrgService) -> Staff:
    await org.create_department("SALES-EAST", parent="SALES")
    people = {
        "author": await org.hire("人事专员", department="HR"),
        "colleague": await org.hire("人事助理", department="HR"),
        "reviewer": await org.hire("办公室主任", department="GMO"),
        "seller": await org.hire("销售甲", department="SALES"),
        "seller_east": await org.hire("销售乙", department="SALES-EAST"),
        "marketer": await org.hire("市场丙", department="MKT"),
    }
    await org.set_head("GMO", people["reviewer"]["id"])
    return Staff(
        **{key: org.employee(person["id"], username=key) for key, person in people.items()},
        ids={key: person["id"] for key, person in people.items()},
    )


async def draft(org: OrgService, staff: Staff, **fields: Any) -> dict[str, Any]:
    body = {
        "title": "考勤管理制度",
        "body": "第一条 员工应按时上下班。",
        "category": "regulation",
        "owner_department_id": await org.department_id("HR"),
        **fields,
    }
    response = await org.client.post(DOCS, json=body, headers=staff.author)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


async def act(
    org: OrgService, document: dict[str, Any], action: str, headers: dict[str, str], **body: Any
) -> Any:
    return await org.client.post(
        f"{DOCS}/{document['id']}/{action}", json=body or None, headers=headers
    )


async def publish(org: OrgService, staff: Staff, **fields: Any) -> dict[str, Any]:
    document = await draft(org, staff, **fields)
    submitted = await act(org, document, "submit", staff.author)
    assert submitted.status_code == 200, submitted.text
    approved = await act(org, document, "approve", staff.reviewer)
    assert approved.status_code == 200, approved.text
    published: dict[str, Any] = approved.json()
    return published


async def test_a_member_of_the_owner_department_drafts_a_document(
    org: OrgService, staff: Staff
) -> None:
    document = await draft(org, staff)

    assert (document["status"], document["created_by"]) == ("draft", "user:author")
    assert document["audience_all"] is True
    assert document["published_at"] is None


async def test_someone_outside_the_owner_department_cannot_draft_for_it(
    org: OrgService, staff: Staff
) -> None:
    response = await org.client.post(
        DOCS,
        json={
            "title": "冒名制度",
            "category": "notice",
            "owner_department_id": await org.department_id("HR"),
        },
        headers=staff.marketer,
    )

    assert_problem(response, 403, "not_owner_department")


async def test_a_document_is_edited_only_while_it_is_a_draft(org: OrgService, staff: Staff) -> None:
    document = await draft(org, staff)

    edited = await org.client.patch(
        f"{DOCS}/{document['id']}", json={"body": "第一条 修订后的条款。"}, headers=staff.colleague
    )
    await act(org, document, "submit", staff.author)
    in_review = await org.client.patch(
        f"{DOCS}/{document['id']}", json={"title": "审核中改标题"}, headers=staff.author
    )
    sent_back = await act(org, document, "reject", staff.reviewer, comment="请补充罚则")
    again = await org.client.patch(
        f"{DOCS}/{document['id']}", json={"body": "第一条 …… 第九条 罚则。"}, headers=staff.author
    )

    assert edited.status_code == 200, edited.text
    assert_problem(in_review, 409, "document_not_draft")
    assert (sent_back.json()["status"], sent_back.json()["review_comment"]) == (
        "draft",
        "请补充罚则",
    )
    assert again.status_code == 200, again.text


async def test_another_department_cannot_edit_a_draft_it_cannot_see(
    org: OrgService, staff: Staff
) -> None:
    document = await draft(org, staff)

    response = await org.client.patch(
        f"{DOCS}/{document['id']}", json={"title": "篡改"}, headers=staff.marketer
    )

    assert_problem(response, 404, "not_found")


async def test_the_gmo_head_publishes_a_submitted_document(org: OrgService, staff: Staff) -> None:
    document = await draft(org, staff)

    submitted = await act(org, document, "submit", staff.author)
    approved = await act(org, document, "approve", staff.reviewer, comment="同意发布")

    assert submitted.json()["status"] == "in_review"
    assert submitted.json()["submitted_at"] is not None
    published = approved.json()
    assert (published["status"], published["reviewed_by"], published["review_comment"]) == (
        "published",
        "user:reviewer",
        "同意发布",
    )
    assert published["published_at"] is not None


async def test_publishing_announces_the_document_exactly_once(
    org: OrgService, staff: Staff
) -> None:
    head = await org.feed_head()

    document = await publish(org, staff)
    archived = await act(org, document, "archive", staff.author)
    assert archived.status_code == 200, archived.text

    events = await org.events_after(head)
    published = [e for e in events if e["type"] == "org.document.published"]
    assert len(published) == 1
    assert published[0]["subject"] == {"type": "document", "id": document["id"]}
    assert published[0]["data"]["title"] == "考勤管理制度"
    assert published[0]["data"]["owner_department_id"] == await org.department_id("HR")


async def test_an_admin_may_approve_too(org: OrgService, staff: Staff) -> None:
    document = await draft(org, staff)
    await act(org, document, "submit", staff.author)

    response = await act(org, document, "approve", org.admin())

    assert response.json()["status"] == "published"


async def test_someone_who_is_not_a_reviewer_cannot_approve(org: OrgService, staff: Staff) -> None:
    document = await draft(org, staff)
    await act(org, document, "submit", staff.author)

    by_author = await act(org, document, "approve", staff.author)
    by_gm_role = await act(org, document, "approve", org.gm(staff.ids["seller"]))
    by_gm_rejecting = await act(org, document, "reject", org.gm(staff.ids["seller"]))

    assert_problem(by_author, 403, "not_reviewer")
    assert_problem(by_gm_role, 403, "not_reviewer")
    assert_problem(by_gm_rejecting, 403, "not_reviewer")
    read = await org.client.get(f"{DOCS}/{document['id']}", headers=staff.author)
    assert read.json()["status"] == "in_review"


async def test_approving_a_draft_that_was_never_submitted_is_refused(
    org: OrgService, staff: Staff
) -> None:
    document = await draft(org, staff)

    response = await act(org, document, "approve", org.admin())

    assert_problem(response, 409, "invalid_document_transition")


async def test_a_draft_without_a_body_cannot_be_submitted(org: OrgService, staff: Staff) -> None:
    document = await draft(org, staff, body="")

    assert_problem(await act(org, document, "submit", staff.author), 422, "document_incomplete")


async def test_drafts_are_invisible_to_other_departments(org: OrgService, staff: Staff) -> None:
    document = await draft(org, staff)

    read = await org.client.get(f"{DOCS}/{document['id']}", headers=staff.marketer)
    listed = await org.client.get(DOCS, headers=staff.marketer)
    colleague = await org.client.get(f"{DOCS}/{document['id']}", headers=staff.colleague)

    assert_problem(read, 404, "not_found")
    assert listed.json()["items"] == []
    assert colleague.status_code == 200


async def test_the_reviewer_sees_documents_in_review_but_not_drafts(
    org: OrgService, staff: Staff
) -> None:
    still_draft = await draft(org, staff, title="草稿")
    submitted = await draft(org, staff, title="送审稿")
    await act(org, submitted, "submit", staff.author)

    listed = await org.client.get(DOCS, headers=staff.reviewer)
    hidden = await org.client.get(f"{DOCS}/{still_draft['id']}", headers=staff.reviewer)

    assert [d["title"] for d in listed.json()["items"]] == ["送审稿"]
    assert_problem(hidden, 404)


async def test_a_published_document_for_everyone_is_visible_to_everyone(
    org: OrgService, staff: Staff
) -> None:
    document = await publish(org, staff)

    read = await org.client.get(f"{DOCS}/{document['id']}", headers=staff.marketer)
    listed = await org.client.get(DOCS, params={"status": "published"}, headers=staff.marketer)

    assert read.status_code == 200, read.text
    assert [d["id"] for d in listed.json()["items"]] == [document["id"]]


async def test_a_department_scoped_document_reaches_that_department_and_those_below_only(
    org: OrgService, staff: Staff
) -> None:
    document = await publish(
        org,
        staff,
        title="销售提成方案",
        category="notice",
        audience_all=False,
        audience_department_ids=[await org.department_id("SALES")],
    )

    for reader in (staff.seller, staff.seller_east, staff.author):
        response = await org.client.get(f"{DOCS}/{document['id']}", headers=reader)
        assert response.status_code == 200, response.text
    outsider = await org.client.get(f"{DOCS}/{document['id']}", headers=staff.marketer)
    assert_problem(outsider, 404, "not_found")
    assert (await org.client.get(DOCS, headers=staff.marketer)).json()["items"] == []
    listed = await org.client.get(DOCS, headers=staff.seller_east)
    assert [d["id"] for d in listed.json()["items"]] == [document["id"]]


async def test_acknowledging_is_201_the_first_time_and_200_after(
    org: OrgService, staff: Staff
) -> None:
    document = await publish(org, staff)

    first = await act(org, document, "acknowledge", staff.seller)
    again = await act(org, document, "acknowledge", staff.seller)

    assert first.status_code == 201, first.text
    assert again.status_code == 200, again.text
    assert first.json()["acknowledged_at"] == again.json()["acknowledged_at"]
    assert first.json()["document_id"] == document["id"]


async def test_someone_outside_the_audience_cannot_acknowledge(
    org: OrgService, staff: Staff
) -> None:
    document = await publish(
        org,
        staff,
        audience_all=False,
        audience_department_ids=[await org.department_id("SALES")],
    )

    # The author sees the document (their department owns it) but is not addressed by it.
    response = await act(org, document, "acknowledge", staff.author)

    assert_problem(response, 403, "not_in_audience")


async def test_only_a_published_document_is_acknowledged(org: OrgService, staff: Staff) -> None:
    document = await draft(org, staff)

    assert_problem(
        await act(org, document, "acknowledge", staff.colleague), 409, "document_not_published"
    )


async def test_pending_acknowledgements_list_exactly_who_has_not_read(
    org: OrgService, staff: Staff
) -> None:
    gone = await org.hire("已离职销售", department="SALES", hire_date="2020-01-01")
    await org.client.post(
        f"{API}/employees/{gone['id']}/leave", json={"leave_date": "2024-01-01"}, headers=org.hr()
    )
    document = await publish(
        org,
        staff,
        audience_all=False,
        audience_department_ids=[await org.department_id("SALES")],
    )
    await act(org, document, "acknowledge", staff.seller)

    async def listed(**params: Any) -> set[str]:
        response = await org.client.get(
            f"{DOCS}/{document['id']}/acknowledgements", params=params, headers=staff.author
        )
        assert response.status_code == 200, response.text
        return {row["employee_id"] for row in response.json()}

    assert await listed(pending="true") == {staff.ids["seller_east"]}
    assert await listed(pending="false") == {staff.ids["seller"]}
    assert await listed() == {staff.ids["seller"], staff.ids["seller_east"]}


async def test_pending_acknowledgements_of_a_company_wide_document_cover_everyone(
    org: OrgService, staff: Staff
) -> None:
    document = await publish(org, staff)
    await act(org, document, "acknowledge", staff.marketer)
    await act(org, document, "acknowledge", staff.reviewer)

    response = await org.client.get(
        f"{DOCS}/{document['id']}/acknowledgements",
        params={"pending": "true"},
        headers=org.hr(),
    )

    expected = set(staff.ids.values()) - {staff.ids["marketer"], staff.ids["reviewer"]}
    assert {row["employee_id"] for row in response.json()} == expected


async def test_an_ordinary_reader_does_not_follow_acknowledgements(
    org: OrgService, staff: Staff
) -> None:
    document = await publish(org, staff)

    response = await org.client.get(
        f"{DOCS}/{document['id']}/acknowledgements", headers=staff.marketer
    )

    assert_problem(response, 403)


async def test_a_stale_if_match_on_submit_is_refused(org: OrgService, staff: Staff) -> None:
    document = await draft(org, staff)
    await org.client.patch(
        f"{DOCS}/{document['id']}", json={"title": "新标题"}, headers=staff.author
    )

    response = await org.client.post(
        f"{DOCS}/{document['id']}/submit", headers={**staff.author, "If-Match": '"1"'}
    )

    assert_problem(response, 412, "version_mismatch")
    read = await org.client.get(f"{DOCS}/{document['id']}", headers=staff.author)
    assert read.json()["status"] == "draft"
