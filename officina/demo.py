"""``officina up --demo``: a demo company to try every screen — people, heads, accounts, parties, a document."""

import os
import random
import uuid
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import func, select

from gateway.auth import secrets
from gateway.db.models import KIT as GATEWAY_KIT
from gateway.db.models import Account
from services.org.db.models import KIT as ORG_KIT
from services.org.db.models import Department, Document, Employee, Party, PartyContact, Position
from services.org.domain import documents as document_rules
from services.org.domain import employees as employee_rules
from services.org.domain.departments import record_department_event
from shared.contracts.principal import Principal
from shared.kit.seeding import seeding_session

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = [
    "伟",
    "芳",
    "娜",
    "敏",
    "静",
    "丽",
    "强",
    "磊",
    "军",
    "洋",
    "勇",
    "艳",
    "杰",
    "娟",
    "涛",
    "明",
    "超",
    "秀英",
    "霞",
    "平",
]
# (department code, head's position, staff positions, how many staff)
STAFF = [
    ("GMO", "总经理", ["行政主管", "行政专员"], 4),
    ("RND", "研发总监", ["高级工程师", "软件工程师", "测试工程师"], 14),
    ("MKT", "市场总监", ["市场专员", "品牌经理"], 7),
    ("SALES", "销售总监", ["大客户经理", "销售代表"], 10),
    ("TS", "技术支持经理", ["技术支持工程师", "运维工程师"], 8),
    ("FIN", "财务经理", ["会计", "出纳"], 5),
    ("HR", "人力资源经理", ["招聘专员", "薪酬专员"], 5),
]
# username → (department code, role in org, gateway roles)
ACCOUNTS = {
    "gm": ("GMO", "head", ["gm", "employee"]),
    "hr.head": ("HR", "head", ["hr", "employee"]),
    "finance.head": ("FIN", "head", ["finance", "employee"]),
    "rnd.head": ("RND", "head", ["employee"]),
    "rnd.engineer": ("RND", "staff", ["employee"]),
    "auditor": ("FIN", "staff", ["auditor", "employee"]),
}
DEMO_ACCOUNTS_FILE = "demo-accounts.txt"


def _name(rng: random.Random) -> str:
    return (
        rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.5 else "")
    )


