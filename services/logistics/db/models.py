"""SQLAlchemy models of the logistics service (its own schema).

``Base`` and the kit's tables are here; each area's models live in their own module of this
package, imported at the end so that ``Base.metadata`` holds every table.
"""

from shared.kit.db import KitBase, new_metadata
from shared.kit.tables import define_kit_tables


class Base(KitBase):
    """Root of every logistics model."""

    __abstract__ = True
    metadata = new_metadata()


KIT = define_kit_tables(Base.metadata)

# every area's models (after Base, which they import)
# ruff: noqa: E402
from services.logistics.db import (
    company_events,  # noqa: F401
    facilities,  # noqa: F401
    meetings,  # noqa: F401
    supplies,  # noqa: F401
    travel,  # noqa: F401
    vehicles,  # noqa: F401
)
