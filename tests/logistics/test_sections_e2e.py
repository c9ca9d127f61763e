"""The office sections of logistics through the real platform and the gateway: a repair filed
by an employee and seen through to the requester's confirmation; a room booked for a meeting
whose invitation reaches the attendee's inbox in workflow, which the attendee answers; a company
event whose last place goes to one person and the next to the waitlist, promoted when someone
cancels. (Supplies, vehicles and travel have end-to-end tests of their own.)"""

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from tests.conftest import POSTGRES_URL, TEST_DB
from tests.hr.test_leave_saga_e2e import create_account, eventually, login, ok, warm_up
from tests.platform_runner import ADMIN_PASSWORD, RunningPlatform, start_platform

LOG = "/api/v1/logistics"
WF = "/api/v1/workflow"

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningPlatform]:
    """The platform, with logistics' sweeps (meeting notices) every second."""
    running = start_platform(
        tmp_path_factory.mktemp("office"),
        postgres_url=POSTGRES_URL if TEST_DB == "postgresql" else None,
        extra_env={"OFFICINA_SWEEP_INTERVAL": "1"},
    )
    yield running
    running.stop()
    running.drop_schemas()


def hire(hr: httpx.Client, department_id: str, number: str, name: str) -> dict[str, Any]:
    created: dict[str, Any] = ok(
        hr.post(
            "/api/v1/org/employees",
            json={
                "employee_number": number,
                "name": name,
                "email": f"{number.lower()}@example.cn",
                "department_id": department_id,
                "hire_date": "2021-03-01",
            },
        ),
        201,
    )
    return created


def test_repairs_meetings_and_company_events_through_the_gateway(office: RunningPlatform) -> None:
    admin = login(office, "admin", ADMIN_PASSWORD)
    warm_up(admin)
    create_account(admin, "hr.office", roles=["hr"])
    hr = login(office, "hr.office")
    departments = ok(hr.get("/api/v1/org/departments", params={"limit": 200}))["items"]
    gmo = next(d for d in departments if d["code"] == "GMO")["id"]
    officer = hire(hr, gmo, "OF-001", "周后勤")
    alice = hire(hr, gmo, "OF-002", "林一")
    bob = hire(hr, gmo, "OF-003", "吴二")
    create_account(admin, "zhou.office", employee_id=officer["id"], roles=["logistics"])
    create_account(admin, "lin.office", employee_id=alice["id"])
    create_account(admin, "wu.office", employee_id=bob["id"])
    staff, lin, wu = (login(office, name) for name in ("zhou.office", "lin.office", "wu.office"))
    warm_up(lin)

    # ---- a repair, from the employee's report to their confirmation
    space = ok(
        staff.post(
            f"{LOG}/spaces",
            json={"building": "总部", "floor": "3F", "room": "301", "kind": "office"},
        ),
        201,
    )
    unit = ok(
        staff.post(
            f"{LOG}/facilities",
            json={
                "asset_tag": "E2E-AC-301",
                "name": "空调",
                "category": "hvac",
                "space_id": space["id"],
            },
        ),
        201,
    )
    repair = ok(
        lin.post(
            f"{LOG}/repair-requests",
            json={"facility_id": unit["id"], "description": "空调不制冷", "urgency": "high"},
        ),
        201,
    )
    assert wu.get(f"{LOG}/repair-requests/{repair['id']}").status_code == 404  # not theirs
    for step, body in (
        ("assign", {"assignee": "王师傅"}),
        ("start", None),
        ("resolve", {"resolution": "更换电容", "cost": "350.00"}),
    ):
        current = ok(staff.get(f"{LOG}/repair-requests/{repair['id']}"))
        ok(
            staff.post(
                f"{LOG}/repair-requests/{repair['id']}/{step}",
                json=body,
                headers={"If-Match": f'"{current["version"]}"'},
            )
        )
    current = ok(lin.get(f"{LOG}/repair-requests/{repair['id']}"))
    confirmed = ok(
        lin.post(
            f"{LOG}/repair-requests/{repair['id']}/confirm",
            headers={"If-Match": f'"{current["version"]}"'},
        )
    )
    assert confirmed["status"] == "confirmed" and confirmed["cost"] == "350.00"

    # ---- a meeting in a booked room: the invitation reaches the attendee's inbox
    room = ok(
        staff.post(f"{LOG}/rooms", json={"name": "E2E 会议室", "capacity": 6}),
        201,
    )
    starts = (datetime.now(UTC) + timedelta(days=3)).replace(
        hour=2, minute=0, second=0, microsecond=0
    )
    meeting = ok(
        lin.post(
            f"{LOG}/meetings",
            json={
                "title": "季度复盘",
                "agenda": "回顾与计划",
                "starts_at": starts.isoformat(),
                "ends_at": (starts + timedelta(hours=1)).isoformat(),
                "room_id": room["id"],
                "attendee_ids": [bob["id"]],
            },
        ),
        201,
    )
    clash = wu.post(
        f"{LOG}/bookings",
        json={
            "room_id": room["id"],
            "starts_at": (starts + timedelta(minutes=30)).isoformat(),
            "ends_at": (starts + timedelta(hours=2)).isoformat(),
            "title": "占用",
        },
    )
    assert clash.status_code == 409 and clash.json()["code"] == "room_booked"

    def invitation() -> dict[str, Any] | None:
        inbox = ok(wu.get(f"{WF}/notifications", params={"kind": ["meeting"], "limit": 50}))
        return next(
            (n for n in inbox["items"] if n["link"] and n["link"]["id"] == meeting["id"]), None
        )

    notice = eventually(invitation, within=60, every=0.5, what="the meeting's invitation")
    assert "季度复盘" in notice["title"]["zh"]
    answered = ok(wu.post(f"{LOG}/meetings/{meeting['id']}/answer", json={"response": "accepted"}))
    assert any(
        a["employee_id"] == bob["id"] and a["response"] == "accepted" for a in answered["attendees"]
    )

    # ---- a company event: its last place, the waitlist, and the promotion
    event = ok(
        staff.post(
            f"{LOG}/company-events",
            json={
                "title": "中秋游园",
                "kind": "festival",
                "starts_at": (starts + timedelta(days=2)).isoformat(),
                "ends_at": (starts + timedelta(days=2, hours=3)).isoformat(),
                "signup_deadline": (starts + timedelta(days=1)).isoformat(),
                "capacity": 1,
            },
        ),
        201,
    )
    first = ok(lin.post(f"{LOG}/company-events/{event['id']}/signups", json={}), 201)
    second = ok(wu.post(f"{LOG}/company-events/{event['id']}/signups", json={}), 201)
    assert (first["status"], second["status"]) == ("confirmed", "waitlisted")
    ok(lin.post(f"{LOG}/company-events/{event['id']}/signups/{first['id']}/cancel", json={}))
    promoted = ok(wu.get(f"{LOG}/company-events/{event['id']}/signups/{second['id']}"))
    assert promoted["status"] == "confirmed"
