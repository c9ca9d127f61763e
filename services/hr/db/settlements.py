"""Models of hr: the settlement of a leaver's annual leave (Art. 12 of the implementing measures
for paid annual leave), which payroll reads."""

import uuid
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Integer, Numeric, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from services.hr.db.models import DAYS, Base
from shared.kit.audit import Audited
from shared.kit.db import IdMixin, utcnow


class LeaveSettlement(IdMixin, Audited, Base):
    """A leaver's annual leave for the year they left: the days worked in the year, the full
    year's entitlement, what that earns (days worked / 365 * entitlement), what was taken, and
    the untaken days payroll pays for (whole days; the fraction is not paid)."""

    __tablename__ = "leave_settlements"
    __table_args__ = (UniqueConstraint("employee_id", "year"),)

    employee_id: Mapped[uuid.UUID]
    year: Mapped[int] = mapped_column(Integer)
    leave_date: Mapped[date]
    days_worked: Mapped[int] = mapped_column(Integer)
    full_entitlement: Mapped[int] = mapped_column(Integer)
    earned: Mapped[Decimal] = mapped_column(Numeric(8, 4))
    taken: Mapped[Decimal] = mapped_column(DAYS)
    untaken_days: Mapped[int] = mapped_column(Integer)
    settled_at: Mapped[datetime] = mapped_column(default=utcnow)
