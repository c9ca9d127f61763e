"""The kit's FakeWorkflow is the platform inbox too, as services' tests see it: a notice is
delivered once per idempotency key, a retry is answered as a replay, another notice under the
same key is refused, and nothing is delivered while workflow is down."""

from shared.kit.testing import NOTIFICATIONS, FakeWorkflow

NOTICE = {
    "idempotency_key": "tax-due-2026-04-vat",
    "recipients": {"roles": ["finance"]},
    "kind": "tax_due",
    "title": {"zh": "增值税申报即将到期", "en": "VAT return due soon"},
}


async def test_a_notice_is_delivered_once_per_key() -> None:
    fake = FakeWorkflow()
    client = fake.client()
    try:
        first = await client.request("POST", NOTIFICATIONS, json=NOTICE)
        again = await client.request("POST", NOTIFICATIONS, json=NOTICE)
        other = await client.request("POST", NOTIFICATIONS, json={**NOTICE, "kind": "other"})
    finally:
        await client.aclose()
    assert first.status_code == 201 and "idempotent-replayed" not in first.headers
    assert again.status_code == 201 and again.headers["idempotent-replayed"] == "true"
    assert again.json()["id"] == first.json()["id"]
    assert other.status_code == 422 and other.json()["code"] == "idempotency_key_reused"
    assert fake.delivered() == [NOTICE] and fake.delivered("tax_due") == [NOTICE]
    assert fake.delivered("other") == []


async def test_nothing_is_delivered_while_workflow_is_down() -> None:
    fake = FakeWorkflow(down=True)
    client = fake.client()
    try:
        answer = await client.request("POST", NOTIFICATIONS, json=NOTICE)
    finally:
        await client.aclose()
    assert answer.status_code == 503
    assert fake.delivered() == []
