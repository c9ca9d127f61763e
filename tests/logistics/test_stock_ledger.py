"""The stock ledger: every movement recorded with its cause and running balance, and stock
never below zero — refused by the code and by the database, also under concurrent issues."""

import asyncio

import pytest
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from services.logistics.db.supplies import StockLevel
from services.logistics.domain.stock import Change, allowed
from tests.logistics.conftest import API, LogisticsService
from tests.logistics.supplies_helpers import (
    assert_ledger_adds_up,
    move,
    ok,
    pickup_point,
    read_supply,
    supply,
)


@pytest.mark.parametrize(
    ("on_hand", "reserved", "change", "expected"),
    [
        (5, 0, Change(on_hand=-5, from_free_stock=True), True),
        (5, 0, Change(on_hand=-6, from_free_stock=True), False),
        (5, 2, Change(on_hand=-3, from_free_stock=True), True),
        (5, 2, Change(on_hand=-4, from_free_stock=True), False),  # 2 are someone else's
        (5, 2, Change(on_hand=-2, reserved=-2), True),  # a collection of a reservation
        (5, 2, Change(on_hand=-6, reserved=-2), False),
        (5, 2, Change(reserved=-3), False),
        (5, 2, Change(reserved=3, from_free_stock=True), True),
        (5, 2, Change(reserved=4, from_free_stock=True), False),
        (0, 0, Change(on_hand=3), True),
        (1, 3, Change(on_hand=-1), True),  # an adjustment may fall below what is reserved
        (1, 0, Change(on_hand=-2), False),
    ],
)
def test_the_stock_rule(on_hand: int, reserved: int, change: Change, expected: bool) -> None:
    assert allowed(on_hand, reserved, change) is expected


async def test_receipts_issues_and_adjustments_keep_a_running_balance(
    logistics: LogisticsService,
) -> None:
    point = await pickup_point(logistics)
    pen = await supply(logistics, point, stock=10)

    issued = ok(await move(logistics, "issue", pen["id"], quantity=3, reason="会议室"), 201)
    adjusted = ok(await move(logistics, "adjustment", pen["id"], delta=-2, reason="损坏"), 201)

    [line] = issued["movements"]
    assert (line["kind"], line["quantity"], line["balance_after"]) == ("issue", -3, 7)
    assert line["cause_type"] == "manual" and line["reason"] == "会议室"
    assert adjusted["movements"][0]["balance_after"] == 5
    ledger = ok(
        await logistics.client.get(
            f"{API}/stock-movements",
            params={"supply_id": pen["id"], "sort": "line_no"},
            headers=logistics.auditor(),
        )
    )["items"]
    assert [(m["line_no"], m["quantity"], m["balance_after"]) for m in ledger] == [
        (1, 10, 10),
        (2, -3, 7),
        (3, -2, 5),
    ]
    assert (await read_supply(logistics, pen["id"]))["on_hand"] == 5
    await assert_ledger_adds_up(logistics)


async def test_an_issue_beyond_the_stock_is_refused_and_changes_nothing(
    logistics: LogisticsService,
) -> None:
    point = await pickup_point(logistics)
    pen = await supply(logistics, point, stock=2)

    refused = await move(logistics, "issue", pen["id"], quantity=3)
    below = await move(logistics, "adjustment", pen["id"], delta=-3, reason="盘亏")

    for answer in (refused, below):
        assert answer.status_code == 409
        assert answer.json()["code"] == "insufficient_stock"
    assert refused.json()["available"] == 2
    assert (await read_supply(logistics, pen["id"]))["on_hand"] == 2
    await assert_ledger_adds_up(logistics)


async def test_the_database_itself_refuses_a_negative_level(logistics: LogisticsService) -> None:
    point = await pickup_point(logistics)
    pen = await supply(logistics, point, stock=1)
    runtime = logistics.app.state.runtime

    with pytest.raises(IntegrityError):
        async with runtime.transaction() as session:
            await session.execute(update(StockLevel).values(on_hand=-1))

    assert (await read_supply(logistics, pen["id"]))["on_hand"] == 1


