"""SQLAlchemy models of the logistics service (its own schema)."""

from shared.kit.db import KitBase, new_metadata
from shared.kit.tables import define_kit_tables


class Base(KitBase):
    """Root of every logistics model."""

    __abstract__ = True
    metadata = new_metadata()


KIT = define_kit_tables(Base.metadata)
