"""Dependencies shared by the org routers."""

from typing import Annotated

from fastapi import Depends

from shared.contracts.principal import Principal
from shared.kit.auth import guarded
from shared.kit.errors import Forbidden


def _may_read_directory(principal: Principal) -> None:
    """Every person (and clients with org:read) may read the directory and the org chart."""
    if principal.kind == "client" and not principal.can_read("org"):
        raise Forbidden("this client lacks the scope org:read", code="insufficient_scope")


Reader = Annotated[Principal, Depends(guarded(_may_read_directory))]