async def test_twenty_concurrent_issues_against_five_in_stock(logistics: LogisticsService) -> None:
    point = await pickup_point(logistics)
    pen = await supply(logistics, point, stock=5)

    answers = await asyncio.gather(
        *(move(logistics, "issue", pen["id"], quantity=1) for _ in range(20))
    )

    statuses = sorted(a.status_code for a in answers)
    assert statuses == [201] * 5 + [409] * 15
    assert {a.json()["code"] for a in answers if a.status_code == 409} == {"insufficient_stock"}
    assert (await read_supply(logistics, pen["id"]))["on_hand"] == 0
    balances = sorted(
        a.json()["movements"][0]["balance_after"] for a in answers if a.status_code == 201
    )
    assert balances == [0, 1, 2, 3, 4]
    await assert_ledger_adds_up(logistics)


async def test_a_transfer_moves_free_stock_between_pick_up_points(
    logistics: LogisticsService,
) -> None:
    front = await pickup_point(logistics, "HQ-1F")
    store = await pickup_point(logistics, "HQ-3F")
    paper = await supply(logistics, front, sku="PAPER-A4", stock=8)

    moved = ok(
        await move(
            logistics,
            "transfer",
            paper["id"],
            pickup_point_id=front["id"],
            to_pickup_point_id=store["id"],
            quantity=5,
            reason="补货",
        ),
        201,
    )
    too_many = await move(
        logistics, "transfer", paper["id"], to_pickup_point_id=store["id"], quantity=4
    )

    out, into = moved["movements"]
    assert (out["kind"], out["quantity"], out["balance_after"]) == ("transfer_out", -5, 3)
    assert (into["kind"], into["quantity"], into["balance_after"]) == ("transfer_in", 5, 5)
    assert out["cause_id"] == into["cause_id"]
    assert too_many.status_code == 409
    levels = ok(
        await logistics.client.get(f"{API}/supplies/{paper['id']}/stock", headers=logistics.staff())
    )
    assert {(x["pickup_point_id"], x["on_hand"]) for x in levels} == {
        (front["id"], 3),
        (store["id"], 5),
    }
    assert (await read_supply(logistics, paper["id"]))["on_hand"] == 8
    await assert_ledger_adds_up(logistics)


@pytest.mark.parametrize(
    "body",
    [
        {"kind": "adjustment", "delta": 0, "reason": "x"},
        {"kind": "adjustment", "delta": 2},
        {"kind": "issue"},
        {"kind": "receipt", "quantity": 1, "delta": 1},
        {"kind": "transfer", "quantity": 1},
    ],
)
async def test_a_movement_that_does_not_fit_its_kind_is_refused(
    logistics: LogisticsService, body: dict[str, object]
) -> None:
    point = await pickup_point(logistics)
    pen = await supply(logistics, point, stock=3)
    kind = body.pop("kind")

    answer = await move(logistics, str(kind), pen["id"], **body)

    assert answer.status_code == 422
    assert answer.json()["code"] in ("invalid_movement", "reason_required")
    assert (await read_supply(logistics, pen["id"]))["on_hand"] == 3


async def test_only_logistics_staff_move_stock_and_only_they_and_auditors_read_the_ledger(
    logistics: LogisticsService,
) -> None:
    point = await pickup_point(logistics)
    pen = await supply(logistics, point, stock=3)
    employee = logistics.employee("0193a8c0-0000-7000-8000-0000000000e1")

    moved = await logistics.client.post(
        f"{API}/stock-movements",
        json={"kind": "issue", "supply_id": pen["id"], "quantity": 1},
        headers=employee,
    )
    listed = await logistics.client.get(f"{API}/stock-movements", headers=employee)
    line = ok(await logistics.client.get(f"{API}/stock-movements", headers=logistics.auditor()))[
        "items"
    ][0]
    one = await logistics.client.get(f"{API}/stock-movements/{line['id']}", headers=employee)

    assert (moved.status_code, moved.json()["code"]) == (403, "logistics_only")
    assert (listed.status_code, listed.json()["code"]) == (403, "logistics_only")
    assert one.status_code == 404
    assert (await read_supply(logistics, pen["id"]))["on_hand"] == 3


async def test_a_retried_movement_is_recorded_once(logistics: LogisticsService) -> None:
    point = await pickup_point(logistics)
    pen = await supply(logistics, point, stock=5)
    body = {"kind": "issue", "supply_id": pen["id"], "quantity": 2}
    headers = {**logistics.staff(), "Idempotency-Key": "issue-7f3a"}

    first = await logistics.client.post(f"{API}/stock-movements", json=body, headers=headers)
    again = await logistics.client.post(f"{API}/stock-movements", json=body, headers=headers)

    assert first.status_code == again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert (await read_supply(logistics, pen["id"]))["on_hand"] == 3
