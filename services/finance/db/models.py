"""SQLAlchemy models of the finance service (its own schema).

``Base`` and the kit's tables are here; each area's models live in their own module of this
package, imported at the end so that ``Base.metadata`` holds every table.
"""

from shared.kit.db import KitBase, new_metadata
from shared.kit.tables import define_kit_tables


class Base(KitBase):
    """Root of every finance model."""

    __abstract__ = True
    metadata = new_metadata()


KIT = define_kit_tables(Base.metadata)

# every area's models (after Base, which they import)
# ruff: noqa: E402
from services.finance.db import (
    budgets,  # noqa: F401
    directory,  # noqa: F401
    employee_payables,  # noqa: F401
    ledger,  # noqa: F401
    posting,  # noqa: F401
    receivables,  # noqa: F401
    spending,  # noqa: F401
    statements,  # noqa: F401
    tax,  # noqa: F401
)