async def _load_org(url: str, schema: str) -> dict[str, uuid.UUID] | None:
    """Create the demo people, heads, positions, parties and a published document; ids by username.

    Only into an org without employees; None when it already has some.
    """
    rng = random.Random(20261125)
    picked: dict[str, uuid.UUID] = {}
    async with seeding_session(url, schema, ORG_KIT) as session:
        if await session.scalar(select(func.count()).select_from(Employee)):
            return None
        departments = {d.code: d for d in (await session.scalars(select(Department))).all()}
        number = 1000
        heads: dict[str, Employee] = {}
        account_slots: dict[tuple[str, str], list[str]] = {
            code_role: [] for code_role in {(v[0], v[1]) for v in ACCOUNTS.values()}
        }
        for username, (code, role, _roles) in ACCOUNTS.items():
            account_slots[(code, role)].append(username)
        for code, head_title, titles, count in STAFF:
            department = departments[code]
            positions = {}
            for grade, title in enumerate([head_title, *titles], start=1):
                position = Position(
                    title=title,
                    grade=f"M{4 - grade}" if grade == 1 else f"P{7 - grade}",
                    department_id=department.id,
                )
                session.add(position)
                positions[title] = position
            await session.flush()
            for index in range(count + 1):
                number += 1
                is_head = index == 0
                hire = date(2015, 1, 1) + timedelta(days=rng.randrange(0, 3800))
                employee = Employee(
                    employee_number=f"E{number}",
                    name=_name(rng),
                    email=f"e{number}@demo.officina.cn",
                    phone=f"138{rng.randrange(10_000_000, 99_999_999)}",
                    department_id=department.id,
                    position_id=positions[head_title if is_head else rng.choice(titles)].id,
                    manager_id=None,
                    employment_type="full_time"
                    if index < count - 1
                    else rng.choice(["part_time", "intern", "full_time"]),
                    is_management=is_head,
                    status="active",
                    hire_date=hire,
                    work_start_date=hire - timedelta(days=rng.randrange(0, 5000)),
                    id_number=f"1101011990{rng.randrange(10**7, 10**8)}",
                    birth_date=date(1975, 1, 1) + timedelta(days=rng.randrange(0, 9000)),
                )
                slots = account_slots.get((code, "head" if is_head else "staff"), [])
                if slots:
                    picked[slots.pop(0)] = employee.id
                session.add(employee)
                if is_head:
                    heads[code] = employee
                    department.head_employee_id = employee.id
                else:
                    employee.manager_id = heads[code].id
            await session.flush()
        for code, head in heads.items():
            if code != "GMO":
                head.manager_id = heads["GMO"].id
        await session.flush()
        for kind, name, credit_code in (
            ("customer", "华东电信工程有限公司", "91310000MA1FL0AB3X"),
            ("customer", "星河数据科技股份有限公司", "91440300MA5DC1234K"),
            ("supplier", "联创网络设备有限公司", "91110108MA00ABCD1P"),
            ("partner", "云桥软件合作伙伴联盟", None),
        ):
            party = Party(
                kind=kind,
                name=name,
                credit_code=credit_code,
                address="中国",
                tier="A" if kind == "customer" else None,
                owner_employee_id=heads["SALES"].id,
                created_by="system",
            )
            session.add(party)
            await session.flush()
            session.add(
                PartyContact(
                    party_id=party.id, name=_name(rng), title="采购经理", phone="13900000000"
                )
            )
        gm = heads["GMO"]
        reviewer = Principal(sub="system", roles=frozenset({"admin"}), employee_id=gm.id)
        document = Document(
            title="关于规范公司运营管理的通知",
            body="为规范公司各项运营活动，确保公司高效、有序运作，现发布《公司运营制度》，请全体员工认真学习并遵照执行。",
            category="notice",
            owner_department_id=departments["GMO"].id,
            created_by="system",
        )
        session.add(document)
        await session.flush()
        await document_rules.submit(session, document, reviewer)
        await document_rules.approve(session, document, reviewer, "同意发布")
        for employee in (await session.scalars(select(Employee))).all():
            await employee_rules.record_created_event(session, employee)
        # the heads named above, announced as org announces any new head (hr's and finance's
        # copies of org learn who heads what from this)
        for code in heads:
            await record_department_event(
                session, "org.department.updated", departments[code], changed=["head_employee_id"]
            )
    return picked


async def load_demo(data_dir: Path) -> list[str]:
    """Load the demo company (once) and return lines describing the demo accounts."""
    from officina.cli import database_url

    prefix = os.environ.get("OFFICINA_SCHEMA_PREFIX", "")
    employees = await _load_org(database_url("org", data_dir), f"{prefix}org")
    path = data_dir / DEMO_ACCOUNTS_FILE
    if employees is None:
        return [
            f"org already has employees: demo data not loaded (demo accounts, if any, are in {path})"
        ]
    lines: list[str] = []
    async with seeding_session(
        database_url("gateway", data_dir), f"{prefix}gateway", GATEWAY_KIT
    ) as session:
        for username, (_code, _role, roles) in ACCOUNTS.items():
            if await session.scalar(select(Account.id).where(Account.username == username)):
                continue
            password = secrets.new_secret(12)
            session.add(
                Account(
                    username=username,
                    password_hash=await secrets.hash_password(password),
                    roles=roles,
                    employee_id=employees.get(username),
                )
            )
            lines.append(f"{username:<14} {password:<18} roles: {', '.join(roles)}")
    if lines:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        with os.fdopen(fd, "a") as handle:
            handle.write("\n".join(lines) + "\n")
        return ["demo accounts (username, password, roles):", *lines, f"(also in {path})"]
    return [f"demo company already loaded; its accounts are listed in {path}"]
