"""Receivables through the real platform: a customer registered in org is invoiced by finance,
pays part, the auditor reads the aging, the feed tells the rest of the company, others see nothing."""

from datetime import date, timedelta
from typing import Any

import httpx

from tests.conftest import PATIENCE
from tests.hr.test_leave_saga_e2e import eventually
from tests.platform_runner import ADMIN_PASSWORD, RunningPlatform

PASSWORD = "a-long-enough-secret-42"
FIN = "/api/v1/finance"


def login(platform: RunningPlatform, username: str, password: str = PASSWORD) -> httpx.Client:
    token = platform.token(username, password)
    return httpx.Client(
        base_url=platform.url, headers={"Authorization": f"Bearer {token}"}, timeout=PATIENCE
    )


def ok(response: httpx.Response, status: int = 200) -> Any:
    assert response.status_code == status, f"{response.request.url}: {response.text}"
    return response.json()


def test_finance_invoices_an_org_customer_receives_part_and_the_auditor_reads_the_aging(
    platform: RunningPlatform,
) -> None:
    today = date.today()
    with login(platform, "admin", ADMIN_PASSWORD) as admin:
        for username, roles in [("fiona.finance", ["finance"]), ("audrey.audit", ["auditor"])]:
            ok(
                admin.post(
                    "/api/v1/auth/users",
                    json={"username": username, "password": PASSWORD, "roles": roles},
                ),
                201,
            )
        ok(admin.post("/api/v1/auth/users", json={"username": "eve", "password": PASSWORD}), 201)
        party = ok(
            admin.post(
                "/api/v1/org/parties", json={"kind": "customer", "name": "上海云途网络科技有限公司"}
            ),
            201,
        )

    with (
        login(platform, "fiona.finance") as finance,
        login(platform, "audrey.audit") as auditor,
        login(platform, "eve") as someone,
    ):
        draft = ok(
            finance.post(
                f"{FIN}/invoices",
                json={
                    "kind": "receivable",
                    "party_id": party["id"],
                    "party_name": party["name"],
                    "issue_date": (today - timedelta(days=40)).isoformat(),
                    "due_date": (today - timedelta(days=10)).isoformat(),
                    "lines": [
                        {"description": "实施服务", "amount": "10000.00", "vat_rate": "0.13"}
                    ],
                },
            ),
            201,
        )
        issued = ok(
            finance.post(
                f"{FIN}/invoices/{draft['id']}/issue", headers={"If-Match": f'"{draft["version"]}"'}
            )
        )
        assert (issued["status"], issued["gross"]) == ("open", "11300.00")
        payment = ok(
            finance.post(
                f"{FIN}/payments",
                headers={"Idempotency-Key": "receipt-e2e-1"},
                json={
                    "kind": "receipt",
                    "party_id": party["id"],
                    "payment_date": (today - timedelta(days=5)).isoformat(),
                    "reference": "银行回单 0017",
                    "allocations": [{"invoice_id": draft["id"], "amount": "3000.00"}],
                },
            ),
            201,
        )
        assert payment["amount"] == "3000.00"

        aging = ok(auditor.get(f"{FIN}/aging", params={"kind": "receivable"}))
        assert aging["parties"] == [
            {
                "party_id": party["id"],
                "party_name": "上海云途网络科技有限公司",
                "current": "0.00",
                "days_1_30": "8300.00",
                "days_31_60": "0.00",
                "days_61_90": "0.00",
                "over_90": "0.00",
                "total": "8300.00",
            }
        ]
        refused = auditor.post(f"{FIN}/invoices/{draft['id']}/cancel", json={"reason": "试试"})
        assert refused.status_code == 403
        assert someone.get(f"{FIN}/invoices/{draft['id']}").status_code == 404

    with login(platform, "admin", ADMIN_PASSWORD) as admin:

        def published() -> list[str]:  # an event joins the feed a moment after its commit
            feed = ok(admin.get(f"{FIN}/events", params={"after": 0, "limit": 1000}))
            return [
                e["type"]
                for e in feed["items"]
                if e["type"].startswith(("finance.invoice", "finance.payment"))
            ]

        expected = [
            "finance.invoice.created",
            "finance.invoice.issued",
            "finance.invoice.partly_paid",
            "finance.payment.made",
        ]
        eventually(lambda: len(published()) >= len(expected), within=10, what="the events")
        assert published() == expected
