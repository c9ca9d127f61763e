"""External parties (customers, suppliers, partners) and their contacts."""

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.org.db.models import Employee, Party, PartyContact
from services.org.schemas import ContactCreate, ContactUpdate, PartyCreate, PartyUpdate
from shared.contracts.principal import Principal
from shared.kit.errors import Conflict, Forbidden, Unprocessable, not_found


async def get(session: AsyncSession, party_id: uuid.UUID) -> Party:
    """A party by id, or 404."""
    party = await session.get(Party, party_id)
    if party is None:
        raise not_found("party", party_id)
    return party


def require_editor(principal: Principal, party: Party | None) -> None:
    """Admins, the GM and the owner employee change a party; any employee may register one."""
    if principal.has_role("admin", "gm") or (
        principal.kind == "client" and principal.can_write("org")
    ):
        return
    if party is None and principal.employee_id is not None:
        return
    if (
        party is not None
        and party.owner_employee_id is not None
        and party.owner_employee_id == principal.employee_id
    ):
        return
    raise Forbidden(
        "only the party's owner, the general manager or an admin may change it",
        code="not_party_owner",
    )


def _may_assign_owners(principal: Principal) -> bool:
    return principal.has_role("admin", "gm") or (
        principal.kind == "client" and principal.can_write("org")
    )


def require_owner_assigner(principal: Principal, owner: uuid.UUID | None) -> None:
    """Only the general manager or an admin gives a party to someone; an employee registers
    parties for themself."""
    if owner is None or owner == principal.employee_id or _may_assign_owners(principal):
        return
    raise Forbidden(
        "only the general manager or an admin may make someone else a party's owner",
        code="owner_assignment_forbidden",
    )


async def _check(
    session: AsyncSession,
    credit_code: str | None,
    owner: uuid.UUID | None,
    own_id: uuid.UUID | None,
) -> None:
    if credit_code:
        other = await session.scalar(select(Party.id).where(Party.credit_code == credit_code))
        if other and other != own_id:
            raise Conflict(
                f"a party with credit code {credit_code} exists", code="duplicate_credit_code"
            )
    if owner and await session.get(Employee, owner) is None:
        raise Unprocessable(f"employee {owner} does not exist", code="unknown_employee")


async def create(session: AsyncSession, payload: PartyCreate, principal: Principal) -> Party:
    """Register a party; its owner defaults to the employee registering it."""
    require_editor(principal, None)
    require_owner_assigner(principal, payload.owner_employee_id)
    data = payload.model_dump()
    data["owner_employee_id"] = data["owner_employee_id"] or principal.employee_id
    await _check(session, data["credit_code"], data["owner_employee_id"], None)
    party = Party(**data, created_by=principal.sub)
    session.add(party)
    await session.flush()
    return party


async def update(
    session: AsyncSession, party: Party, payload: PartyUpdate, principal: Principal
) -> Party:
    """Change a party (owner, GM, admin)."""
    require_editor(principal, party)
    changes = payload.model_dump(exclude_unset=True)
    new_owner = changes.get("owner_employee_id", party.owner_employee_id)
    if new_owner != party.owner_employee_id and not _may_assign_owners(principal):
        raise Forbidden(
            "only the general manager or an admin may change a party's owner",
            code="owner_assignment_forbidden",
        )
    for required in ("kind", "name", "address"):
        if required in changes and changes[required] is None:
            raise Unprocessable(f"{required} may not be null")
    await _check(session, changes.get("credit_code"), changes.get("owner_employee_id"), party.id)
    for field, value in changes.items():
        setattr(party, field, value)
    await session.flush()
    return party


async def get_contact(session: AsyncSession, party: Party, contact_id: uuid.UUID) -> PartyContact:
    """A contact of ``party``, or 404."""
    contact = await session.get(PartyContact, contact_id)
    if contact is None or contact.party_id != party.id:
        raise not_found("contact", contact_id)
    return contact


async def add_contact(
    session: AsyncSession, party: Party, payload: ContactCreate, principal: Principal
) -> PartyContact:
    """A new contact person at the party."""
    require_editor(principal, party)
    contact = PartyContact(party_id=party.id, **payload.model_dump())
    session.add(contact)
    await session.flush()
    return contact


async def update_contact(
    session: AsyncSession,
    party: Party,
    contact: PartyContact,
    payload: ContactUpdate,
    principal: Principal,
) -> PartyContact:
    """Change a contact."""
    require_editor(principal, party)
    changes = payload.model_dump(exclude_unset=True)
    if "name" in changes and changes["name"] is None:
        raise Unprocessable("name may not be null")
    for field, value in changes.items():
        setattr(contact, field, value)
    await session.flush()
    return contact


async def remove_contact(
    session: AsyncSession, party: Party, contact: PartyContact, principal: Principal
) -> None:
    """Delete a contact."""
    require_editor(principal, party)
    await session.delete(contact)
    await session.flush()
